"""Per-dataset data keys and the master-key interface that wraps them (envelope encryption)."""

from typing import Any, NoReturn, Protocol

import tink
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from tink import secret_key_access, streaming_aead
from tink.proto import aes_gcm_hkdf_streaming_pb2, tink_pb2

from vault.errors import KeyUnavailableError
from vault.tink_setup import register_tink

# Vetted segmented format: 1 MiB segments, AES-256-GCM with HKDF-derived per-object keys.
DEFAULT_TEMPLATE = streaming_aead.streaming_aead_key_templates.AES256_GCM_HKDF_1MB


class DataKey:
    """A streaming-AEAD keyset for one dataset; never printed, never pickled."""

    def __init__(self, handle: tink.KeysetHandle) -> None:
        register_tink()
        try:
            self._primitive = handle.primitive(streaming_aead.StreamingAead)
        except tink.TinkError as exc:
            raise KeyUnavailableError("keyset is not a streaming AEAD data key") from exc
        self._handle = handle

    @classmethod
    def generate(cls, template: Any = None) -> "DataKey":
        """A fresh key; `template` (a Tink streaming key template) is for tests only."""
        register_tink()
        return cls(tink.new_keyset_handle(template or DEFAULT_TEMPLATE))

    @classmethod
    def deserialize(cls, blob: bytes) -> "DataKey":
        """Parse a cleartext binary keyset, as produced by `serialize` and unwrapped."""
        register_tink()
        try:
            handle = tink.proto_keyset_format.parse(blob, secret_key_access.TOKEN)
        except tink.TinkError as exc:
            raise KeyUnavailableError("data key blob is not a valid keyset") from exc
        return cls(handle)

    @property
    def key_id(self) -> str:
        return str(self._handle.keyset_info().primary_key_id)

    def serialize(self) -> bytes:
        """Cleartext keyset bytes: only ever hand these to a master key for wrapping."""
        blob: bytes = tink.proto_keyset_format.serialize(self._handle, secret_key_access.TOKEN)
        return blob

    def streaming_aead(self) -> streaming_aead.StreamingAead:
        return self._primitive

    def derive(self, info: bytes) -> bytes:
        """A 32-byte subkey for `info` (HKDF-SHA256 over the primary key's secret), so that
        destroying this key destroys the subkey too. Tink derives each object's key from the
        same secret with a random 32-byte salt, never the empty salt used here."""
        keyset = tink_pb2.Keyset.FromString(self.serialize())
        [primary] = [k for k in keyset.key if k.key_id == keyset.primary_key_id]
        secret = aes_gcm_hkdf_streaming_pb2.AesGcmHkdfStreamingKey.FromString(
            primary.key_data.value).key_value
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)

    def __repr__(self) -> str:
        return f"DataKey(key_id={self.key_id!r})"

    def __reduce__(self) -> NoReturn:
        raise TypeError("DataKey cannot be pickled; wrap it with a master key instead")

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("DataKey cannot be pickled; wrap it with a master key instead")


class MasterKey(Protocol):
    """Wraps data keys; `context` (e.g. "airlock:dataset:<uuid>") is bound as associated data."""

    @property
    def key_id(self) -> str:
        """Identifier of the current wrapping key."""
        ...

    def wrap(self, plaintext: bytes, context: str) -> bytes: ...

    def unwrap(self, blob: bytes, context: str) -> bytes: ...


def wrap_data_key(master: MasterKey, key: DataKey, context: str) -> bytes:
    return master.wrap(key.serialize(), context)


def unwrap_data_key(master: MasterKey, blob: bytes, context: str) -> DataKey:
    return DataKey.deserialize(master.unwrap(blob, context))
