"""The retention calendar in Chromium: what is due and overdue and why, legal holds placed
and released with a reason (and refused without one), the audit events of it, and the 403
page for roles that may not manage holds."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib.resources import files

import pytest
from playwright.sync_api import Browser, Page, Response, expect
from sqlalchemy import select

from airlock.instance import Instance
from airlock.retention_jobs import sweeper
from audit import SYSTEM, Actor
from catalog import AuditEventRecord, Contract, CopyKind, StoredCopy, utcnow
from retention import complete_training, place_hold, start_training
from tests.airlock.conftest import World
from tests.console.conftest import LiveServer, assert_accessible, screenshot, sign_in
from tests.retention import datasets
from tests.retention.datasets import PURPOSE

DAY = timedelta(days=1)
HELD_REASON = "Litigation 2027-04"


@dataclass(frozen=True)
class Calendar:
    soon: str
    """Due in four days."""
    held: str
    """Three days overdue, under a legal hold."""
    failed: str
    """Thirteen days overdue: its purge failed."""
    unswept: str
    """A day overdue: no sweep ran since."""


def _trained(instance: Instance, found: Contract, at: datetime) -> str:
    """Trained through the training functions, completed at `at`: due seven days later
    (the contract's retention)."""
    dataset_id = datasets.ready(instance, found)
    with instance.transaction(SYSTEM) as tx:
        start_training(tx, dataset_id, PURPOSE, at - timedelta(hours=1))
        complete_training(tx, dataset_id, at)
    return dataset_id


@pytest.fixture(scope="module")
def calendar(console_instance: Instance, console_world: World) -> Calendar:
    instance, now = console_instance, utcnow()
    weekly = datasets.contract(instance, days=7, tenant="acme")
    soon = _trained(instance, weekly, now - 3 * DAY)
    held = _trained(instance, weekly, now - 10 * DAY)
    failed = _trained(instance, weekly, now - 20 * DAY)
    with instance.transaction(Actor(id="token:setup", role="compliance")) as tx:
        place_hold(tx, held, HELD_REASON)
        # A copy in a backend this instance is not configured for: the purge can neither
        # delete nor verify it, so it fails and is audited (as after a storage change).
        tx.session.add(StoredCopy(dataset_id=failed, kind=CopyKind.EXPORT, backend="s3",
                                  locator=f"datasets/{failed}/elsewhere", size=1,
                                  plaintext_size=1, digest="0" * 64))
    sweeper(instance).run()
    unswept = _trained(instance, weekly, now - 8 * DAY)  # due after the sweep ran
    return Calendar(soon, held, failed, unswept)


def _events(instance: Instance, action: str, dataset_id: str) -> list[AuditEventRecord]:
    with instance.reading() as session:
        return list(session.execute(select(AuditEventRecord).where(
            AuditEventRecord.action == action, AuditEventRecord.dataset_id == dataset_id)
            .order_by(AuditEventRecord.seq)).scalars())


def _open(page: Page, live: LiveServer, world: World, role: str = "compliance") -> None:
    sign_in(page, live.url, world.tokens[role], next_path="/retention")


def _row(page: Page, table_heading: str, dataset_id: str):  # type: ignore[no-untyped-def]
    section = page.locator("section", has=page.get_by_role("heading", name=table_heading))
    return section.locator("tr", has=page.get_by_role("link", name=dataset_id))


def _posted(page: Page, path: str):  # type: ignore[no-untyped-def]
    return page.expect_response(lambda r: r.request.method == "POST" and
                                r.url.endswith(path))


def test_compliance_sees_what_is_due_overdue_and_held(live: LiveServer, console_world: World,
                                                      calendar: Calendar, page: Page) -> None:
    _open(page, live, console_world)
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention calendar")
    week = page.locator("table", has=page.get_by_role("link", name=calendar.soon))
    expect(page.get_by_role("heading", name="Due within 7 days")).to_be_visible()
    expect(week.get_by_role("row", name=re.compile(calendar.soon))).to_contain_text(
        "retained, version 1")
    expect(week).to_contain_text("3 days")  # four days less the seconds since setup
    overdue = page.locator("section", has=page.get_by_role("heading", name="Overdue",
                                                           exact=True))
    held = overdue.get_by_role("row", name=re.compile(calendar.held))
    expect(held).to_contain_text("Held")
    expect(held).to_contain_text(HELD_REASON)
    expect(held).to_contain_text("3 days")
    failed = overdue.get_by_role("row", name=re.compile(calendar.failed))
    expect(failed).to_contain_text("Purge failed")
    expect(failed).to_contain_text("Step delete: backend_not_configured; attempts so far: 1")
    expect(failed).to_contain_text("Being deleted: it cannot be held")
    expect(overdue.get_by_role("row", name=re.compile(calendar.unswept))).to_contain_text(
        "Not swept yet")
    holds = page.locator("section", has=page.get_by_role("heading", name="Legal holds"))
    hold = holds.get_by_role("row", name=re.compile(calendar.held))
    expect(hold).to_contain_text(HELD_REASON)
    expect(hold).to_contain_text("token:setup")
    expect(page.get_by_role("list", name="Summary")).to_contain_text("3 overdue")
    screenshot(page, "retention-compliance")
    assert_accessible(page)


def test_a_hold_needs_a_reason_and_is_placed_and_released(
        live: LiveServer, console_world: World, console_instance: Instance,
        calendar: Calendar, page: Page) -> None:
    _open(page, live, console_world)
    reason = page.get_by_label(f"Reason for a hold on dataset {calendar.soon}")
    form = page.locator("form", has=reason)
    with _posted(page, "/retention/holds") as answer:
        form.get_by_role("button", name="Place hold").click()
    assert answer.value.status == 422
    reason = page.get_by_label(f"Reason for a hold on dataset {calendar.soon}")
    expect(reason).to_have_attribute("aria-invalid", "true")
    error = page.locator(f"#{reason.get_attribute('aria-describedby')}")
    expect(error).to_have_text("A reason is required.")
    expect(reason).to_be_focused()
    screenshot(page, "retention-hold-form-error")
    assert_accessible(page)
    assert _events(console_instance, "retention.hold_placed", calendar.soon) == []

    reason.fill("x" * 201)
    with _posted(page, "/retention/holds") as answer:
        reason.press("Enter")
    assert answer.value.status == 422
    reason = page.get_by_label(f"Reason for a hold on dataset {calendar.soon}")
    expect(reason).to_have_value("x" * 201)
    expect(page.get_by_role("alert")).to_have_text(
        "The reason must be 3 to 200 characters long.")

    reason.fill("Audit request 12")
    with _posted(page, "/retention/holds") as answer:
        reason.press("Enter")
    assert answer.value.status == 303
    expect(page).to_have_url(re.compile(rf"/retention\?placed={calendar.soon}$"))
    expect(page.get_by_role("status")).to_have_text(
        f"Dataset {calendar.soon} is now under legal hold.")
    expect(_row(page, "Legal holds", calendar.soon)).to_contain_text("Audit request 12")
    [placed] = _events(console_instance, "retention.hold_placed", calendar.soon)
    assert placed.role == "compliance" and placed.details["reason"] == "Audit request 12"
    assert placed.actor.startswith("token:") and placed.outcome == "success"

    release = page.get_by_label(f"Reason for releasing the hold on dataset {calendar.soon}")
    release.fill("Request answered")
    with _posted(page, "/retention/holds/release") as answer:
        page.locator("form", has=release).get_by_role("button", name="Release hold").click()
    assert answer.value.status == 303
    expect(page.get_by_role("status")).to_have_text(
        f"The hold on dataset {calendar.soon} was released.")
    released = page.locator("table", has=page.get_by_role("columnheader",
                                                          name="Reason for release"))
    expect(released.get_by_role("row", name=re.compile(calendar.soon))).to_contain_text(
        "Request answered")
    [event] = _events(console_instance, "retention.hold_released", calendar.soon)
    assert event.details["reason"] == "Request answered"
    assert event.object_ids.get("hold_id") == placed.object_ids.get("hold_id")
    assert_accessible(page)


def test_a_conflict_and_an_unknown_id_show_on_the_page(
        live: LiveServer, console_world: World, calendar: Calendar, page: Page) -> None:
    _open(page, live, console_world)
    page.get_by_label("Dataset id").fill(calendar.failed)
    page.get_by_label("Reason for the hold").fill("Regulator inquiry")
    with _posted(page, "/retention/holds") as answer:
        page.get_by_label("Reason for the hold").press("Enter")
    assert answer.value.status == 409  # its purge began: it can only be finished
    expect(page.get_by_role("alert")).to_have_text(
        f"Dataset {calendar.failed} cannot be held: it is under legal hold already, or "
        "its data is being or has been deleted.")

    page.get_by_label("Dataset id").fill("no-such-dataset")
    page.get_by_label("Reason for the hold").fill("Regulator inquiry")
    with _posted(page, "/retention/holds") as answer:
        page.get_by_label("Reason for the hold").press("Enter")
    assert answer.value.status == 404
    expect(page.get_by_label("Dataset id")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#lookup-dataset-error")).to_have_text(
        "There is no dataset with that id.")
    expect(page.get_by_label("Reason for the hold")).to_have_value("Regulator inquiry")
    assert_accessible(page)


def test_a_form_without_the_csrf_token_is_refused(
        live: LiveServer, console_world: World, console_instance: Instance,
        calendar: Calendar, page: Page) -> None:
    _open(page, live, console_world)
    answer = page.request.post(f"{live.url}/retention/holds", form={
        "csrf": "0" * 64, "dataset_id": calendar.unswept, "reason": "Forged form"})
    assert answer.status == 403
    assert _events(console_instance, "retention.hold_placed", calendar.unswept) == []


@pytest.mark.parametrize("role", ["client", "operator"])
def test_other_roles_get_the_403_page_audited(live: LiveServer, console_world: World,
                                              console_instance: Instance, calendar: Calendar,
                                              page: Page, role: str) -> None:
    sign_in(page, live.url, console_world.tokens[role])
    answers: list[Response] = []
    page.on("response", lambda r: answers.append(r) if r.url.endswith("/retention") else None)
    page.goto(f"{live.url}/retention")
    assert [r.status for r in answers] == [403]
    expect(page.get_by_role("heading", level=1)).to_have_text("403 · Forbidden")
    expect(page.get_by_role("navigation", name="Pages")).not_to_contain_text("Retention")
    expect(page.locator("main")).not_to_contain_text(HELD_REASON)
    with console_instance.reading() as session:
        denied = session.execute(select(AuditEventRecord).where(
            AuditEventRecord.action == "access.denied")
            .order_by(AuditEventRecord.seq.desc()).limit(1)).scalar_one()
    assert (denied.role, denied.details["route"], denied.details["status"]) == (
        role, "/retention", 403)
    forged = page.request.post(f"{live.url}/retention/holds", form={
        "csrf": page.evaluate("document.body.dataset.csrf"), "dataset_id": calendar.unswept,
        "reason": "Not mine to hold"})
    assert forged.status == 403
    screenshot(page, f"retention-{role}")
    assert_accessible(page)


def test_the_calendar_in_chinese(live: LiveServer, browser: Browser, console_world: World,
                                 calendar: Calendar) -> None:
    messages = tomllib.loads(files("airlock.console").joinpath(
        "messages", "retention_page.toml").read_text(encoding="utf-8"))
    assert set(messages["en"]) == set(messages["zh"])
    context = browser.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        sign_in(page, live.url, console_world.tokens["compliance"], next_path="/retention")
        expect(page.get_by_role("heading", level=1)).to_have_text("保留期限日历")
        expect(page.get_by_role("heading", name="7 天内到期")).to_be_visible()
        assert_accessible(page)
    finally:
        context.close()
