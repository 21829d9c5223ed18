"""Canary: personal values planted in an upload (free text, an unlisted column, a file name,
an image's EXIF, XMP and comment, a rejected formula cell, bad requests) never reach the
server's log at debug level, the audit trail, a report, a status, an error message, the
anonymised copy, or any file of the instance in the clear."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import time
from pathlib import Path

import httpx
from PIL import Image

from airlock.instance import Instance
from airlock.settings import Settings
from tests.anonymize.dataset.copies import anonymised_tar, members
from tests.e2e.conftest import AIRLOCK, airlock
from tests.intake.datasets import image, pack

CANARIES = ("张三丰", "13987654321", "canary.li@example.org", "11010519900307451X")
CONTRACT = """name: canary
purpose: training a pet classifier
layout: {kind: csv_manifest, manifest: labels.csv}
volume: {classes: [cat, dog], min_items: 2}
labels: {fields: [{name: caption, free_text: true}]}
anonymisation: {mode: anonymise, images: redact}
"""


def _photo_with_canaries(seed: int) -> bytes:
    """A JPEG whose EXIF (artist, GPS), XMP packet and comment carry the canaries."""
    exif = Image.Exif()
    exif[0x013B] = CANARIES[0]  # Artist
    exif[0x010E] = f"{CANARIES[1]} {CANARIES[2]}"  # ImageDescription
    exif.get_ifd(0x8825)[2] = (39.0, 54.0, 15.0)  # GPSLatitude
    xmp = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description dc:creator='
           f'"{CANARIES[3]}"/></rdf:RDF></x:xmpmeta>').encode()
    out = io.BytesIO()
    Image.open(io.BytesIO(image(seed))).save(out, "JPEG", exif=exif, xmp=xmp,
                                             comment=CANARIES[0].encode())
    return out.getvalue()


def _manifest(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(
        [["image", "label", "caption", "contact"], *rows])
    return out.getvalue().encode()


def _upload(files: dict[str, bytes]) -> bytes:
    return pack(files, "tar")


def _wait(client: httpx.Client, dataset_id: str, states: set[str]) -> dict[str, object]:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        status: dict[str, object] = client.get(f"/v1/datasets/{dataset_id}").json()
        if status["state"] in states:
            return status
        time.sleep(0.5)
    raise AssertionError(f"dataset stayed {status['state']}")


def _assert_clean(what: str, data: bytes) -> None:
    for canary in CANARIES:
        for encoding in ("utf-8", "gb18030", "utf-16-le"):
            assert canary.encode(encoding) not in data, f"{canary} in {what}"
        assert json.dumps(canary).encode() not in data, f"{canary} (escaped) in {what}"


def test_no_personal_value_leaks(env: dict[str, str], tmp_path: Path) -> None:
    env = {**env, "AIRLOCK_LOG_LEVEL": "debug"}
    init = airlock(env, "init", "--json")
    admin = {"Authorization": f"Bearer {json.loads(init.stdout)['admin_token']}"}
    log = tmp_path / "server.log"
    port = 8700 + (abs(hash(str(tmp_path))) % 200)
    with log.open("w") as sink:
        proc = subprocess.Popen([AIRLOCK, "serve", "--port", str(port)], env=env, stdout=sink,
                                stderr=subprocess.STDOUT)
    seen: list[tuple[str, bytes]] = []
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                httpx.get(f"{base}/v1/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.25)
        with httpx.Client(base_url=base, timeout=60, headers=admin) as api:
            api.post("/v1/tenants", json={"name": "acme"})
            tokens = {role: api.post("/v1/tokens", json={
                "name": role, "role": role, "tenant": "acme" if role == "client" else None,
            }).json()["token"] for role in ("client", "compliance")}
            api.post("/v1/contracts", json={"tenant": "acme", "yaml": CONTRACT})
        client = httpx.Client(base_url=base, timeout=60,
                              headers={"Authorization": f"Bearer {tokens['client']}"})
        files = {
            "images/张三丰_身份证.jpg": _photo_with_canaries(1),
            "images/img002.jpg": _photo_with_canaries(2),
            "labels.csv": _manifest([
                ["images/张三丰_身份证.jpg", "cat", "张三丰的手机是13987654321",
                 "canary.li@example.org"],
                ["images/img002.jpg", "dog", "身份证号11010519900307451X", "张三丰"]]),
        }
        accepted = client.post("/v1/datasets", params={"contract": "canary"},
                               content=_upload(files)).json()
        rejected = client.post("/v1/datasets", params={"contract": "canary"}, content=_upload({
            **files, "labels.csv": _manifest([
                ["images/张三丰_身份证.jpg", "cat", "=HYPERLINK(\"13987654321\")", "张三丰"],
                ["images/img002.jpg", "dog", "x", "y"]])})).json()
        _wait(client, accepted["id"], {"ready"})
        _wait(client, rejected["id"], {"rejected"})
        for dataset_id in (accepted["id"], rejected["id"]):
            for suffix in ("", "/report", "/anonymisation-report"):
                seen.append((f"GET {dataset_id}{suffix}",
                             client.get(f"/v1/datasets/{dataset_id}{suffix}").content))
        for body in ({"texts": ["张三丰" * 5000]}, {"texts": ["13987654321"], "x": "张三丰"},
                     {"texts": "canary.li@example.org"}):
            seen.append(("bad pii request", client.post("/v1/pii/analyze", json=body).content))
        truncated = '{"texts": ["张三丰"'.encode()
        seen.append(("bad json", client.post("/v1/pii/analyze", content=truncated, headers={
            "content-type": "application/json"}).content))
        auditor = {"Authorization": f"Bearer {tokens['compliance']}"}
        seen.append(("audit", httpx.get(f"{base}/v1/audit/events?limit=1000", headers=auditor,
                                        timeout=60).content))
        anonymised = client.post("/v1/pii/anonymize", json={"texts": ["张三丰的手机是13987654321"]})
        seen.append(("pii anonymize", anonymised.content))
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    broken = subprocess.run([AIRLOCK, "pii", "detect"], input='{"id": 1, "txt": "张三丰"}\n',
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    assert broken.returncode == 1
    seen.append(("cli error", (broken.stdout + broken.stderr).encode()))
    for args in (("audit", "events", "--json", "--limit", "1000"),
                 ("report", accepted["id"], "--json"),
                 ("report", accepted["id"], "--anonymisation"), ("status", rejected["id"])):
        done = airlock(env, *args)
        assert done.returncode == 0, done.stderr
        seen.append((" ".join(args), (done.stdout + done.stderr).encode()))
    server_log = log.read_bytes()
    assert b"DEBUG" in server_log or b"debug" in server_log.lower()
    seen.append(("server log", server_log))
    settings = Settings(home=Path(env["AIRLOCK_HOME"]), database_url=env["AIRLOCK_DATABASE_URL"])
    instance = Instance(settings)
    try:
        archive = anonymised_tar(instance, str(accepted["id"]))
    finally:
        instance.dispose()
    anonymised_files = members(archive)
    assert len(anonymised_files) == 3
    seen += [(f"anonymised copy: {name}", name.encode() + data)
             for name, data in anonymised_files.items()]
    for what, data in seen:
        _assert_clean(what, data)
    home = Path(env["AIRLOCK_HOME"])
    for path in home.rglob("*"):
        if path.is_file():
            _assert_clean(str(path.relative_to(home)), path.read_bytes())
