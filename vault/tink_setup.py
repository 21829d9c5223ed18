"""One idempotent place to register the Tink primitives the vault uses."""

import functools

from tink import aead, streaming_aead


@functools.cache
def register_tink() -> None:
    """Register AEAD and streaming AEAD key managers (safe to call many times)."""
    aead.register()
    streaming_aead.register()
