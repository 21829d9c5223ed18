"""Data keys, envelope wrapping and the local master key file."""

import io
import json
import pickle
import stat
from pathlib import Path

import pytest
import tink
from tink import aead, secret_key_access

from vault import (
    DataKey,
    KeyUnavailableError,
    LocalMasterKey,
    associated_data,
    decrypt_stream,
    encrypt_stream,
    unwrap_data_key,
    wrap_data_key,
)

CONTEXT = "airlock:dataset:0b7e2c1e-2f0a-4c55-9d3e-3f6c1c1f0a11"
OTHER_CONTEXT = "airlock:dataset:5d1b6a7e-8c2f-4f0e-a1d2-8e9f0a1b2c3d"
AD = associated_data("dataset", "object")


def round_trips(writer: DataKey, reader: DataKey) -> bool:
    ciphertext = io.BytesIO()
    encrypt_stream(writer, io.BytesIO(b"payload"), ciphertext, AD)
    with decrypt_stream(reader, io.BytesIO(ciphertext.getvalue()), AD) as plaintext:
        return plaintext.read() == b"payload"


@pytest.fixture
def master_path(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "master.json"


@pytest.fixture
def master(master_path: Path) -> LocalMasterKey:
    return LocalMasterKey.create(master_path)


def test_data_key_serialization_round_trip() -> None:
    key = DataKey.generate()
    restored = DataKey.deserialize(key.serialize())
    assert restored.key_id == key.key_id
    assert round_trips(key, restored)


def test_data_keys_are_distinct() -> None:
    assert DataKey.generate().serialize() != DataKey.generate().serialize()


@pytest.mark.parametrize("blob", [b"", b"not a keyset", b"\x08\x01\x12\x00"])
def test_data_key_rejects_garbage(blob: bytes) -> None:
    with pytest.raises(KeyUnavailableError):
        DataKey.deserialize(blob)


def test_data_key_rejects_a_non_streaming_keyset() -> None:
    handle = tink.new_keyset_handle(aead.aead_key_templates.AES256_GCM)
    blob = tink.proto_keyset_format.serialize(handle, secret_key_access.TOKEN)
    with pytest.raises(KeyUnavailableError, match="not a streaming AEAD"):
        DataKey.deserialize(blob)


def test_data_key_repr_shows_only_the_key_id() -> None:
    key = DataKey.generate()
    assert repr(key) == f"DataKey(key_id='{key.key_id}')"


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_keys_refuse_pickling(master: LocalMasterKey, protocol: int) -> None:
    for key in (DataKey.generate(), master):
        with pytest.raises(TypeError, match="cannot be pickled"):
            pickle.dumps(key, protocol=protocol)


def test_wrap_unwrap_round_trip(master: LocalMasterKey) -> None:
    key = DataKey.generate()
    blob = wrap_data_key(master, key, CONTEXT)
    assert key.serialize() not in blob
    assert round_trips(key, unwrap_data_key(master, blob, CONTEXT))


def test_unwrap_with_wrong_context_fails(master: LocalMasterKey) -> None:
    blob = wrap_data_key(master, DataKey.generate(), CONTEXT)
    with pytest.raises(KeyUnavailableError, match="wrong context"):
        unwrap_data_key(master, blob, OTHER_CONTEXT)


def test_unwrap_of_tampered_blob_fails(master: LocalMasterKey) -> None:
    blob = bytearray(wrap_data_key(master, DataKey.generate(), CONTEXT))
    blob[-1] ^= 1
    with pytest.raises(KeyUnavailableError):
        unwrap_data_key(master, bytes(blob), CONTEXT)


def test_master_key_file_is_private_and_written_atomically(
    master: LocalMasterKey, master_path: Path
) -> None:
    assert stat.S_IMODE(master_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(master_path.parent.stat().st_mode) == 0o700
    assert [path.name for path in master_path.parent.iterdir()] == ["master.json"]
    assert master.key_id == f"local:{json.loads(master_path.read_text())['primaryKeyId']}"


def test_create_refuses_to_overwrite(master: LocalMasterKey, master_path: Path) -> None:
    before = master_path.read_bytes()
    with pytest.raises(KeyUnavailableError, match="already exists"):
        LocalMasterKey.create(master_path)
    assert master_path.read_bytes() == before


def test_load_unwraps_what_create_wrapped(master: LocalMasterKey, master_path: Path) -> None:
    blob = master.wrap(b"secret", CONTEXT)
    loaded = LocalMasterKey.load(master_path)
    assert loaded.key_id == master.key_id
    assert loaded.unwrap(blob, CONTEXT) == b"secret"


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_load_refuses_a_file_others_can_read(
    master: LocalMasterKey, master_path: Path, mode: int
) -> None:
    master_path.chmod(mode)
    with pytest.raises(KeyUnavailableError, match="chmod 600"):
        LocalMasterKey.load(master_path)


def test_load_reports_missing_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(KeyUnavailableError, match="cannot read"):
        LocalMasterKey.load(tmp_path / "absent.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{}")
    broken.chmod(0o600)
    with pytest.raises(KeyUnavailableError, match="not a valid Tink keyset"):
        LocalMasterKey.load(broken)


def test_rotation_keeps_old_wraps_until_retired(master: LocalMasterKey, master_path: Path) -> None:
    old_blob = master.wrap(b"old", CONTEXT)
    rotated = master.rotate(master_path)
    assert rotated.key_id != master.key_id
    new_blob = rotated.wrap(b"new", CONTEXT)
    reloaded = LocalMasterKey.load(master_path)
    assert reloaded.key_id == rotated.key_id
    assert reloaded.unwrap(old_blob, CONTEXT) == b"old"
    assert reloaded.unwrap(new_blob, CONTEXT) == b"new"
    with pytest.raises(KeyUnavailableError):
        master.unwrap(new_blob, CONTEXT)

    retired = reloaded.retire_old_keys(master_path)
    assert retired.key_id == rotated.key_id
    assert len(json.loads(master_path.read_text())["key"]) == 1
    assert stat.S_IMODE(master_path.stat().st_mode) == 0o600
    for current in (retired, LocalMasterKey.load(master_path)):
        assert current.unwrap(new_blob, CONTEXT) == b"new"
        with pytest.raises(KeyUnavailableError):
            current.unwrap(old_blob, CONTEXT)


def test_master_key_repr_has_no_key_material(master: LocalMasterKey, master_path: Path) -> None:
    key_values = [key["keyData"]["value"] for key in json.loads(master_path.read_text())["key"]]
    assert repr(master) == f"LocalMasterKey(key_id='{master.key_id}')"
    assert not any(value in repr(master) for value in key_values)
