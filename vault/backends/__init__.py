"""Storage backends for ciphertext objects: a local directory or an S3 bucket."""

from vault.backends.base import Backend, validate_locator
from vault.backends.local import LocalBackend
from vault.backends.s3 import S3Backend

__all__ = ["Backend", "LocalBackend", "S3Backend", "validate_locator"]
