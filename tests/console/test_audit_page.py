"""The audit explorer in Chromium: filters in the address, paging by sequence number, the
CSV and bundle downloads, the state of the log, and "Verify now" on an intact and on a
tampered log; other roles get the 403 page, audited."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select, update

from airlock.instance import Instance
from airlock_client.bundle_verifier import verify_bundle
from audit import Actor
from audit.events import TenantCreated
from catalog import AuditEventRecord
from tests.airlock.conftest import World
from tests.console.conftest import LiveServer, assert_accessible, screenshot, sign_in

BULK = "bulk-writer"


def _count(instance: Instance, action: str) -> int:
    with instance.reading() as session:
        return session.execute(select(func.count()).select_from(AuditEventRecord).where(
            AuditEventRecord.action == action)).scalar_one()


def _column(page: Page, index: int) -> list[str]:
    return page.locator(f"table.events tbody tr td:nth-child({index})").all_inner_texts()


def test_compliance_filters_pages_and_downloads(live: LiveServer, console_world: World,
                                                console_instance: Instance, page: Page,
                                                tmp_path: Path) -> None:
    dataset = console_world.objects["own_dataset"]
    sign_in(page, live.url, console_world.tokens["compliance"], "/audit")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    # The state of the log: the latest signed checkpoint and what came after it.
    expect(page.locator("#checkpoint-size")).to_have_text(re.compile(r"^\d+$"))
    expect(page.get_by_text("Signing key id")).to_be_visible()
    expect(page.locator("#events-since")).to_have_text(re.compile(r"^\d+$"))

    page.get_by_label("Dataset id").fill(dataset)
    page.get_by_label("Action").select_option("dataset.state_changed")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(
        rf"/audit\?dataset={dataset}&action=dataset.state_changed$"))
    actions = _column(page, 3)
    assert len(actions) >= 3 and set(actions) == {"dataset.state_changed"}
    assert set(_column(page, 7)) == {dataset}
    screenshot(page, "audit-compliance")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == "airlock-audit-events.csv"
    with open(download.value.path(), encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [r["seq"] for r in rows] == _column(page, 1)

    exported = _count(console_instance, "audit.exported")
    with page.expect_download() as bundle:
        page.get_by_role("link", name="Download verifiable bundle").click()
    with zipfile.ZipFile(bundle.value.path()) as archive:
        archive.extractall(tmp_path)
    report = verify_bundle(tmp_path / "audit-bundle")
    assert report.intact and not report.complete  # the dataset's events, with proofs
    assert _count(console_instance, "audit.exported") == exported + 1


def test_a_link_from_another_page_and_paging(live: LiveServer, console_world: World,
                                            console_instance: Instance, page: Page) -> None:
    with console_instance.transaction(Actor(id=BULK, role="admin")) as tx:
        for n in range(60):
            tx.record(TenantCreated(tenant=f"t{n}"))
    sign_in(page, live.url, console_world.tokens["compliance"], "/audit")
    page.goto(f"{live.url}/audit?by={BULK}&action=tenant.created")
    expect(page.get_by_label("Actor id")).to_have_value(BULK)
    expect(page.get_by_label("Action")).to_have_value("tenant.created")
    first = _column(page, 1)
    assert len(first) == 50
    page.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(rf"after={first[-1]}"))
    second = _column(page, 1)
    assert len(second) == 10 and int(second[0]) > int(first[-1])
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)
    page.get_by_role("link", name="First page").click()
    assert _column(page, 1) == first
    # A filter that does not parse is named and left out, not a failed page.
    page.goto(f"{live.url}/audit?by={BULK}&since=yesterday&outcome=maybe")
    expect(page.get_by_role("alert")).to_have_text(
        "These filters could not be read and were left out: Outcome, From.")
    assert _column(page, 1) == first


def test_times_are_entered_in_local_time_and_kept_in_utc(live: LiveServer,
                                                         console_world: World,
                                                         page: Page) -> None:
    sign_in(page, live.url, console_world.tokens["compliance"], "/audit")
    # The browser's zone is Asia/Shanghai (UTC+8).
    page.get_by_label(re.compile("^From")).fill("2026-01-01T08:00")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/audit\?since=2026-01-01T00%3A00%3A00Z$"))
    expect(page.get_by_label(re.compile("^From"))).to_have_value("2026-01-01T08:00")
    expect(page.get_by_text("(your time)").first).to_be_visible()


def test_verify_now_in_place_and_without_scripts(live: LiveServer, console_world: World,
                                                 console_instance: Instance, page: Page,
                                                 browser: Browser) -> None:
    before = _count(console_instance, "audit.verified")
    sign_in(page, live.url, console_world.tokens["compliance"], "/audit")
    page.get_by_role("button", name="Verify now").click()
    expect(page.get_by_role("status")).to_contain_text("Verified: the log is intact")
    assert _count(console_instance, "audit.verified") == before + 1

    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    try:
        plain = context.new_page()
        sign_in(plain, live.url, console_world.tokens["compliance"], "/audit")
        plain.get_by_role("button", name="Verify now").click()
        expect(plain).to_have_url(re.compile(r"/audit/verify$"))
        expect(plain.get_by_role("status")).to_contain_text("Verified: the log is intact")
    finally:
        context.close()
    assert _count(console_instance, "audit.verified") == before + 2


def test_a_client_gets_the_403_page(live: LiveServer, console_world: World,
                                    console_instance: Instance, page: Page) -> None:
    before = _count(console_instance, "access.denied")
    sign_in(page, live.url, console_world.tokens["client"])
    with page.expect_response(re.compile(r"/audit$")) as answer:
        page.goto(f"{live.url}/audit")
    assert answer.value.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("403 · Forbidden")
    assert _count(console_instance, "access.denied") == before + 1
    refused = page.request.get(f"{live.url}/v1/audit/events.csv")
    assert refused.status == 403
    assert_accessible(page)


def test_verify_shows_a_tampered_row(live: LiveServer, console_world: World,
                                     console_instance: Instance, page: Page) -> None:
    """Last in the module: it edits the log (and puts the row back afterwards)."""
    with console_instance.reading() as session:
        original = session.get(AuditEventRecord, 4)
        assert original is not None
        details = dict(original.details)
    with console_instance.sessions() as session, session.begin():
        session.execute(update(AuditEventRecord).where(AuditEventRecord.seq == 4)
                        .values(details={**details, "forged": True}))
    try:
        sign_in(page, live.url, console_world.tokens["compliance"], "/audit")
        page.get_by_role("button", name="Verify now").click()
        status = page.get_by_role("status")
        expect(status).to_contain_text("Verification failed at event 4.")
        expect(status).to_contain_text("event 4 was altered")
        screenshot(page, "audit-verify-failed")
        assert_accessible(page)
    finally:
        with console_instance.sessions() as session, session.begin():
            session.execute(update(AuditEventRecord).where(AuditEventRecord.seq == 4)
                            .values(details=details))
