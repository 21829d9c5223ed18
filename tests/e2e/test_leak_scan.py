"""Leak scan: values planted in an upload (folder and file names, captions, class names, EXIF
fields of every layout) and in the purpose are looked for, byte by byte, after each stage
(upload, validation and anonymisation, training read, purge) in every file under
AIRLOCK_HOME while the server runs (so the SQLite database, its WAL and SHM too), in every
row of every catalog table (the PostgreSQL variant checks what the tables hold), in every
API response and in every line the server logged. None may be found: what Airlock keeps of
them is ciphertext.

The server's log (its stderr, JSON at debug level, serve's worker's lines included) is one
JSON event per line with the expected fields; each upload's request id (sent in
X-Request-ID) is on its validation and anonymisation lines and in its audit events, and no
token appears in it.

The planted values are not personal data the anonymiser would replace, so the anonymised
copy keeps them on purpose: only the read of that copy is exempt, and it is checked for the
purpose and the EXIF fields."""

from __future__ import annotations

import io
import json
import secrets
import subprocess
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import Engine, select

from catalog import Base, make_engine
from tests.e2e.conftest import AIRLOCK, airlock, free_port, wait_for_health
from tests.intake.datasets import CONTRACTS, IMAGES_DIR, image, pack
from tests.intake.labels import samples
from vocabulary import Layout

TOKEN = secrets.token_hex(4)
ZH = "猫砂盆"
FOLDER, FILE, CAPTION, CLASS, EXIF, WRONG_PURPOSE, QUERY = (
    f"Qz{kind}{TOKEN}{ZH}" for kind in ("Dir", "File", "Cap", "Cls", "Exif", "Wrong", "Qs"))
PURPOSE = f"training a litter classifier qzpurp{TOKEN}"
DECLARED = f"Training A Litter Classifier QZPURP{TOKEN.upper()}"
"""The contract's purpose typed in another case: found only if the declared text is kept."""
PLANTED = (FOLDER, FILE, CAPTION, CLASS, EXIF, WRONG_PURPOSE, QUERY, DECLARED)
NOT_IN_THE_DATA = (EXIF, WRONG_PURPOSE, QUERY, DECLARED)
OWN_FIELDS = (Layout.YOLO, Layout.CLASS_FOLDERS)


def _needles(value: str) -> list[bytes]:
    """The value and its ASCII part (a hit even when the Chinese part was cut off), in
    UTF-8 and UTF-16."""
    ascii_part = value.removesuffix(ZH)
    return [text.encode(codec) for text in {value, ascii_part} for codec in ("utf-8", "utf-16-le")]


def _photo(seed: int) -> bytes:
    exif = Image.Exif()
    exif[0x013B] = EXIF  # Artist
    exif[0x010E] = EXIF  # ImageDescription
    out = io.BytesIO()
    Image.open(io.BytesIO(image(seed))).save(out, "JPEG", exif=exif)
    return out.getvalue()


def _files(layout: Layout, first_seed: int) -> dict[str, bytes]:
    if layout is Layout.CLASS_FOLDERS:  # the folder is the class
        return {f"data/{CLASS}/{FILE}-{n}.jpg": _photo(first_seed + n) for n in range(2)}
    folder = IMAGES_DIR.get(layout, "images")
    items: list[samples.Item] = [(f"{folder}/{FOLDER}/{FILE}-{n}.jpg", CLASS,
                                  {"caption": f"{CAPTION} {n}"}) for n in range(2)]
    builders = {Layout.CSV_MANIFEST: samples.csv_manifest,
                Layout.JSONL_MANIFEST: samples.jsonl_manifest,
                Layout.COCO: lambda i: samples.coco(i, images_dir="images"),
                Layout.YOLO: samples.yolo, Layout.VOC: samples.voc}
    files = {path: _photo(first_seed + n) for n, (path, _, _) in enumerate(items)}
    files.update(builders[layout](items))
    return files


def _contract(layout: Layout) -> str:
    fields = "" if layout in OWN_FIELDS else \
        "labels: {fields: [{name: caption, free_text: true}]}\n"
    return (f"name: leak-{layout.value.replace('_', '-')}\npurpose: {PURPOSE}\n"
            f"retention_days: 0\n{CONTRACTS[layout]}\nimages: {{formats: [jpeg]}}\n"
            f"volume: {{min_items: 2}}\n{fields}"
            "anonymisation: {mode: anonymise, images: redact}\n")


