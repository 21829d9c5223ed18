"""Schemathesis over the OpenAPI document: every operation, as every role, with valid and
invalid input; no answer may be a 5xx."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.result import Ok
from schemathesis.generation.case import Case

from airlock.api.app import create_app
from airlock.instance import Instance
from tests.airlock.conftest import World

ROLES = ("anonymous", "admin", "client", "compliance", "operator", "reidentifier")
EXAMPLES = 12  # per operation, role and mode: bounded so the whole run stays near a minute
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck))
# A pre-flight manifest is NDJSON: one generated JSON value is a one-line manifest.
schemathesis.serializer.alias("application/x-ndjson", "application/json")


def test_no_operation_answers_a_server_error(instance: Instance, world: World) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(instance))
    failures: list[str] = []
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results) >= 25
    for operation in operations:
        cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                          operation.as_strategy(GenerationMode.NEGATIVE))
        for role in ROLES:
            _fuzz(cases, role, world.auth(role), failures)
    assert not failures, "\n".join(failures[:40])


def _fuzz(cases: st.SearchStrategy[Case[Any]], role: str, headers: dict[str, str],
          failures: list[str]) -> None:
    @FUZZ
    @given(case=cases)
    def run(case: Case[Any]) -> None:
        response = case.call(headers=headers)
        if response.status_code >= 500:
            failures.append(f"{role} {case.method} {case.formatted_path} "
                            f"query={case.query!r}: {response.status_code}")

    run()
