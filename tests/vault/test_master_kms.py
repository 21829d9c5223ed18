"""The KMS master key against a KMS-compatible server on loopback."""

import pickle
from typing import Any

import pytest

from tests.s3server import S3Server, make_client
from vault import DataKey, KeyUnavailableError, KmsMasterKey, unwrap_data_key, wrap_data_key

CONTEXT = "airlock:dataset:0b7e2c1e-2f0a-4c55-9d3e-3f6c1c1f0a11"


@pytest.fixture
def kms_client(s3_server: S3Server, aws_credentials: None) -> Any:
    return make_client(s3_server, "kms")


@pytest.fixture
def kms_key_id(kms_client: Any) -> str:
    key_id: str = kms_client.create_key(Description="airlock test master key")["KeyMetadata"][
        "KeyId"
    ]
    return key_id


@pytest.fixture
def master(kms_client: Any, kms_key_id: str) -> KmsMasterKey:
    return KmsMasterKey(kms_client, kms_key_id)


def test_key_id_names_the_kms_key(master: KmsMasterKey, kms_key_id: str) -> None:
    assert master.key_id == f"kms:{kms_key_id}"
    assert repr(master) == f"KmsMasterKey(key_id='kms:{kms_key_id}')"


def test_wrap_unwrap_round_trip(master: KmsMasterKey) -> None:
    key = DataKey.generate()
    blob = wrap_data_key(master, key, CONTEXT)
    assert key.serialize() not in blob
    assert unwrap_data_key(master, blob, CONTEXT).serialize() == key.serialize()


def test_unwrap_with_wrong_context_fails(master: KmsMasterKey) -> None:
    blob = master.wrap(b"secret", CONTEXT)
    with pytest.raises(KeyUnavailableError, match="InvalidCiphertextException"):
        master.unwrap(blob, "airlock:dataset:another")


def test_unwrap_with_another_kms_key_fails(master: KmsMasterKey, kms_client: Any) -> None:
    blob = master.wrap(b"secret", CONTEXT)
    other_id = kms_client.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(KeyUnavailableError):
        KmsMasterKey(kms_client, other_id).unwrap(blob, CONTEXT)


def test_wrap_with_unknown_key_fails(kms_client: Any) -> None:
    master = KmsMasterKey(kms_client, "alias/does-not-exist")
    with pytest.raises(KeyUnavailableError, match="NotFoundException"):
        master.wrap(b"secret", CONTEXT)


def test_refuses_pickling(master: KmsMasterKey) -> None:
    with pytest.raises(TypeError):
        pickle.dumps(master)
