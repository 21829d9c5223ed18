"""The public verification page in Chromium: certificates and receipts verified in the
browser (WebCrypto Ed25519 over the canonical JSON rebuilt in JavaScript), pasted or
uploaded; tampered ones refused; the no-script path answered by the server; and the
script's canonical form equal to Python's on generated documents."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page, expect

from airlock.instance import Instance
from airlock.retention_jobs import purger
from airlock_client.bundle_verifier import canonical_json
from audit import SYSTEM
from catalog import Contract, receipt_body
from intake import receive_upload
from retention import Cause
from retention.signing import public_pem
from tests.airlock.conftest import World
from tests.airlock.test_receipts import resigned
from tests.console.conftest import LiveServer, assert_accessible, screenshot, sign_in
from tests.intake.datasets import dataset_files, pack
from vocabulary import Layout


@pytest.fixture(scope="module")
def documents(console_instance: Instance, console_world: World) -> dict[str, dict[str, Any]]:
    """The world's receipt (its datasets were validated with the instance's signer) and the
    certificate of an upload purged as abandoned."""
    with console_instance.reading() as session:
        receipt = json.loads(receipt_body(session, console_world.objects["own_dataset"]))
        contract = session.get(Contract, console_world.objects["own_contract"])
    assert contract is not None
    upload = receive_upload(console_instance.transactions(SYSTEM), console_instance.vault,
                            contract, io.BytesIO(pack(dataset_files(Layout.CLASS_FOLDERS))),
                            10**9)
    certificate = purger(console_instance).purge(upload.id, Cause.ABANDONED,
                                                 datetime.now(UTC))
    return {"receipt": receipt, "certificate": certificate.model_dump(mode="json")}


def tampered(kind: str, document: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    if kind == "receipt":
        changed["counts"]["items"] += 1
    else:
        changed["subject"]["dataset_id"] = "f" * 32
    return changed


def _open(page: Page, live: LiveServer) -> None:
    page.goto(f"{live.url}/verify")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Verify a certificate or receipt")


def _result(page: Page, by: str = "browser") -> tuple[bool, str]:
    result = page.locator(f"#verify-result[data-checked-by='{by}']")
    expect(result).to_have_count(1)
    return result.get_attribute("data-valid") == "true", result.inner_text()


def check_pasted(page: Page, document: dict[str, Any] | str, key: str | None = None,
                 by: str = "browser") -> tuple[bool, str]:
    text = document if isinstance(document, str) else json.dumps(document, indent=2,
                                                                  ensure_ascii=False)
    page.get_by_label("Certificate or receipt (JSON)").fill(text)
    if key is not None:
        page.get_by_label("Public key (PEM, or 32 bytes in base64)").fill(key)
    page.get_by_role("button", name="Verify", exact=True).click()
    return _result(page, by)


def check_uploaded(page: Page, path: Path, by: str = "browser") -> tuple[bool, str]:
    page.get_by_label("Or choose a file").set_input_files(str(path))
    if by == "browser":  # the script reads the file into the text box
        expect(page.get_by_label("Certificate or receipt (JSON)")).not_to_have_value("")
    page.get_by_role("button", name="Verify", exact=True).click()
    return _result(page, by)


def test_a_certificate_verifies_in_the_browser_and_a_tampered_one_does_not(
        live: LiveServer, page: Page, documents: dict[str, dict[str, Any]],
        console_instance: Instance) -> None:
    _open(page, live)
    key_id = console_instance.signer.key_id
    expect(page.locator("#instance-key-id")).to_have_text(key_id)
    expect(page.get_by_label("Public key (PEM, or 32 bytes in base64)")).to_have_value(
        console_instance.signer.public_pem)
    certificate = documents["certificate"]
    valid, shown = check_pasted(page, certificate)
    assert valid and f"Valid: the certificate is intact and signed with key {key_id}" in shown
    assert certificate["certificate_id"] in shown
    expect(page.locator("#document-text")).to_contain_text("CERTIFICATE OF DATA DELETION")
    screenshot(page, "verify-valid")
    assert_accessible(page)

    valid, shown = check_pasted(page, tampered("certificate", certificate))
    assert not valid and "was changed after signing" in shown
    expect(page.locator("#document-text-section")).to_be_hidden()
    screenshot(page, "verify-tampered")
    assert_accessible(page)


def test_receipts_verify_pasted_and_uploaded(live: LiveServer, page: Page, tmp_path: Path,
                                            documents: dict[str, dict[str, Any]]) -> None:
    receipt = documents["receipt"]
    _open(page, live)
    valid, shown = check_pasted(page, receipt)
    assert valid and "the receipt is intact" in shown
    expect(page.locator("#document-text")).to_contain_text("INTAKE RECEIPT")
    assert not check_pasted(page, tampered("receipt", receipt))[0]

    for name, document, expected in (("receipt.json", receipt, True),
                                     ("tampered.json", tampered("receipt", receipt), False),
                                     ("certificate.json", documents["certificate"], True),
                                     ("bad-cert.json",
                                      tampered("certificate", documents["certificate"]),
                                      False)):
        path = tmp_path / name
        path.write_text(json.dumps(document), encoding="utf-8")
        _open(page, live)
        assert check_uploaded(page, path)[0] is expected, name


def test_another_key_or_a_swapped_key_is_refused(live: LiveServer, page: Page,
                                                documents: dict[str, dict[str, Any]]) -> None:
    other = Ed25519PrivateKey.generate()
    _open(page, live)
    valid, shown = check_pasted(page, documents["receipt"], key=public_pem(other.public_key()))
    assert not valid and "Not valid" in shown
    _open(page, live)  # the instance's key again: a document re-signed with another key
    assert not check_pasted(page, resigned(documents["receipt"], other))[0]
    _open(page, live)
    valid, shown = check_pasted(page, '{"format": "nothing"}')
    assert not valid and "not a certificate or receipt" in shown


@pytest.fixture
def no_script_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    yield context.new_page()
    context.close()


def test_without_scripts_the_server_verifies(live: LiveServer, no_script_page: Page,
                                            tmp_path: Path,
                                            documents: dict[str, dict[str, Any]]) -> None:
    page = no_script_page
    _open(page, live)
    valid, shown = check_pasted(page, documents["certificate"], by="server")
    assert valid and "Checked by the server" in shown
    expect(page.locator("#document-text")).to_contain_text("CERTIFICATE OF DATA DELETION")
    _open(page, live)
    assert not check_pasted(page, tampered("receipt", documents["receipt"]), by="server")[0]
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(documents["receipt"]), encoding="utf-8")
    _open(page, live)
    assert check_uploaded(page, path, by="server")[0]
    _open(page, live)
    valid, shown = check_pasted(page, "{not json", by="server")
    assert not valid and "not a certificate or receipt" in shown


def test_signed_in_people_see_their_navigation(live: LiveServer, page: Page,
                                               console_world: World,
                                               documents: dict[str, dict[str, Any]]) -> None:
    sign_in(page, live.url, console_world.tokens["compliance"], "/verify")
    expect(page.get_by_role("link", name="Verify")).to_have_attribute("aria-current", "page")
    assert check_pasted(page, documents["certificate"])[0]


JSON = st.recursive(
    st.none() | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=15)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=JSON, ascii_only=st.booleans(), indent=st.sampled_from([None, 1, 2]))
def test_the_scripts_canonical_form_is_pythons(live: LiveServer, page: Page, value: Any,
                                               ascii_only: bool, indent: int | None) -> None:
    """However the JSON was written (escaped or not, indented or not), the script rebuilds
    the bytes Python signs: keys by code point, non-ASCII as itself, integers in full,
    floats as Python's repr."""
    if page.url == "about:blank":
        page.goto(f"{live.url}/verify")
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    in_browser = page.evaluate("(text) => AirlockVerify.canonical(text)", text)
    assert in_browser == canonical_json(json.loads(text)).decode()
    document = {"signature": "s", "value": value, "ключ": "値", "\U0001f600": 10**30}
    hex_payload = page.evaluate("(text) => AirlockVerify.payloadHex(text)",
                                json.dumps(document, ensure_ascii=ascii_only))
    assert hex_payload == canonical_json({k: v for k, v in document.items()
                                          if k != "signature"}).hex()
