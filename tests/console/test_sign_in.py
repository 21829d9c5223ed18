"""Signing in and out of the console in Chromium: cookies, CSRF, expiry, languages,
headers, and the audit events of it all."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect
from sqlalchemy import select, update

from airlock.admin import revoke
from airlock.instance import Instance
from audit import SYSTEM
from catalog import AuditEventRecord, ConsoleSession, utcnow
from tests.airlock.conftest import World
from tests.console.conftest import LiveServer, assert_accessible, screenshot, sign_in

NAV = {
    "admin": ["Datasets", "Verify"],
    "client": ["Datasets", "Upload", "Verify"],
    "compliance": ["Datasets", "Retention", "Audit log", "Verify"],
    "operator": ["Datasets", "Verify"],
    "reidentifier": ["Verify"],
}


def _actions(instance: Instance, action: str) -> list[AuditEventRecord]:
    with instance.reading() as session:
        return list(session.execute(select(AuditEventRecord).where(
            AuditEventRecord.action == action)).scalars())


@pytest.mark.parametrize("role", sorted(NAV))
def test_each_role_signs_in_and_sees_its_pages(live: LiveServer, console_world: World,
                                               page: Page, role: str) -> None:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    sign_in(page, live.url, console_world.tokens[role])
    expect(page.get_by_role("heading", level=1)).to_have_text("Airlock console")
    nav = page.get_by_role("navigation", name="Pages").get_by_role("link")
    expect(nav).to_have_text(NAV[role])
    assert all("alk_" not in url for url in urls), "a token went into a URL"
    screenshot(page, f"home-{role}")
    assert_accessible(page)


def test_the_sign_in_page_is_accessible(live: LiveServer, page: Page) -> None:
    page.goto(f"{live.url}/sign-in")
    screenshot(page, "sign-in")
    assert_accessible(page)


def test_the_session_cookie_is_httponly_and_strict(live: LiveServer, console_world: World,
                                                  page: Page, context: BrowserContext) -> None:
    sign_in(page, live.url, console_world.tokens["client"])
    [cookie] = [c for c in context.cookies() if c["name"] == "airlock_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert not cookie["secure"]  # plain HTTP on loopback; Secure over TLS
    assert page.evaluate("document.cookie") == ""


def test_a_wrong_token_is_refused_and_counted(live: LiveServer, page: Page) -> None:
    page.goto(f"{live.url}/sign-in")
    page.get_by_label("API token").fill("alk_aaaaaaaaaaaaaaaa_" + "x" * 43)
    with page.expect_response(re.compile(r"/sign-in$")) as answer:
        page.get_by_role("button", name="Sign in").click()
    assert answer.value.status == 401
    expect(page.get_by_role("alert")).to_contain_text("not accepted")
    assert_accessible(page)


def test_sign_out_ends_the_session_and_is_audited(live: LiveServer, console_world: World,
                                                  console_instance: Instance, page: Page) -> None:
    before = len(_actions(console_instance, "console.signed_out"))
    sign_in(page, live.url, console_world.tokens["operator"])
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    page.goto(f"{live.url}/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2F$"))
    ended = _actions(console_instance, "console.signed_out")
    assert len(ended) == before + 1 and ended[-1].details["reason"] == "sign_out"
    assert _actions(console_instance, "console.signed_in")


def test_forms_without_the_csrf_token_are_refused(live: LiveServer, console_world: World,
                                                  page: Page) -> None:
    sign_in(page, live.url, console_world.tokens["compliance"])
    # The browser's own cookies, but not the page's token: what a forged form would send.
    answer = page.request.post(f"{live.url}/sign-out", form={"csrf": "0" * 64})
    assert answer.status == 403
    api = page.request.post(f"{live.url}/v1/tenants", data={"name": "forged"})
    assert api.status == 403
    page.goto(f"{live.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Airlock console")


def test_an_idle_session_expires(live: LiveServer, console_world: World,
                                 console_instance: Instance, page: Page) -> None:
    sign_in(page, live.url, console_world.tokens["client"])
    idle = timedelta(minutes=console_instance.settings.console_idle_minutes + 1)
    with console_instance.transaction(SYSTEM) as tx:  # as if the person had left
        tx.session.execute(update(ConsoleSession).where(ConsoleSession.ended_at.is_(None))
                           .values(last_seen_at=utcnow() - idle))
    page.goto(f"{live.url}/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2F&expired=1$"))
    expect(page.get_by_role("status")).to_contain_text("session has ended")
    reasons = [e.details["reason"] for e in _actions(console_instance, "console.signed_out")]
    assert "expired" in reasons


def test_revoking_the_token_ends_its_sessions(live: LiveServer, console_world: World,
                                              console_instance: Instance, page: Page) -> None:
    from airlock.admin import create_token
    from catalog import Role

    with console_instance.transaction(SYSTEM) as tx:
        issued = create_token(tx, name="short-lived", role=Role.COMPLIANCE, tenant=None)
    sign_in(page, live.url, issued.plaintext)
    expect(page.get_by_role("heading", level=1)).to_have_text("Airlock console")
    with console_instance.transaction(SYSTEM) as tx:
        revoke(tx, issued.token_id)
    page.goto(f"{live.url}/")
    expect(page).to_have_url(re.compile(r"/sign-in"))


def test_language_follows_the_browser_and_the_switcher(live: LiveServer, browser: Browser,
                                                       console_world: World) -> None:
    context = browser.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{live.url}/sign-in")
        expect(page.get_by_role("heading", level=1)).to_have_text("登录")
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
        sign_in(page, live.url, console_world.tokens["compliance"])
        expect(page.get_by_role("heading", level=1)).to_have_text("Airlock console")
        page.get_by_role("button", name="中文").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Airlock 控制台")
        screenshot(page, "home-compliance-zh")
        assert_accessible(page)
    finally:
        context.close()


def test_pages_carry_the_security_headers(live: LiveServer, console_world: World) -> None:
    page = httpx.get(f"{live.url}/sign-in")
    csp = page.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-content-type-options"] == "nosniff"


def test_the_api_reference_works_offline(live: LiveServer, page: Page) -> None:
    """Swagger UI at /docs renders the API's operations in Chromium with every request to
    anything but this server refused: its script and styles come from the wheel, not a
    CDN."""
    elsewhere: list[str] = []

    def only_loopback(route: Route) -> None:
        if route.request.url.startswith(live.url + "/"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    page.goto(f"{live.url}/docs")
    expect(page.locator(".opblock-summary-path", has_text="/v1/tokens").first).to_be_visible()
    assert page.locator(".opblock").count() > 20
    assert elsewhere == []
