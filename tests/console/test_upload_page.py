"""The upload page in Chromium: a zip file and a folder (packed as a tar in the browser)
stream to `POST /v1/datasets` through the real server, whose background validation accepts
them; the browser's tar writer against Python's tarfile; roles without the permission; the
page without scripts."""

from __future__ import annotations

import base64
import io
import re
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, FilePayload, Page, expect

from airlock.instance import Instance
from audit import SYSTEM
from catalog import CopyKind, Dataset, DatasetState, get_dataset
from intake import add_contract
from tests.airlock.conftest import World
from tests.anonymize.dataset.copies import copy_bytes, members
from tests.console.conftest import LiveServer, assert_accessible, screenshot, sign_in
from tests.intake.datasets import contract_yaml, dataset_files, image, pack
from vocabulary import Layout

CONTRACT = "upload-page"
# Images kept as they are: these tests are about the upload, not the redaction.
KEEP_IMAGES = "anonymisation: {images: keep}\n"
# Names a ustar header cannot hold: Chinese, and longer than its 100 bytes.
LONG_CHINESE = "data/cat/" + "客户自己的文件名很长" * 4 + ".jpg"
NEEDS_SCRIPTS = "Uploading from this page needs scripts"
FINAL = frozenset({DatasetState.READY, DatasetState.REJECTED})


@pytest.fixture(scope="module")
def upload_contract(console_instance: Instance, console_world: World) -> str:
    with console_instance.transaction(SYSTEM) as tx:
        contract, _ = add_contract(tx, "own", contract_yaml(
            Layout.CLASS_FOLDERS, name=CONTRACT, extra=KEEP_IMAGES), "yaml")
    return contract.id


@pytest.fixture
def client_on_upload(live: LiveServer, console_world: World, page: Page,
                     upload_contract: str) -> Page:
    sign_in(page, live.url, console_world.tokens["client"], "/upload")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a dataset")
    page.get_by_label("Contract", exact=True).select_option(
        label=f"{CONTRACT} (version 1)")
    return page


def _zip(name: str, data: bytes) -> FilePayload:
    return FilePayload(name=name, mimeType="application/zip", buffer=data)


def _settled(instance: Instance, dataset_id: str, timeout: float = 120) -> Dataset:
    """The dataset once the server's background pipeline is done with it."""
    deadline = time.monotonic() + timeout
    while True:
        with instance.reading() as session:
            dataset = get_dataset(session, dataset_id)
            session.expunge(dataset)
        if dataset.state in FINAL or time.monotonic() > deadline:
            return dataset
        time.sleep(0.2)


def _landed_dataset(page: Page) -> str:
    expect(page).to_have_url(re.compile(r"/datasets/[^/?#]+$"), timeout=30_000)
    return page.url.rsplit("/", 1)[1]


def _record_progress(page: Page) -> list[tuple[float, float]]:
    """Every value the progress bar takes, as (value, max), kept across the navigation."""
    seen: list[tuple[float, float]] = []
    page.expose_function("progressSeen", lambda value, top: seen.append((value, top)))
    page.add_init_script("""
        document.addEventListener("DOMContentLoaded", () => {
          const bar = document.getElementById("upload-progress");
          if (!bar) return;
          new MutationObserver(() => window.progressSeen(bar.value, bar.max))
            .observe(bar, {attributes: true});
        });""")
    return seen


