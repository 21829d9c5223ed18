"""Airlock's light client: talks to a remote instance over its HTTP API only."""

from __future__ import annotations

__version__ = "0.1.0"
