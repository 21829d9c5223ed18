"""The console through the real server in a real browser: `airlock`'s application served
by uvicorn on loopback, Debian's Chromium driven by Playwright, axe-core for accessibility.

One instance and server per test module (building the world anonymises two datasets);
each test opens its own browser context, so cookies never leak between tests.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from airlock.api.app import create_app
from airlock.instance import Instance, init_instance
from airlock.pii_engine import PiiEngineLoader
from airlock.settings import Settings
from tests.airlock.conftest import World, build_world
from tests.e2e.conftest import free_port

ARTIFACTS = Path(os.environ.get("AIRLOCK_TEST_ARTIFACTS",
                                Path(__file__).resolve().parents[2] / "build" / "test-artifacts"))
SHOTS = ARTIFACTS / "console"
SERIOUS = frozenset({"serious", "critical"})


@pytest.fixture(scope="module")
def console_instance(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path,
                     pii_engine_loader: PiiEngineLoader) -> Iterator[Instance]:
    home = tmp_path_factory.mktemp("console") / "home"
    home.mkdir()
    database = home / "airlock.db"
    shutil.copyfile(sqlite_template, database)
    settings = Settings(home=home, database_url=f"sqlite:///{database}", anonymise_workers=1)
    init_instance(settings)
    instance = Instance(settings, pii_engine=pii_engine_loader)
    yield instance
    instance.dispose()


@pytest.fixture(scope="module")
def console_world(console_instance: Instance) -> World:
    return build_world(console_instance)


class LiveServer:
    """The application on a uvicorn server in a thread of this process, on loopback."""

    def __init__(self, instance: Instance) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(instance), host="127.0.0.1", port=self.port,
                                log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                pytest.fail("the console's server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture(scope="module")
def live(console_instance: Instance, console_world: World) -> Iterator[LiveServer]:
    with LiveServer(console_instance) as server:
        yield server


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    """Debian's Chromium (`.ci/run` installs it); Playwright never downloads a browser."""
    executable = shutil.which("chromium")
    if executable is None:
        message = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    browser = playwright_session.chromium.launch(executable_path=executable)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(locale="en-GB", timezone_id="Asia/Shanghai")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page that fails the test on a script error or a refused resource (a CSP report)."""
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda msg: problems.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text else None)
    yield page
    assert not problems, problems


def sign_in(page: Page, url: str, token: str, next_path: str = "/") -> None:
    page.goto(f"{url}/sign-in?next={next_path}")
    page.get_by_label(re.compile("API token|API 令牌")).fill(token)
    page.get_by_role("button", name=re.compile("^(Sign in|登录)$")).click()
    page.wait_for_load_state()


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot kept as a test artefact (build/test-artifacts/console/)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _axe_source() -> str:
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now. The script is
    evaluated through the DevTools protocol, which the page's CSP does not govern."""
    page.evaluate(_axe_source() + "\n;0")
    result: dict[str, Any] = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in SERIOUS]


AssertAccessible = Callable[[Page], None]


def assert_accessible(page: Page) -> None:
    violations = accessibility_violations(page)
    assert not violations, violations
