"""Multipart uploads through the real app: parts in any order, resume, refusals, digest
checks, abort, expiry and the gates."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from airlock.api.app import create_app
from airlock.instance import Instance
from airlock.pipeline import Pipeline
from audit import Actor
from catalog import (
    AuditEventRecord,
    DatasetState,
    PurgeRecord,
    StoredCopy,
    get_dataset,
)
from tests.airlock.uploads_world import (
    PART,
    UploadWorld,
    build_upload_world,
    digest_header,
    open_upload,
    parts_of,
    put_part,
    sha256,
)
from tests.intake.datasets import dataset_files, pack
from vocabulary import Layout


@pytest.fixture
def world(instance: Instance) -> UploadWorld:
    return build_upload_world(instance)


@pytest.fixture
def client(instance: Instance, world: UploadWorld) -> Iterator[TestClient]:
    with TestClient(create_app(instance)) as test_client:
        yield test_client


def _actions(instance: Instance, dataset_id: str) -> list[str]:
    with instance.reading() as session:
        return list(session.scalars(select(AuditEventRecord.action).where(
            AuditEventRecord.dataset_id == dataset_id).order_by(AuditEventRecord.seq)))


def _certificate(client: TestClient, world: UploadWorld, dataset_id: str) -> dict[str, object]:
    response = client.get(f"/v1/datasets/{dataset_id}/certificate", headers=world.auth())
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def _raw_copies(certificate: dict[str, object]) -> int:
    subject = certificate["subject"]
    assert isinstance(subject, dict)
    return sum(c["count"] for c in subject["copies"] if c["kind"] == "raw")


@pytest.mark.parametrize("fmt", ["tar", "zip"])
def test_parts_in_any_order_complete_into_a_validated_dataset(
        instance: Instance, client: TestClient, world: UploadWorld, fmt: str) -> None:
    world = replace(world, archive=pack(dataset_files(Layout.CLASS_FOLDERS), fmt))
    data = world.archive
    upload = open_upload(client, world, data)
    parts = parts_of(data)
    assert upload["parts_total"] == len(parts) and upload["state"] == "open"
    assert upload["part_size"] == PART and upload["parts"] == []
    for number in sorted(parts, key=lambda n: (n % 2, -n)):  # evens down, then odds down
        answer = put_part(client, world, upload["id"], number, parts[number])
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"number": number, "size": len(parts[number]),
                                 "sha256": sha256(parts[number])}
    shown = client.get(f"/v1/uploads/{upload['id']}", headers=world.auth()).json()
    assert [p["number"] for p in shown["parts"]] == sorted(parts)
    assert shown["received_bytes"] == len(data)
    done = client.post(f"/v1/uploads/{upload['id']}/complete", headers=world.auth())
    assert done.status_code == 202, done.text
    dataset_id = done.json()["id"]
    assert dataset_id == upload["dataset_id"]
    assert done.json()["upload_sha256"] == sha256(data)
    assert done.json()["upload_bytes"] == len(data)
    # The background validation (and anonymisation) read the parts as one archive.
    dataset = client.get(f"/v1/datasets/{dataset_id}", headers=world.auth()).json()
    assert dataset["state"] == "ready", dataset
    report = client.get(f"/v1/datasets/{dataset_id}/report", headers=world.auth()).json()
    assert report["outcome"] == "accepted" and report["upload_sha256"] == sha256(data)
    assert report["upload_bytes"] == len(data)
    actions = _actions(instance, dataset_id)
    assert actions.count("upload.part_stored") == len(parts)
    assert actions.index("upload.completed") < actions.index("dataset.uploaded")
    assert client.get(f"/v1/uploads/{upload['id']}", headers=world.auth()
                      ).json()["state"] == "completed"
    again = client.post(f"/v1/uploads/{upload['id']}/complete", headers=world.auth())
    assert again.status_code == 409


def test_a_dropped_part_leaves_nothing_and_the_upload_resumes(
        instance: Instance, client: TestClient, world: UploadWorld) -> None:
    upload = open_upload(client, world)
    parts = parts_of(world.archive)
    assert put_part(client, world, upload["id"], 1, parts[1]).status_code == 200
    # The body ends before its Content-Length: the part is refused, nothing of it kept.
    cut = client.put(f"/v1/uploads/{upload['id']}/parts/2", content=parts[2][:100], headers={
        **world.auth(), "Content-Digest": digest_header(parts[2]),
        "Content-Length": str(len(parts[2]))})
    assert cut.status_code == 400, cut.text
    shown = client.get(f"/v1/uploads/{upload['id']}", headers=world.auth()).json()
    assert [p["number"] for p in shown["parts"]] == [1]
    assert shown["received_bytes"] == len(parts[1])
    # A client that restarted finds its upload by the archive's digest and sends the rest.
    found = client.get(f"/v1/uploads?sha256={sha256(world.archive)}&state=open",
                       headers=world.auth()).json()
    assert [u["id"] for u in found] == [upload["id"]]
    missing = client.post(f"/v1/uploads/{upload['id']}/complete", headers=world.auth())
    assert missing.status_code == 409
    assert missing.json()["missing"] == list(range(2, len(parts) + 1))
    for number in range(2, len(parts) + 1):
        assert put_part(client, world, upload["id"], number, parts[number]).status_code == 200
    assert client.post(f"/v1/uploads/{upload['id']}/complete",
                       headers=world.auth()).status_code == 202
    with instance.reading() as session:
        raws = session.scalars(select(StoredCopy).where(
            StoredCopy.dataset_id == upload["dataset_id"], StoredCopy.kind == "raw",
            StoredCopy.deleted_at.is_(None))).all()
    assert len(raws) == len(parts)
    assert set(instance.vault.list_objects(upload["dataset_id"])) >= {c.id for c in raws}


def test_a_corrupted_part_is_refused_and_nothing_is_kept(
        instance: Instance, client: TestClient, world: UploadWorld) -> None:
    upload = open_upload(client, world)
    parts = parts_of(world.archive)
    corrupted = bytes([parts[1][0] ^ 1]) + parts[1][1:]
    refused = put_part(client, world, upload["id"], 1, corrupted, digest_of=parts[1])
    assert refused.status_code == 422, refused.text
    assert client.get(f"/v1/uploads/{upload['id']}", headers=world.auth()).json()["parts"] == []
    assert instance.vault.list_objects(upload["dataset_id"]) == []
    assert instance.vault.list_partial(upload["dataset_id"]) == []
    assert "vault.object_stored" not in _actions(instance, upload["dataset_id"])


@pytest.mark.parametrize(("headers", "status"), [
    ({"Content-Digest": "md5=:AAAA:"}, 400),
    ({"Content-Digest": "sha-256=:notbase64!:"}, 400),
    ({"Content-Digest": "sha-256=:AAAA:"}, 400),
    ({}, 400),
])
def test_a_part_without_a_valid_content_digest_is_refused(
        instance: Instance, client: TestClient, world: UploadWorld, headers: dict[str, str],
        status: int) -> None:
    upload = open_upload(client, world)
    part = parts_of(world.archive)[1]
    answer = client.put(f"/v1/uploads/{upload['id']}/parts/1", content=part,
                        headers={**world.auth(), **headers})
    assert answer.status_code == status, answer.text
    assert instance.vault.list_objects(upload["dataset_id"]) == []


def test_a_wrong_content_length_or_number_is_refused(
        instance: Instance, client: TestClient, world: UploadWorld) -> None:
    upload = open_upload(client, world)
    parts = parts_of(world.archive)
    last = len(parts)
    # Every part but the last is part_size; the last one is the rest.
    assert put_part(client, world, upload["id"], 1, parts[1][:-1]).status_code == 400
    assert put_part(client, world, upload["id"], last, parts[1]).status_code == 400
    assert put_part(client, world, upload["id"], last + 1, parts[1]).status_code == 400
    assert put_part(client, world, upload["id"], 0, parts[1]).status_code == 422
    assert instance.vault.list_objects(upload["dataset_id"]) == []


def test_a_part_sent_again_replaces_the_earlier_copy(
        instance: Instance, client: TestClient, world: UploadWorld) -> None:
    upload = open_upload(client, world)
    part = parts_of(world.archive)[1]
    first = put_part(client, world, upload["id"], 1, part)
    second = put_part(client, world, upload["id"], 1, part)
    assert first.json() == second.json()
    with instance.reading() as session:
        copies = session.scalars(select(StoredCopy).where(
            StoredCopy.dataset_id == upload["dataset_id"])).all()
    assert len(copies) == 2 and sum(c.deleted_at is None for c in copies) == 1
    live = next(c.id for c in copies if c.deleted_at is None)
    assert instance.vault.list_objects(upload["dataset_id"]) == [live]
    shown = client.get(f"/v1/uploads/{upload['id']}", headers=world.auth()).json()
    assert shown["received_bytes"] == len(part) and len(shown["parts"]) == 1


def test_a_wrong_declared_digest_is_refused_and_purged_with_a_certificate(
        instance: Instance, client: TestClient, world: UploadWorld) -> None:
    upload = open_upload(client, world, declared=sha256(b"another archive"))
    parts = parts_of(world.archive)
    for number, data in parts.items():
        assert put_part(client, world, upload["id"], number, data).status_code == 200
    refused = client.post(f"/v1/uploads/{upload['id']}/complete", headers=world.auth())
    assert refused.status_code == 422, refused.text
    assert refused.json()["dataset_id"] == upload["dataset_id"]
    certificate = _certificate(client, world, upload["dataset_id"])
    assert _raw_copies(certificate) == len(parts)
    assert certificate["sanitisation"]["cause"] == "upload_failed"  # type: ignore[index]
    assert instance.vault.list_objects(upload["dataset_id"]) == []
    actions = _actions(instance, upload["dataset_id"])
    assert "dataset.upload_failed" in actions and "dataset.uploaded" not in actions
    assert client.get(f"/v1/uploads/{upload['id']}", headers=world.auth()
                      ).json()["state"] == "failed"


def test_an_aborted_upload_is_purged_with_a_certificate(
        instance: Instance, client: TestClient, world: UploadWorld) -> None:
    upload = open_upload(client, world)
    parts = parts_of(world.archive)
    for number in (1, 2):
        assert put_part(client, world, upload["id"], number, parts[number]).status_code == 200
    assert client.delete(f"/v1/uploads/{upload['id']}", headers=world.auth()).status_code == 204
    certificate = _certificate(client, world, upload["dataset_id"])
    assert _raw_copies(certificate) == 2
    assert instance.vault.list_objects(upload["dataset_id"]) == []
    assert "upload.aborted" in _actions(instance, upload["dataset_id"])
    shown = client.get(f"/v1/uploads/{upload['id']}", headers=world.auth()).json()
    assert shown["state"] == "aborted"
    assert put_part(client, world, upload["id"], 3, parts[3]).status_code == 409
    assert client.delete(f"/v1/uploads/{upload['id']}", headers=world.auth()).status_code == 409


def test_an_expired_upload_is_purged_by_the_worker_with_a_certificate(
        instance: Instance, client: TestClient, world: UploadWorld) -> None:
    upload = open_upload(client, world)
    parts = parts_of(world.archive)
    assert put_part(client, world, upload["id"], 1, parts[1]).status_code == 200
    # A write a killed process left unfinished is counted too (a leftover temp object).
    key_holder = instance.vault
    with instance.reading() as session:
        key = key_holder.data_key(session, upload["dataset_id"])
    partial = _unfinished_write(instance, upload["dataset_id"], key)
    expiry = timedelta(hours=instance.settings.upload_expiry_hours)
    before = Pipeline(instance, clock=lambda: datetime.now(UTC) + expiry - timedelta(minutes=5))
    assert upload["dataset_id"] not in before.pending()
    later = Pipeline(instance, clock=lambda: datetime.now(UTC) + expiry + timedelta(minutes=1))
    assert upload["dataset_id"] in later.pending()
    later.drive(upload["dataset_id"])
    with instance.reading() as session:
        assert get_dataset(session, upload["dataset_id"]).state is DatasetState.PURGED
        record = session.get(PurgeRecord, upload["dataset_id"])
        assert record is not None and record.cause == "upload_expired"
        assert record.leftovers == partial
    certificate = _certificate(client, world, upload["dataset_id"])
    assert _raw_copies(certificate) == 1
    assert certificate["sanitisation"]["leftovers_deleted"] == partial  # type: ignore[index]
    actions = _actions(instance, upload["dataset_id"])
    assert "upload.expired" in actions and "dataset.upload_interrupted" not in actions
    assert client.get(f"/v1/uploads/{upload['id']}", headers=world.auth()
                      ).json()["state"] == "expired"


def _unfinished_write(instance: Instance, dataset_id: str, key: object) -> int:
    """Leave a partial write behind as a process killed mid-part would; how many."""
    import io

    class Dies(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
            raise KeyboardInterrupt

    store = instance.vault._store
    with pytest.raises(KeyboardInterrupt):
        store.put(key, dataset_id, "0" * 32, Dies())  # type: ignore[arg-type]
    return len(instance.vault.list_partial(dataset_id))


def test_parallel_parts_count_against_the_upload_gates(
        instance: Instance, client: TestClient, world: UploadWorld) -> None:
    upload = open_upload(client, world)
    """Parts in flight hold upload slots of the token: with every slot of the token taken
    by parts still streaming, one more is refused with 429 before anything is read."""
    gate = client.app.state.gates.uploads  # type: ignore[attr-defined]
    me = client.get("/v1/whoami", headers=world.auth()).json()
    actor = Actor(id=me["actor"], role=me["role"], tenant_id=me["tenant_id"])
    holds = [gate.admit(actor, me["tenant_id"]) for _ in range(gate.per_token)]
    for hold in holds:
        hold.__enter__()
    try:
        busy = put_part(client, world, upload["id"], 1, parts_of(world.archive)[1])
        assert busy.status_code == 429 and busy.headers["retry-after"]
    finally:
        for hold in holds:
            hold.__exit__(None, None, None)
    assert put_part(client, world, upload["id"], 1, parts_of(world.archive)[1]
                    ).status_code == 200


def test_another_tenants_upload_answers_as_an_unknown_one(
        client: TestClient, world: UploadWorld) -> None:
    upload = open_upload(client, world, who="other")
    for path in (f"/v1/uploads/{upload['id']}", "/v1/uploads/" + "0" * 32):
        assert client.get(path, headers=world.auth()).status_code == 404
        assert put_part(client, world, path.rsplit("/", 1)[1], 1, b"x").status_code == 404
        assert client.post(f"{path}/complete", headers=world.auth()).status_code == 404
        assert client.delete(path, headers=world.auth()).status_code == 404
    assert client.get("/v1/uploads", headers=world.auth()).json() == []
    assert len(client.get("/v1/uploads", headers=world.auth("other")).json()) == 1


@pytest.mark.parametrize(("body", "status"), [
    ({"size": 0}, 422),
    ({"sha256": "A" * 64}, 422),
    ({"part_size": 10}, 400),  # under the minimum (lowered to 1000 here)
    ({"part_size": 1024**3 + 1}, 422),
    ({"size": 10**8, "part_size": 1000}, 400),  # more than 10,000 parts
    ({"size": 10**15}, 413),
    ({"extra": 1}, 422),
])
def test_an_upload_that_breaks_a_bound_is_refused(
        instance: Instance, client: TestClient, world: UploadWorld, body: dict[str, object],
        status: int) -> None:
    instance.settings = instance.settings.model_copy(update={"max_upload_bytes": 10**12})
    request = {"contract": world.contracts["own"], "size": 5000, "sha256": "a" * 64,
               "part_size": 1000, **body}
    answer = client.post("/v1/uploads", headers=world.auth(), json=request)
    assert answer.status_code == status, answer.text


def test_no_part_is_ever_on_disk_in_plaintext(
        instance: Instance, client: TestClient, world: UploadWorld, tmp_path: Path) -> None:
    """A marker inside a part appears in no file of the instance (vault, catalog, WAL,
    logs), while the upload is open and after it completed."""
    marker = b"AIRLOCK-MULTIPART-PLAINTEXT-MARKER-5be1"
    data = (b"x" * 700 + marker + b"y" * 700) * 3
    upload = open_upload(client, world, data)
    parts = parts_of(data)
    for number in sorted(parts, reverse=True):
        assert put_part(client, world, upload["id"], number, parts[number]).status_code == 200
    assert _files_holding(tmp_path, marker) == []
    assert client.post(f"/v1/uploads/{upload['id']}/complete",
                       headers=world.auth()).status_code == 202
    assert _files_holding(tmp_path, marker) == []


def _files_holding(root: Path, marker: bytes) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file() and marker in path.read_bytes()]
