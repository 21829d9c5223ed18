"""The anonymisation's own errors."""


class AnonymisationError(Exception):
    """The raw shards no longer match what validation registered, or outputs would clash."""
