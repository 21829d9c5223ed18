"""Master key held in AWS KMS (or a compatible service); the key never leaves KMS."""

from typing import Any, NoReturn

from botocore.exceptions import BotoCoreError, ClientError

from vault.errors import KeyUnavailableError

# The key under which the wrapping context travels as KMS EncryptionContext.
CONTEXT_FIELD = "airlock:context"


class KmsMasterKey:
    """Wraps data keys with KMS Encrypt/Decrypt, binding the context as EncryptionContext."""

    def __init__(self, client: Any, kms_key_id: str) -> None:
        """`client` is a boto3 KMS client; `kms_key_id` a key id, ARN or alias."""
        self._client = client
        self._kms_key_id = kms_key_id

    @property
    def key_id(self) -> str:
        return f"kms:{self._kms_key_id}"

    def wrap(self, plaintext: bytes, context: str) -> bytes:
        try:
            response = self._client.encrypt(
                KeyId=self._kms_key_id,
                Plaintext=plaintext,
                EncryptionContext={CONTEXT_FIELD: context},
            )
        except (BotoCoreError, ClientError) as exc:
            raise KeyUnavailableError(
                f"KMS cannot wrap with {self.key_id}: {_reason(exc)}"
            ) from exc
        blob: bytes = response["CiphertextBlob"]
        return blob

    def unwrap(self, blob: bytes, context: str) -> bytes:
        try:
            response = self._client.decrypt(
                KeyId=self._kms_key_id,
                CiphertextBlob=blob,
                EncryptionContext={CONTEXT_FIELD: context},
            )
        except (BotoCoreError, ClientError) as exc:
            raise KeyUnavailableError(
                f"KMS cannot unwrap with {self.key_id}: {_reason(exc)}"
            ) from exc
        plaintext: bytes = response["Plaintext"]
        return plaintext

    def __repr__(self) -> str:
        return f"KmsMasterKey(key_id={self.key_id!r})"

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("KmsMasterKey cannot be pickled; it holds a live client")


def _reason(exc: BotoCoreError | ClientError) -> str:
    """The AWS error code (never the request payload)."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", "ClientError"))
    return type(exc).__name__
