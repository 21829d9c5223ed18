"""Master key kept as a Tink AEAD keyset in an owner-only JSON file (the embedded default)."""

import stat
from pathlib import Path
from typing import Any, NoReturn

import tink
from tink import aead, secret_key_access
from tink.proto import tink_pb2

from catalog.private_files import write_private_file
from vault.errors import KeyUnavailableError
from vault.tink_setup import register_tink

_TEMPLATE = aead.aead_key_templates.AES256_GCM


class LocalMasterKey:
    """Wraps data keys with AES-256-GCM; old keys stay usable after `rotate` (Tink key ids)."""

    def __init__(self, handle: tink.KeysetHandle) -> None:
        register_tink()
        try:
            self._aead = handle.primitive(aead.Aead)
        except tink.TinkError as exc:
            raise KeyUnavailableError("keyset is not an AEAD master key") from exc
        self._handle = handle

    @classmethod
    def create(cls, path: Path) -> "LocalMasterKey":
        """Generate a new master key into `path`; refuses to overwrite an existing file."""
        register_tink()
        master = cls(tink.new_keyset_handle(_TEMPLATE))
        try:
            master._write(path, replace=False)
        except FileExistsError as exc:
            raise KeyUnavailableError(f"master key file {path} already exists") from exc
        return master

    @classmethod
    def load(cls, path: Path) -> "LocalMasterKey":
        """Read the keyset file, refusing one that group or others could read."""
        register_tink()
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                raise KeyUnavailableError(
                    f"master key file {path} has mode {mode:04o}; it must be readable by its "
                    f"owner only (chmod 600 {path})"
                )
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise KeyUnavailableError(
                f"cannot read master key file {path}: {exc.strerror}"
            ) from exc
        try:
            handle = tink.json_proto_keyset_format.parse(text, secret_key_access.TOKEN)
        except tink.TinkError as exc:
            raise KeyUnavailableError(f"master key file {path} is not a valid Tink keyset") from exc
        return cls(handle)

    @property
    def key_id(self) -> str:
        return f"local:{self._handle.keyset_info().primary_key_id}"

    def wrap(self, plaintext: bytes, context: str) -> bytes:
        blob: bytes = self._aead.encrypt(plaintext, context.encode("utf-8"))
        return blob

    def unwrap(self, blob: bytes, context: str) -> bytes:
        try:
            plaintext: bytes = self._aead.decrypt(blob, context.encode("utf-8"))
        except tink.TinkError as exc:
            raise KeyUnavailableError(
                "cannot unwrap data key: wrong context, retired master key or corrupted blob"
            ) from exc
        return plaintext

    def rotate(self, path: Path) -> "LocalMasterKey":
        """Add a new primary key, keep the old ones for unwrapping, and save to `path`."""
        keyset = self._keyset()
        fresh = _proto(tink.new_keyset_handle(_TEMPLATE)).key[0]
        while fresh.key_id in {key.key_id for key in keyset.key}:
            fresh = _proto(tink.new_keyset_handle(_TEMPLATE)).key[0]
        keyset.key.append(fresh)
        keyset.primary_key_id = fresh.key_id
        return self._replace_keyset(keyset, path)

    def retire_old_keys(self, path: Path) -> "LocalMasterKey":
        """Drop every non-primary key (after everything was rewrapped) and save to `path`."""
        keyset = self._keyset()
        primary = [key for key in keyset.key if key.key_id == keyset.primary_key_id]
        del keyset.key[:]
        keyset.key.extend(primary)
        return self._replace_keyset(keyset, path)

    def _keyset(self) -> Any:
        """A mutable copy of the keyset proto."""
        return _proto(self._handle)

    def _replace_keyset(self, keyset: Any, path: Path) -> "LocalMasterKey":
        handle = tink.proto_keyset_format.parse(keyset.SerializeToString(), secret_key_access.TOKEN)
        master = LocalMasterKey(handle)
        master._write(path, replace=True)
        return master

    def _write(self, path: Path, *, replace: bool) -> None:
        text = tink.json_proto_keyset_format.serialize(self._handle, secret_key_access.TOKEN)
        write_private_file(path, text.encode("utf-8"), replace=replace)

    def __repr__(self) -> str:
        return f"LocalMasterKey(key_id={self.key_id!r})"

    def __reduce__(self) -> NoReturn:
        raise TypeError("LocalMasterKey cannot be pickled")

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("LocalMasterKey cannot be pickled")


def _proto(handle: tink.KeysetHandle) -> Any:
    """Parse the handle's keyset into a fresh, independent proto message."""
    keyset = tink_pb2.Keyset()
    keyset.ParseFromString(tink.proto_keyset_format.serialize(handle, secret_key_access.TOKEN))
    return keyset
