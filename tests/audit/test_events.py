from __future__ import annotations

import pytest
from pydantic import ValidationError

from airlock.instance import event_registry
from audit import FOUNDATION_EVENTS, EventRegistry
from audit.events import AccessDenied, ObjectStored, TenantCreated


def test_every_event_is_documented() -> None:
    for event_type in FOUNDATION_EVENTS:
        assert event_type.__doc__ and event_type.__doc__.strip()


def test_duplicate_actions_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        EventRegistry([TenantCreated, TenantCreated])


@pytest.mark.parametrize("bad", ["张三", "john smith", "a@b.com", "x" * 65, ""])
def test_events_accept_ids_not_free_text(bad: str) -> None:
    with pytest.raises(ValidationError):
        TenantCreated(tenant=bad)


def test_event_splits_ids_from_details() -> None:
    event = ObjectStored(tenant="t1", dataset="d1", copy_id="c1", kind="raw", backend="local",
                         size=3, sha256="a" * 64)
    assert event.tenant_id() == "t1" and event.dataset_id() == "d1"
    assert event.object_ids() == {"copy_id": "c1"}
    assert event.details() == {"kind": "raw", "backend": "local", "size": 3, "sha256": "a" * 64}


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError):
        AccessDenied(method="GET", route="/v1/x", status=403, reason="r", name="John")  # type: ignore[call-arg]


@pytest.mark.parametrize("action", ["dataset.anonymisation_failed", "dataset.upload_failed",
                                    "dataset.rejected", "retention.purge_failed"])
def test_events_that_report_a_failure_are_recorded_as_failures(action: str) -> None:
    assert event_registry().get(action).outcome == "failure"
