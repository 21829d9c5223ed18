"""One dataset's page in Chromium: the lifecycle, the reports, the contact sheet, the
certificate once purged, the progress of a running step, and who sees what."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import Page, Response, expect

from airlock.instance import Instance
from airlock.retention_jobs import sweeper
from audit import SYSTEM, change_state
from catalog import (
    Contract,
    DatasetState,
    claim_step_run,
    get_dataset,
    release_step_run,
    renew_step_run,
    utcnow,
)
from catalog.process_owner import process_owner
from intake import add_contract, receive_upload, validate_dataset
from tests.airlock.conftest import World
from tests.console.conftest import LiveServer, assert_accessible, screenshot, sign_in
from tests.intake.datasets import CONTRACTS, dataset_files, pack
from tests.retention import datasets
from vocabulary import Layout

STEPS = ["Uploaded", "Validated", "Anonymised", "Training", "Purge due", "Purged"]


def _own_contract(instance: Instance) -> Contract:
    """A contract of the client's tenant ("own") that keeps images, as the retention
    tests' datasets do."""
    text = (f"name: retained\npurpose: {datasets.PURPOSE}\nretention_days: 7\n"
            f"{CONTRACTS[Layout.CLASS_FOLDERS]}\n"
            "volume: {classes: [cat, dog], min_items: 2}\nanonymisation: {images: keep}\n")
    with instance.transaction(SYSTEM) as tx:
        return add_contract(tx, "own", text)[0]


def _open(page: Page, live: LiveServer, world: World, role: str, dataset_id: str) -> None:
    sign_in(page, live.url, world.tokens[role], f"/datasets/{dataset_id}")
    expect(page).to_have_url(re.compile(f"/datasets/{dataset_id}$"))


def _step_names(page: Page) -> list[str]:
    return page.locator(".timeline .step-head strong").all_inner_texts()


def test_a_client_opens_its_own_dataset(live: LiveServer, console_world: World,
                                        page: Page) -> None:
    dataset_id = console_world.objects["own_dataset"]
    sheets: list[Response] = []
    page.on("response", lambda r: sheets.append(r) if r.url.endswith("/preview") else None)
    _open(page, live, console_world, "client", dataset_id)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dataset {dataset_id}")
    expect(page.locator("#state-now")).to_have_text("Ready for training")
    assert _step_names(page) == STEPS
    statuses = page.locator(".timeline .step-head .badge").all_inner_texts()
    assert statuses == ["done", "done", "done", "not yet", "not yet", "not yet"]
    # Times from the dataset's row only: no audit links, no audit data.
    assert page.locator("a[href^='/audit']").count() == 0
    expect(page.locator(".timeline time").first).to_be_visible()

    validation = page.get_by_role("region", name="Validation report")
    expect(validation).to_contain_text("Accepted")
    anonymisation = page.get_by_role("region", name="Anonymisation report")
    entities = anonymisation.get_by_role("table", name="Replacements per entity type")
    expect(entities.get_by_role("row")).not_to_have_count(0)
    expect(anonymisation).to_contain_text("de-identified")
    expect(anonymisation.get_by_text("Images redacted")).to_be_visible()

    sheet = page.get_by_role("img", name=re.compile("Contact sheet"))
    expect(sheet).to_be_visible()
    page.wait_for_function("document.getElementById('contact-sheet').complete")
    assert page.evaluate("document.getElementById('contact-sheet').naturalWidth") > 0
    assert [r.status for r in sheets] == [200]
    receipt = page.get_by_role("region", name="Intake receipt")
    expect(receipt).to_contain_text(dataset_id)
    with page.expect_download() as download:
        receipt.get_by_role("link", name="Download the signed receipt (JSON)").click()
    verdict = page.request.post(f"{live.url}/v1/certificates/verify", data={
        "document": json.loads(Path(download.value.path()).read_text())})
    assert verdict.json()["valid"] is True
    expect(page.get_by_role("region", name="Deletion certificate")).to_contain_text(
        "issued when the dataset is purged")
    screenshot(page, "dataset-client")
    assert_accessible(page)


def test_another_tenants_dataset_is_the_404_page(live: LiveServer, console_world: World,
                                                page: Page) -> None:
    sign_in(page, live.url, console_world.tokens["client"])
    other = console_world.objects["other_dataset"]
    pages = []
    for ident in (other, "0" * 32):  # another tenant's, and one that does not exist
        answer = page.goto(f"{live.url}/datasets/{ident}")
        assert answer is not None and answer.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("404 · Not Found")
        pages.append(page.locator("main").inner_text().replace(ident, "ID"))
    assert pages[0] == pages[1]
    # The API answers the same, with the same cookie.
    assert page.request.get(f"{live.url}/v1/datasets/{other}").status == 404
    assert_accessible(page)


