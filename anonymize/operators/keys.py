"""The secret key of the keyed operators, wrapped so it never shows in a repr or a log.

``OperatorConfig`` prints its params in its ``repr``; a raw ``bytes`` key there would end
up in any log line that formats a policy. Wrap keys in ``OperatorKey`` (``default_policy``
does) and they print as ``OperatorKey(<redacted>)``; pickling is refused as well.
"""

from __future__ import annotations

from typing import NoReturn

MIN_KEY_BYTES = 32


class OperatorKey:
    """A secret of at least ``MIN_KEY_BYTES`` bytes for HMAC-based operators."""

    __slots__ = ("_secret",)

    def __init__(self, secret: bytes) -> None:
        if not isinstance(secret, bytes):
            raise TypeError("an operator key is bytes")
        if len(secret) < MIN_KEY_BYTES:
            raise ValueError(f"an operator key needs at least {MIN_KEY_BYTES} bytes")
        self._secret = secret

    def secret(self) -> bytes:
        """The raw key bytes, for the HMAC computation only."""
        return self._secret

    def __repr__(self) -> str:
        return "OperatorKey(<redacted>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OperatorKey) and other._secret == self._secret

    def __hash__(self) -> int:
        return hash(("OperatorKey", self._secret))

    def __reduce__(self) -> NoReturn:
        raise TypeError("operator keys cannot be pickled")