@dataclass
class Scan:
    home: Path
    server_log: Path
    server_output: Path
    catalog: Engine
    responses: list[tuple[str, bytes]] = field(default_factory=list)
    hits: list[str] = field(default_factory=list)
    files_seen: set[str] = field(default_factory=set)

    def response(self, what: str, response: httpx.Response) -> httpx.Response:
        assert response.status_code < 500, (what, response.text)
        self.responses.append((what, response.content))
        return response

    def stage(self, name: str) -> None:
        """Every file under the home (the server still running), every catalog row, every
        response so far and the server's log."""
        files = sorted(p for p in self.home.rglob("*") if p.is_file())
        for path in files:
            try:
                data = path.read_bytes()
            except FileNotFoundError:  # a `.partial-` file renamed since the listing
                continue
            self._check(f"{name}: file {path.relative_to(self.home)}", data)
        self.files_seen.update(path.name for path in files)
        for table, rows in self._tables():
            self._check(f"{name}: table {table}", rows)
        for what, body in self.responses:
            self._check(f"{name}: response {what}", body)
        self.responses.clear()
        self._check(f"{name}: server log", self.server_log.read_bytes())
        self._check(f"{name}: server output", self.server_output.read_bytes())

    def _tables(self) -> Iterator[tuple[str, bytes]]:
        with self.catalog.connect() as connection:
            for table in Base.metadata.sorted_tables:
                rows = connection.execute(select(table)).all()
                yield table.name, "\n".join(repr(tuple(row)) for row in rows).encode()

    def _check(self, where: str, data: bytes, planted: tuple[str, ...] = PLANTED) -> None:
        self.hits += [f"{value} in {where}" for value in planted
                      if any(needle in data for needle in _needles(value))]


@dataclass
class Server:
    url: str
    admin: dict[str, str]
    scan: Scan


@pytest.fixture
def server(env: dict[str, str], tmp_path: Path, database_url: str) -> Iterator[Server]:
    """`airlock serve` at debug level, its log in a file. On SQLite the database is the
    default one, under AIRLOCK_HOME with its WAL and SHM."""
    home = Path(env["AIRLOCK_HOME"])
    if database_url.startswith("sqlite"):
        del env["AIRLOCK_DATABASE_URL"]
        database_url = f"sqlite:///{home.resolve() / 'airlock.db'}"
    init = airlock(env, "init", "--json")
    assert init.returncode == 0, init.stderr
    admin = {"Authorization": f"Bearer {json.loads(init.stdout)['admin_token']}"}
    log, output, port = tmp_path / "server.log", tmp_path / "server.out", free_port()
    with log.open("w") as sink, output.open("w") as printed:
        proc = subprocess.Popen([AIRLOCK, "serve", "--port", str(port)],
                                env={**env, "AIRLOCK_LOG_LEVEL": "debug",
                                     "AIRLOCK_LOG_FORMAT": "json"},
                                stdout=printed, stderr=sink)
    catalog = make_engine(database_url, writer=False)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url)
        yield Server(url, admin, Scan(home, log, output, catalog))
    finally:
        catalog.dispose()
        proc.terminate()
        proc.wait(timeout=60)


def _wait(api: httpx.Client, dataset_ids: list[str], state: str) -> None:
    deadline = time.monotonic() + 240
    pending = set(dataset_ids)
    while pending and time.monotonic() < deadline:
        for dataset_id in sorted(pending):
            status = api.get(f"/v1/datasets/{dataset_id}").json()
            assert status["state"] not in ("rejected", "purged"), status
            if status["state"] == state:
                pending.discard(dataset_id)
        time.sleep(0.3)
    assert not pending, f"{sorted(pending)} never reached {state}"