def test_compliance_sees_audit_links(live: LiveServer, console_world: World,
                                     page: Page) -> None:
    dataset_id = console_world.objects["own_dataset"]
    _open(page, live, console_world, "compliance", dataset_id)
    for action in ("dataset.uploaded", "dataset.validated", "dataset.anonymised"):
        link = page.locator(f"a[href='/audit?dataset={dataset_id}&action={action}']")
        expect(link).to_have_count(1)
    expect(page.get_by_role("link", name="Every state change of this dataset in the audit "
                                         "log")).to_have_attribute(
        "href", f"/audit?dataset={dataset_id}&action=dataset.state_changed")
    # Compliance reads reports too: the same sections as the client.
    expect(page.get_by_role("img", name=re.compile("Contact sheet"))).to_be_visible()
    screenshot(page, "dataset-compliance")
    assert_accessible(page)
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"数据集 {dataset_id}")
    expect(page.get_by_role("heading", name="生命周期")).to_be_visible()
    assert_accessible(page)


def test_a_role_without_reports_sees_that_it_has_none(live: LiveServer, console_world: World,
                                                      page: Page) -> None:
    dataset_id = console_world.objects["own_dataset"]
    _open(page, live, console_world, "operator", dataset_id)
    expect(page.get_by_text("Your role does not read this dataset's reports.")).to_have_count(2)
    assert page.locator("img").count() == 0
    assert page.locator("a[href^='/audit']").count() == 0
    assert page.request.get(f"{live.url}/v1/datasets/{dataset_id}/report").status == 403
    assert_accessible(page)


def test_a_role_without_dataset_access_is_refused(live: LiveServer, console_world: World,
                                                  page: Page) -> None:
    dataset_id = console_world.objects["own_dataset"]
    sign_in(page, live.url, console_world.tokens["reidentifier"])
    answer = page.goto(f"{live.url}/datasets/{dataset_id}")
    assert answer is not None and answer.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("403 · Forbidden")


def test_a_rejected_dataset_shows_its_problems_by_rule(live: LiveServer, console_world: World,
                                                       console_instance: Instance,
                                                       page: Page) -> None:
    files = {**dataset_files(Layout.CLASS_FOLDERS), "data/cat/broken.jpg": b"not an image"}
    dataset = receive_upload(console_instance.transactions(SYSTEM), console_instance.vault,
                             _own_contract(console_instance), io.BytesIO(pack(files)), 10**9)
    report = validate_dataset(console_instance.transactions(SYSTEM), console_instance.vault,
                              dataset.id, console_instance.validation_options())
    assert report.outcome == "rejected"
    _open(page, live, console_world, "client", dataset.id)
    assert page.locator(".timeline .step-head strong").nth(1).inner_text() == (
        "Rejected by validation")
    api = page.request.get(f"{live.url}/v1/datasets/{dataset.id}/report").json()
    table = page.get_by_role("table", name=re.compile("Problems by rule"))
    for rule, count in api["rules"].items():
        row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=rule))
        expect(row.get_by_role("cell").nth(1)).to_have_text(str(count))
    expect(table).to_contain_text("data/cat/broken.jpg")
    assert_accessible(page)


def test_a_purged_dataset_shows_its_certificate(live: LiveServer, console_world: World,
                                                console_instance: Instance,
                                                page: Page) -> None:
    trained_at = datetime.now(UTC) - timedelta(days=45)
    dataset_id = datasets.trained(console_instance, _own_contract(console_instance),
                                  trained_at, days=7)
    report = sweeper(console_instance).run()
    assert [e.dataset_id for e in report.entries] == [dataset_id]
    _open(page, live, console_world, "client", dataset_id)
    expect(page.locator("#state-now")).to_have_text("Purged")
    statuses = page.locator(".timeline .step-head .badge").all_inner_texts()
    assert statuses == ["done"] * 6
    certificate = page.get_by_role("region", name="Deletion certificate")
    expect(certificate.locator("pre")).to_contain_text("CERTIFICATE OF DATA DELETION")
    expect(certificate.locator("pre")).to_contain_text(dataset_id)
    download = certificate.get_by_role("link", name=re.compile("Download the signed"))
    href = download.get_attribute("href")
    assert href == f"/v1/datasets/{dataset_id}/certificate"
    signed = page.request.get(f"{live.url}{href}").json()
    assert signed["subject"]["dataset_id"] == dataset_id and signed["signature"]
    expect(certificate.get_by_role("link", name="Verify a certificate")).to_have_attribute(
        "href", "/verify")
    expect(page.get_by_role("region", name="Validation report")).to_contain_text(
        "deleted with the dataset's data")
    screenshot(page, "dataset-purged")
    assert_accessible(page)


