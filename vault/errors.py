"""Errors raised by the vault; messages never carry key material or plaintext."""


class VaultError(Exception):
    """Base class of every error the vault raises."""


class IntegrityError(VaultError):
    """Ciphertext failed authentication."""

    def __init__(
        self,
        message: str = "ciphertext failed authentication: tampered, truncated or wrong object",
    ) -> None:
        super().__init__(message)


class KeyUnavailableError(VaultError):
    """A key cannot be loaded, parsed or unwrapped."""


class ObjectNotFoundError(VaultError):
    """No object is stored under the locator."""


class InvalidLocatorError(VaultError):
    """A locator is not a safe relative object name."""