def test_no_planted_value_is_kept_in_the_clear(server: Server, env: dict[str, str]) -> None:
    scan = server.scan
    with httpx.Client(base_url=server.url, timeout=60, headers=server.admin) as admin:
        admin.post("/v1/tenants", json={"name": "acme"}).raise_for_status()
        tokens = {role: admin.post("/v1/tokens", json={
            "name": role, "role": role, "tenant": "acme" if role == "client" else None,
        }).json()["token"] for role in ("client", "operator", "compliance")}
        for layout in Layout:
            admin.post("/v1/contracts", json={"tenant": "acme", "yaml": _contract(layout)}
                       ).raise_for_status()
    client, operator, compliance = (
        httpx.Client(base_url=server.url, timeout=60,
                     headers={"Authorization": f"Bearer {tokens[role]}"})
        for role in ("client", "operator", "compliance"))
    # A query string never reaches the access log, whatever its name.
    scan.response("health with a query", client.get("/v1/health", params={"probe": QUERY}))

    uploaded = {scan.response(f"upload {layout.value}", client.post(
        "/v1/datasets", params={"contract": f"leak-{layout.value.replace('_', '-')}"},
        content=pack(_files(layout, 10 * n), "zip"),
        headers={"X-Request-ID": f"upload-{layout.value}"})).json()["id"]:
        f"upload-{layout.value}" for n, layout in enumerate(Layout)}
    ids = list(uploaded)
    # An id that is not a plain token is replaced, never logged.
    scan.response("health with a bad request id", client.get(
        "/v1/health", headers={b"X-Request-ID": QUERY.encode()}))
    scan.stage("upload")

    _wait(client, ids, "ready")
    for dataset_id in ids:
        for suffix in ("", "/report", "/anonymisation-report"):
            scan.response(f"GET {dataset_id}{suffix}",
                          client.get(f"/v1/datasets/{dataset_id}{suffix}"))
    scan.stage("validation and anonymisation")

    for dataset_id in ids:
        refused = scan.response("read, another purpose", operator.post(
            f"/v1/datasets/{dataset_id}/anonymised", json={"purpose": WRONG_PURPOSE}))
        assert refused.status_code == 403
        copy = operator.post(f"/v1/datasets/{dataset_id}/anonymised",
                             json={"purpose": DECLARED})
        assert copy.status_code == 200, copy.text
        with tarfile.open(fileobj=io.BytesIO(copy.content)) as tar:
            assert sum(name.endswith(".jpg") for name in tar.getnames()) == 2
        scan._check("the anonymised copy", copy.content, NOT_IN_THE_DATA)
        for step, body in (("start", {"purpose": DECLARED}), ("complete", None)):
            scan.response(f"training {step}", operator.post(
                f"/v1/datasets/{dataset_id}/training/{step}", json=body))
    events = scan.response("audit", compliance.get("/v1/audit/events",
                                                   params={"limit": 1000})).json()
    for dataset_id, request_id in uploaded.items():
        assert {e["action"] for e in events if e["dataset_id"] == dataset_id
                and e["details"].get("request_id") == request_id} >= {
            "dataset.uploaded", "dataset.validated", "dataset.anonymised"}, dataset_id
    scan.stage("training read")

    swept = airlock(env, "retention", "run", "--json")
    assert swept.returncode == 0, swept.stderr
    scan.responses.append(("retention run", (swept.stdout + swept.stderr).encode()))
    for dataset_id in ids:
        status = scan.response("status after purge", client.get(f"/v1/datasets/{dataset_id}"))
        assert status.json()["state"] == "purged"
    scan.stage("purge")
    for api in (client, operator, compliance):
        api.close()
    assert scan.hits == []
    _check_log_lines(server.scan.server_log, uploaded, list(tokens.values()))
    if server.scan.catalog.dialect.name == "sqlite":  # scanned while the server ran
        assert {"airlock.db", "airlock.db-wal", "airlock.db-shm"} <= scan.files_seen


def _check_log_lines(log: Path, uploaded: dict[str, str], tokens: list[str]) -> None:
    """Every line one JSON event; access lines by route template; each upload's request id
    on its own steps, in serve and in serve's worker; no token's secret."""
    text = log.read_text()
    events = [json.loads(line) for line in text.splitlines()]
    assert events and all({"time", "level", "logger", "message"} <= e.keys() for e in events)
    assert any(e["level"] == "debug" for e in events)
    access = [e for e in events if e["logger"] == "airlock.access"]
    assert all({"request_id", "method", "route", "status", "duration_ms"} <= e.keys()
               for e in access)
    assert {"/v1/datasets", "/v1/datasets/{dataset_id}", "/v1/health"} <= {
        e["route"] for e in access}
    assert not [e for e in access if "?" in e["route"]
                or any(dataset_id in e["route"] for dataset_id in uploaded)]
    for dataset_id, request_id in uploaded.items():
        assert [e["status"] for e in access if e["request_id"] == request_id] == [202]
        steps = {e["message"].split(": ")[1].split(",")[0]: e.get("request_id")
                 for e in events if e["message"].startswith(f"dataset {dataset_id}: ")
                 and "finished" in e["message"]}
        assert steps["validate finished"] == request_id, (dataset_id, steps)
        assert steps["anonymise finished"] == request_id, (dataset_id, steps)
    for token in tokens:
        assert token.split("_", 2)[2] not in text  # alk_ID_SECRET: the secret may hold "_"
