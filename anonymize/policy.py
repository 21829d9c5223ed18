"""Which operator each entity type gets: the default policy with per-type choices on top.

Choices are operator names (a contract's `anonymisation.operators`, the CLI's `--operator`,
the HTTP body); keyed operators get the run's key, which never leaves this process's memory.
A choice for a type holds for its whole family (`anonymize.entity_types.family`): the
contract's ``CN_PHONE: redact`` also covers a phone a recognizer typed PHONE_NUMBER, unless
PHONE_NUMBER has a choice of its own.
"""

from __future__ import annotations

from collections.abc import Mapping

from presidio_anonymizer.entities import OperatorConfig

from anonymize.entity_types import family, rank
from anonymize.operators import OperatorKey, default_policy, keyed
from vocabulary import KEYED_OPERATORS, OPERATOR_NAMES


class PolicyError(ValueError):
    """A policy names an operator Airlock does not have."""


def build_policy(choices: Mapping[str, str], key: bytes | OperatorKey) -> dict[str, OperatorConfig]:
    """`default_policy(key)` with `choices` (entity type, or DEFAULT → operator name)."""
    policy = default_policy(key)
    for entity_type, name in choices.items():
        if name not in OPERATOR_NAMES:
            raise PolicyError(f"unknown operator '{name}' for {entity_type}; one of: "
                              f"{', '.join(sorted(OPERATOR_NAMES))}")
    for entity_type, name in family_choices(choices).items():
        policy[entity_type] = OperatorConfig(name, keyed(key) if name in KEYED_OPERATORS else {})
    return policy


def family_choices(choices: Mapping[str, str]) -> dict[str, str]:
    """`choices`, each type without a choice of its own taking that of the most specific
    chosen type of its family."""
    out = dict(choices)
    for entity_type in sorted(choices, key=rank):
        for member in family(entity_type):
            out.setdefault(member, choices[entity_type])
    return out


def operator_names(policy: Mapping[str, OperatorConfig]) -> dict[str, str]:
    """The policy as type → operator name, for reports (never the params: they hold keys)."""
    return {entity_type: config.operator_name for entity_type, config in sorted(policy.items())}