def test_a_client_uploads_a_zip_and_lands_on_its_dataset(
        live: LiveServer, console_world: World, console_instance: Instance,
        client_on_upload: Page) -> None:
    page = client_on_upload
    seen = _record_progress(page)
    page.reload()  # the recorder is installed from the next load on
    page.get_by_label("Contract", exact=True).select_option(label=f"{CONTRACT} (version 1)")
    files = dataset_files(Layout.CLASS_FOLDERS, count=100)  # 57 KB: the browser reports
    archive = pack(files, "zip")  # upload progress every 16 KiB
    page.get_by_label("Choose an archive file").set_input_files(
        files=_zip("animals.zip", archive))
    expect(page.locator("#chosen")).to_contain_text("Ready to upload the file animals.zip")
    screenshot(page, "upload-client")
    assert_accessible(page)
    # Slow the upload down so that it is seen in progress: 16 KiB a second, about 3.5 s.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1,
        "uploadThroughput": 16384})
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_function("""() => {
        const bar = document.getElementById("upload-progress");
        return bar.value > 0 && bar.value < bar.max;}""")
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^\d+% sent\.$"))
    expect(page.locator("#figures")).to_contain_text(re.compile(r"sent \(\d+%\)"))
    expect(page.locator("#figures")).to_contain_text("per second")
    expect(page.get_by_role("button", name="Cancel upload")).to_be_visible()
    screenshot(page, "upload-progress")
    assert_accessible(page)

    dataset_id = _landed_dataset(page)
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    assert any(0 < value < top for value, top in seen), seen
    assert seen and seen[-1][0] == seen[-1][1] >= len(archive), seen[-3:]
    dataset = _settled(console_instance, dataset_id)
    assert dataset.tenant_id == console_world.own_tenant
    assert dataset.state is DatasetState.READY
    assert dataset.upload_bytes == len(archive)
    assert dataset.item_count == len(files)


def test_a_client_uploads_a_folder_packed_as_tar(
        console_instance: Instance, client_on_upload: Page, tmp_path: Path) -> None:
    page = client_on_upload
    files = {**dataset_files(Layout.CLASS_FOLDERS), LONG_CHINESE: image(77),
             "data/dog/张三.jpg": image(78)}
    folder = tmp_path / "animals"
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    page.get_by_label("Choose a folder").set_input_files(folder)
    expect(page.locator("#chosen")).to_contain_text(
        f"Ready to upload the folder animals: {len(files)} files")
    page.get_by_role("button", name="Upload", exact=True).click()
    dataset_id = _landed_dataset(page)

    dataset = _settled(console_instance, dataset_id)
    assert dataset.state is DatasetState.READY
    assert dataset.item_count == len(files)
    # The raw copy, as the vault keeps it, is a tar whose names and bytes are the folder's.
    raw = b"".join(copy_bytes(console_instance, dataset_id, CopyKind.RAW))
    assert tarfile.is_tarfile(io.BytesIO(raw))
    assert members(raw) == files


def _packed_in_browser(page: Page, files: dict[str, bytes]) -> bytes:
    """`AirlockTar.pack` over File objects made in the page, read back as bytes."""
    entries = [{"name": name, "data": base64.b64encode(data).decode()}
               for name, data in files.items()]
    result: str = page.evaluate("""async (entries) => {
        const decode = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
        const blob = window.AirlockTar.pack(entries.map((e) => ({
          name: e.name,
          blob: new File([decode(e.data)], e.name.split("/").pop(),
                         {lastModified: 1700000000000}),
        })));
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let text = "";
        for (let i = 0; i < bytes.length; i += 0x8000) {
          text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        }
        return btoa(text);
    }""", entries)
    return base64.b64decode(result)


def test_the_browser_tar_writer_round_trips_through_tarfile(client_on_upload: Page) -> None:
    names = {
        "plain.txt": b"hello\n",
        "a" * 100: b"exactly one hundred bytes of name",
        "dir/" + "b" * 120 + ".jpg": b"\xff\xd8" + bytes(range(256)) * 3,
        "数据/张三的照片.jpg": b"chinese name",
        "数据/" + "很长的中文文件名" * 8 + ".png": bytes(1000),
        "empty": b"",
        "exact-block": bytes(512),
    }
    raw = _packed_in_browser(client_on_upload, names)
    assert len(raw) % 512 == 0 and raw[-1024:] == bytes(1024)
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tar:
        got = {m.name: tar.extractfile(m).read()  # type: ignore[union-attr]
               for m in tar.getmembers()}
        infos = tar.getmembers()
    assert got == names
    assert all(m.isfile() and m.mode == 0o644 and m.mtime == 1_700_000_000 for m in infos)
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tar:  # strict ustar checksums
        assert [m.name for m in tar] == list(names)


