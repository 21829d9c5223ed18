"""The datasets page in Chromium through the real server: what each role sees, the
filters, cursor paging, and a client's reach kept to its own tenant."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from airlock.instance import Instance
from catalog import DatasetState, utcnow
from catalog.dataset_list import DatasetFilter, list_datasets
from retention import place_hold
from tests.airlock.conftest import World, compliance_actor
from tests.airlock.dataset_rows import add_datasets
from tests.console.conftest import LiveServer, assert_accessible, screenshot, sign_in

HOLD_REASON = "regulator inquiry 2026-41"


@pytest.fixture(scope="module")
def extra(console_instance: Instance, console_world: World) -> dict[str, list[str]]:
    """More datasets than a small page holds, in both tenants, some due for purging."""
    now = utcnow()
    old = now - timedelta(hours=2)
    return {
        "own": add_datasets(console_instance, console_world.own_tenant,
                            console_world.objects["own_contract"], 4, newest=old),
        "other_due": add_datasets(console_instance, console_world.other_tenant,
                                  console_world.objects["other_contract"], 1,
                                  newest=old - timedelta(days=1), state=DatasetState.TRAINED,
                                  purge_due_at=now + timedelta(days=5, hours=1)),
        "overdue": add_datasets(console_instance, console_world.own_tenant,
                                console_world.objects["own_contract"], 1,
                                newest=old - timedelta(days=2), state=DatasetState.TRAINED,
                                purge_due_at=now - timedelta(days=2, hours=1)),
    }


def _all_ids(instance: Instance, tenant_id: str | None = None) -> list[str]:
    with instance.reading() as session:
        page = list_datasets(session, DatasetFilter(tenant_id=tenant_id), limit=1000)
    return [row.dataset.id for row in page.rows]


def _shown(page: Page) -> list[str]:
    """The dataset ids the table links to, in order."""
    links = page.locator("table.datasets tbody tr td:first-child a")
    return [str(href).removeprefix("/datasets/") for href in
            (links.nth(n).get_attribute("href") for n in range(links.count()))]


def _column(page: Page, header: str) -> list[str]:
    headers = page.locator("table.datasets thead th").all_inner_texts()
    index = headers.index(header) + 1
    return page.locator(f"table.datasets tbody tr td:nth-child({index})").all_inner_texts()


def test_a_client_sees_its_own_tenant_only(live: LiveServer, console_world: World,
                                           console_instance: Instance,
                                           extra: dict[str, list[str]], page: Page) -> None:
    sign_in(page, live.url, console_world.tokens["client"], "/datasets")
    expect(page.get_by_role("heading", level=1)).to_have_text("Datasets")
    assert _shown(page) == _all_ids(console_instance, console_world.own_tenant)
    assert console_world.objects["other_dataset"] not in _shown(page)
    assert set(_column(page, "Tenant")) == {"own"}
    assert page.get_by_label("Tenant").count() == 0  # no tenant filter for a client
    headers = page.locator("table.datasets thead th").all_inner_texts()
    assert "Legal hold" not in headers
    assert headers[:4] == ["Dataset", "State", "Contract", "Tenant"]
    first = page.locator("table.datasets tbody tr").first
    expect(first.get_by_role("link")).to_have_attribute(
        "href", f"/datasets/{console_world.objects['own_dataset']}")
    overdue = page.locator("tr", has=page.locator(f"a[href='/datasets/{extra['overdue'][0]}']"))
    expect(overdue).to_contain_text("Overdue by 2 days")
    screenshot(page, "datasets-client")
    assert_accessible(page)


def test_compliance_sees_both_tenants_holds_and_filters(
        live: LiveServer, console_world: World, console_instance: Instance,
        extra: dict[str, list[str]], page: Page) -> None:
    compliance = compliance_actor("k")
    with console_instance.transaction(compliance) as tx:
        place_hold(tx, extra["own"][0], HOLD_REASON)
    sign_in(page, live.url, console_world.tokens["compliance"], "/datasets")
    assert _shown(page) == _all_ids(console_instance)
    assert set(_column(page, "Tenant")) == {"own", "other"}
    held = page.locator("tr", has=page.locator(f"a[href='/datasets/{extra['own'][0]}']"))
    expect(held).to_contain_text(HOLD_REASON)
    expect(held.locator("td").last).to_contain_text("Held")
    due = page.locator("tr", has=page.locator(f"a[href='/datasets/{extra['other_due'][0]}']"))
    expect(due).to_contain_text("6 days left")
    screenshot(page, "datasets-compliance")
    assert_accessible(page)

    page.get_by_label("Tenant").select_option("other")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/datasets\?tenant=other&state=&due=$"))
    assert _shown(page) == _all_ids(console_instance, console_world.other_tenant)
    assert set(_column(page, "Tenant")) == {"other"}
    expect(page.get_by_label("Tenant")).to_have_value("other")

    page.get_by_label("Tenant").select_option("")
    page.get_by_label("Purge due").select_option("7")
    page.get_by_role("button", name="Apply filters").click()
    assert _shown(page) == [extra["other_due"][0], extra["overdue"][0]]
    page.get_by_label("Purge due").select_option("overdue")
    page.get_by_role("button", name="Apply filters").click()
    assert _shown(page) == [extra["overdue"][0]]
    page.get_by_label("Purge due").select_option("")
    page.get_by_label("State").select_option("purged")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status")).to_have_text("No datasets match these filters.")
    assert_accessible(page)


def test_pages_follow_the_cursor(live: LiveServer, console_world: World,
                                 console_instance: Instance, extra: dict[str, list[str]],
                                 page: Page) -> None:
    sign_in(page, live.url, console_world.tokens["compliance"], "/datasets?limit=3")
    seen = _shown(page)
    pager = page.get_by_role("navigation", name="Pages of datasets")
    expect(pager.get_by_role("link", name="First page")).to_have_count(0)
    while pager.get_by_role("link", name="Next page").count():
        pager.get_by_role("link", name="Next page").click()
        expect(page).to_have_url(re.compile(r"limit=3&after=[A-Za-z0-9_-]+$"))
        expect(pager.get_by_role("link", name="First page")).to_have_count(1)
        seen += _shown(page)
    assert seen == _all_ids(console_instance) and len(seen) > 6
    pager.get_by_role("link", name="First page").click()
    expect(page).to_have_url(f"{live.url}/datasets?limit=3")
    assert _shown(page) == seen[:3]


@pytest.mark.parametrize("asked", ["other", "other_id"])
def test_a_client_cannot_list_another_tenant_by_url(live: LiveServer, console_world: World,
                                                    extra: dict[str, list[str]], page: Page,
                                                    asked: str) -> None:
    tenant = console_world.other_tenant if asked == "other_id" else asked
    sign_in(page, live.url, console_world.tokens["client"], "/datasets")
    answer = page.goto(f"{live.url}/datasets?tenant={tenant}")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text("404")
    content = page.content()
    assert console_world.objects["other_dataset"] not in content
    assert extra["other_due"][0] not in content


def test_bad_cursors_and_roles_without_the_permission(live: LiveServer, console_world: World,
                                                      page: Page) -> None:
    sign_in(page, live.url, console_world.tokens["client"], "/datasets")
    answer = page.goto(f"{live.url}/datasets?after=bm90IGEgY3Vyc29y")
    assert answer is not None and answer.status == 400
    expect(page.locator(".detail")).to_contain_text("the cursor is invalid")
    answer = page.goto(f"{live.url}/datasets?due=12")
    assert answer is not None and answer.status == 400
    sign_in(page, live.url, console_world.tokens["reidentifier"], "/datasets")
    expect(page.get_by_role("heading", level=1)).to_contain_text("403")


def test_the_page_speaks_chinese(live: LiveServer, console_world: World, page: Page) -> None:
    page.context.add_cookies([{"name": "airlock_lang", "value": "zh", "url": live.url}])
    sign_in(page, live.url, console_world.tokens["compliance"], "/datasets")
    expect(page.get_by_role("heading", level=1)).to_have_text("数据集")
    assert "法律保全" in page.locator("table.datasets thead").inner_text()
    assert_accessible(page)
