"""Encrypted object storage: master key -> per-dataset data key -> streaming AEAD objects.

S3 and KMS are reached through clients the caller passes in, so importing the vault does not
import boto3.
"""

from vault.backends.base import Backend, validate_locator
from vault.backends.local import LocalBackend
from vault.backends.s3 import S3Backend
from vault.errors import (
    IntegrityError,
    InvalidLocatorError,
    KeyUnavailableError,
    ObjectNotFoundError,
    VaultError,
)
from vault.fields import (
    ANONYMISATION_REPORT,
    ITEM_CLASS_NAME,
    ITEM_LABEL_REF,
    ITEM_PATH,
    SHARD_NAMES,
    VALIDATION_REPORT,
    FieldCipher,
)
from vault.keys import DataKey, MasterKey, unwrap_data_key, wrap_data_key
from vault.master_kms import KmsMasterKey
from vault.master_local import LocalMasterKey
from vault.object_store import ObjectStore, StoredObject
from vault.raw_archive import RawArchive, raw_archive
from vault.service import VaultService
from vault.shards import (
    ChunkReader,
    ShardBounds,
    ShardWriter,
    WrittenShard,
    joined,
    joined_size,
    shard_copy_id,
    shard_files,
    tar_end,
    tar_member,
)
from vault.streaming import EncryptedWrite, associated_data, decrypt_stream, encrypt_stream

__all__ = [
    "ANONYMISATION_REPORT",
    "ITEM_CLASS_NAME",
    "ITEM_LABEL_REF",
    "ITEM_PATH",
    "SHARD_NAMES",
    "VALIDATION_REPORT",
    "Backend",
    "ChunkReader",
    "DataKey",
    "EncryptedWrite",
    "FieldCipher",
    "IntegrityError",
    "InvalidLocatorError",
    "KeyUnavailableError",
    "KmsMasterKey",
    "LocalBackend",
    "LocalMasterKey",
    "MasterKey",
    "ObjectNotFoundError",
    "ObjectStore",
    "RawArchive",
    "S3Backend",
    "ShardBounds",
    "ShardWriter",
    "StoredObject",
    "VaultError",
    "VaultService",
    "WrittenShard",
    "associated_data",
    "decrypt_stream",
    "encrypt_stream",
    "joined",
    "joined_size",
    "raw_archive",
    "shard_copy_id",
    "shard_files",
    "tar_end",
    "tar_member",
    "unwrap_data_key",
    "validate_locator",
    "wrap_data_key",
]