def test_an_unknown_contract_is_explained_in_words(client_on_upload: Page) -> None:
    page = client_on_upload
    page.evaluate("document.querySelector('#contract option:checked').value = 'no-such'")
    page.get_by_label("Choose an archive file").set_input_files(
        files=_zip("x.zip", pack(dataset_files(Layout.CLASS_FOLDERS, count=2), "zip")))
    page.get_by_role("button", name="Upload", exact=True).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("That contract is unknown")
    expect(alert).to_contain_text("The service said:")
    expect(page.get_by_role("button", name="Upload", exact=True)).to_be_enabled()
    expect(page.get_by_label("Upload progress")).to_be_hidden()  # nothing was kept
    assert "/upload" in page.url
    screenshot(page, "upload-error")
    assert_accessible(page)


def test_an_upload_can_be_cancelled(client_on_upload: Page) -> None:
    page = client_on_upload
    page.get_by_label("Choose an archive file").set_input_files(
        files=_zip("big.zip", pack(dataset_files(Layout.CLASS_FOLDERS, count=100), "zip")))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 8192})
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_label("Contract", exact=True)).to_be_disabled()
    page.get_by_role("button", name="Cancel upload").click()
    expect(page.get_by_role("alert")).to_have_text("Upload cancelled. Nothing was kept.")
    expect(page.get_by_role("button", name="Cancel upload")).to_be_hidden()
    expect(page.get_by_label("Contract", exact=True)).to_be_enabled()
    assert page.url.endswith("/upload")


def test_a_file_that_is_no_archive_is_refused_before_sending(client_on_upload: Page) -> None:
    page = client_on_upload
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/v1/datasets" in r.url else None)
    page.get_by_label("Choose an archive file").set_input_files(
        files=_zip("notes.zip", b"just some text"))
    expect(page.get_by_role("alert")).to_contain_text("not a zip, tar or tar.gz archive")
    expect(page.get_by_role("button", name="Upload", exact=True)).to_be_disabled()
    assert not requests


@pytest.mark.parametrize("role", ["compliance", "admin", "operator"])
def test_roles_that_may_not_upload_get_the_403_page(live: LiveServer, console_world: World,
                                                    page: Page, role: str) -> None:
    sign_in(page, live.url, console_world.tokens[role])
    answer = page.goto(f"{live.url}/upload")
    assert answer is not None and answer.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("403 · Forbidden")
    expect(page.locator("#upload-form")).to_have_count(0)
    if role == "compliance":
        screenshot(page, "upload-compliance-403")
        assert_accessible(page)


@pytest.fixture
def no_script_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_without_scripts_the_page_shows_the_alternatives(
        live: LiveServer, console_world: World, upload_contract: str,
        no_script_page: Page) -> None:
    page = no_script_page
    sign_in(page, live.url, console_world.tokens["client"], "/upload")
    expect(page.get_by_role("heading", name=NEEDS_SCRIPTS)).to_be_visible()
    expect(page.locator("#upload-form")).to_be_hidden()
    commands = page.locator("#needs-script pre")
    expect(commands.first).to_contain_text(f"{live.url}/v1/datasets?contract=")
    expect(commands.nth(1)).to_contain_text("tar -cf - -C my-dataset .")
    expect(commands.nth(2)).to_contain_text("airlock upload my-dataset --contract")
    screenshot(page, "upload-no-script")


def test_the_no_script_alternatives_are_accessible(client_on_upload: Page) -> None:
    # axe needs scripts (it never finishes in a page that has them off): show the same
    # section in a page with scripts.
    page = client_on_upload
    page.evaluate("document.getElementById('needs-script').hidden = false")
    expect(page.get_by_role("heading", name=NEEDS_SCRIPTS)).to_be_visible()
    assert_accessible(page)


def test_the_page_in_chinese(live: LiveServer, console_world: World, browser: Browser,
                             upload_contract: str) -> None:
    context = browser.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        sign_in(page, live.url, console_world.tokens["client"], "/upload")
        expect(page.get_by_role("heading", level=1)).to_have_text("上传数据集")
        expect(page.get_by_label("选择文件夹")).to_be_visible()
        screenshot(page, "upload-client-zh")
        assert_accessible(page)
    finally:
        context.close()