def test_a_running_step_shows_progress(live: LiveServer, console_world: World,
                                       console_instance: Instance, page: Page) -> None:
    dataset = datasets.uploaded(console_instance, _own_contract(console_instance))
    owner, started = process_owner(), utcnow()
    with console_instance.transaction(SYSTEM) as tx:  # what the pipeline's step does
        assert claim_step_run(tx.session, dataset.id, "validate", owner, started,
                              started - timedelta(minutes=5)).taken
        renew_step_run(tx.session, dataset.id, owner, "validate", started,
                       started + timedelta(seconds=2), 3, 10)
    try:
        _open(page, live, console_world, "client", dataset.id)
        bar = page.get_by_role("progressbar", name="Validating")
        expect(bar).to_have_attribute("value", "3")
        expect(bar).to_have_attribute("max", "10")
        expect(page.locator("#progress-text")).to_have_text("3 of 10 done")
        expect(page.locator("#progress-rate")).to_have_text(" · 1.5 items/s")
        expect(page.locator("#progress-shards")).to_have_text("")  # validation has none
        assert_accessible(page)
        with console_instance.transaction(SYSTEM) as tx:
            renew_step_run(tx.session, dataset.id, owner, "validate", started,
                           started + timedelta(seconds=4), 7, 10)
        expect(page.locator("#progress-text")).to_have_text("7 of 10 done", timeout=6000)
        expect(page.locator("#progress-rate")).to_have_text(" · 1.75 items/s")
        assert page.evaluate("document.getElementById('progress-bar').value") == 7
        with console_instance.transaction(SYSTEM) as tx:  # the state moves: the page reloads
            change_state(tx, get_dataset(tx.session, dataset.id, for_update=True),
                         DatasetState.VALIDATING)
        expect(page.locator("#state-now")).to_have_text("Validating", timeout=6000)
    finally:
        with console_instance.transaction(SYSTEM) as tx:
            release_step_run(tx.session, dataset.id, owner)


def test_an_anonymisation_shows_its_shards_and_rate_in_chinese(
        live: LiveServer, console_world: World, console_instance: Instance,
        page: Page) -> None:
    dataset = datasets.uploaded(console_instance, _own_contract(console_instance))
    owner, started = process_owner(), utcnow()
    with console_instance.transaction(SYSTEM) as tx:  # what the anonymise step does
        assert claim_step_run(tx.session, dataset.id, "anonymise", owner, started,
                              started - timedelta(minutes=5)).taken
        renew_step_run(tx.session, dataset.id, owner, "anonymise", started,
                       started + timedelta(seconds=8), 20, 50, 2, 5)
    page.context.add_cookies([{"name": "airlock_lang", "value": "zh", "url": live.url}])
    try:
        _open(page, live, console_world, "client", dataset.id)
        expect(page.get_by_role("progressbar", name="正在匿名化")).to_have_attribute("max", "50")
        expect(page.locator("#progress-text")).to_have_text("已完成 20 / 50")
        expect(page.locator("#progress-shards")).to_have_text(" · 分片 2 / 5")
        expect(page.locator("#progress-rate")).to_have_text(" · 每秒 2.5 项")
        assert_accessible(page)
        with console_instance.transaction(SYSTEM) as tx:  # the page follows it
            renew_step_run(tx.session, dataset.id, owner, "anonymise", started,
                           started + timedelta(seconds=10), 40, 50, 4, 5)
        expect(page.locator("#progress-shards")).to_have_text(" · 分片 4 / 5", timeout=6000)
        expect(page.locator("#progress-rate")).to_have_text(" · 每秒 4 项")
        page.context.clear_cookies()
        _open(page, live, console_world, "client", dataset.id)
        expect(page.locator("#progress-shards")).to_have_text(" · shards 4 of 5")
        expect(page.locator("#progress-rate")).to_have_text(" · 4 items/s")
    finally:
        with console_instance.transaction(SYSTEM) as tx:
            release_step_run(tx.session, dataset.id, owner)
