"""The anonymisation operators a contract, the CLI or an HTTP request may choose per entity
type."""

from __future__ import annotations

from typing import Literal, get_args

OperatorName = Literal["surname", "pseudonym", "mask", "redact", "hash", "generalize", "keep"]
OPERATOR_NAMES: frozenset[str] = frozenset(get_args(OperatorName))
KEYED_OPERATORS: frozenset[str] = frozenset({"pseudonym", "hash"})
"""Operators that need the run's secret key."""
