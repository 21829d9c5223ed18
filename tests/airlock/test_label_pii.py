"""What used to survive anonymisation in labels, through `airlock pii anonymize`,
`POST /v1/pii/anonymize` and a dataset: a British address, an English name in Chinese
text, identifiers with a valid shape but no valid check, type conflicts against the
contract's operators, and the warning on unlisted fields."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from airlock.admin import create_token, new_tenant
from airlock.cli.main import app
from airlock.instance import Instance
from audit import SYSTEM
from catalog import Role
from intake import add_contract
from tests.anonymize.dataset.copies import anonymised_tar, members
from tests.anonymize.dataset.test_job import _contract
from tests.intake.datasets import image, pack
from vocabulary import Layout

runner = CliRunner()
OPERATORS = {"CN_PHONE": "redact"}  # the contract's choice the mixed-text phone defeated
# (record, what it becomes, what must not survive)
CASES = [
    ("Contact: 221B Baker Street, London NW1 6XE, UK", "Contact: [ADDRESS]", "Baker"),
    ("住在北京市海淀区中关村大街1号。拍摄者 John Smith。QZX7731", "住在北京市。拍摄者 S.。",
     "Smith"),
    ("身份证 110101199003071232", "身份证 110101********1232", "99003071"),
    ("手机 15412345678", "手机 [CN_PHONE]", "15412345678"),
    ("车牌 京ABCDEF", "车牌 京A*****", "BCDEF"),
    ("Call 13412342782 拍摄者", "Call [CN_PHONE] 拍摄者", "2782"),
    ("ID 110101199101077874", "ID 110101********7874", "19910107"),
    ("地址：北京市海淀区中关村大街1号 邮编100080", "地址：北京市", "100080"),
]


def _check(texts: list[str]) -> None:
    for (_, expected, gone), text in zip(CASES, texts, strict=True):
        assert text.startswith(expected) and gone not in text, text


def test_cli(tmp_path: Path) -> None:
    records = tmp_path / "in.jsonl"
    records.write_text("".join(json.dumps({"id": n, "text": text}, ensure_ascii=False) + "\n"
                               for n, (text, _, _) in enumerate(CASES)), encoding="utf-8")
    options = [f"--operator={t}={o}" for t, o in OPERATORS.items()]
    for lang in ("auto", "zh"):
        if lang == "zh":  # the English name was cut short with Chinese analysis only
            records.write_text(json.dumps({"id": 0, "text": CASES[1][0]}, ensure_ascii=False))
        result = runner.invoke(app, ["pii", "anonymize", "--lang", lang, *options,
                                     str(records)])
        assert result.exit_code == 0, result.output
        texts = [json.loads(line)["text"] for line in result.stdout.splitlines()]
        if lang == "auto":
            _check(texts)
        else:
            assert texts == ["住在北京市。拍摄者 S.。QZX7731"]


def test_http(client: TestClient, instance: Instance) -> None:
    with instance.transaction(SYSTEM) as tx:
        token = create_token(tx, name="o", role=Role.OPERATOR, tenant=None).plaintext
    response = client.post("/v1/pii/anonymize", headers={"Authorization": f"Bearer {token}"},
                           json={"texts": [text for text, _, _ in CASES],
                                 "operators": OPERATORS})
    assert response.status_code == 200, response.text
    done = response.json()
    _check([d["text"] for d in done])
    types = [[c["type"] for c in d["changes"]] for d in done]
    assert types[0] == ["ADDRESS"]
    assert types[5] == ["CN_PHONE"] and types[6] == ["CN_ID"]  # not PHONE_NUMBER, DATE_TIME
    assert [c["operator"] for c in done[5]["changes"]] == ["redact"]


@pytest.mark.parametrize("column", ["caption", "notes"])  # listed free text, and unlisted
def test_dataset(instance: Instance, tmp_path: Path, column: str) -> None:
    with instance.transaction(SYSTEM) as tx:
        new_tenant(tx, "acme")
        add_contract(tx, "acme", _contract(Layout.CSV_MANIFEST, "anonymise",
                                           ", operators: {CN_PHONE: redact}"))
    manifest = io.StringIO(newline="")
    writer = csv.writer(manifest, lineterminator="\n")
    writer.writerow(["image", "label", "caption", "weather", "notes"])
    for n, (text, _, _) in enumerate(CASES):
        cells = {"caption": "a cat", "notes": "-", column: text}
        writer.writerow([f"images/img{n:03d}.jpg", ("cat", "dog")[n % 2], cells["caption"],
                         "sunny", cells["notes"]])
    files = {f"images/img{n:03d}.jpg": image(n) for n in range(len(CASES))}
    archive = tmp_path / "upload.tar"
    archive.write_bytes(pack({**files, "labels.csv": manifest.getvalue().encode()}, "tar"))
    result = runner.invoke(app, ["upload", str(archive), "--contract", "csv-manifest",
                                 "--tenant", "acme"])
    assert result.exit_code == 0, result.output
    dataset_id = result.stdout.split()[1].rstrip(":")
    out = members(anonymised_tar(instance, dataset_id))
    rows = list(csv.DictReader(io.StringIO(out["labels.csv"].decode())))
    _check([row[column] for row in rows])
    report = json.loads(runner.invoke(app, ["report", dataset_id, "--anonymisation",
                                            "--json"]).stdout)
    assert report["operators"]["CN_PHONE"] == report["operators"]["PHONE_NUMBER"] == "redact"
    counted = report["entities"]
    assert counted["CN_PHONE"] == 2 and counted["CN_ID"] == 2 and counted["ADDRESS"] == 1
    assert "PHONE_NUMBER" not in counted and "DATE_TIME" not in counted
    validation = runner.invoke(app, ["report", dataset_id, "--json"]).stdout
    warnings = [p for p in json.loads(validation)["problems"]
                if p["rule"] == "label.unknown_field"]
    assert [w["message"] for w in warnings] == [
        "a column or key the contract does not list; it is not checked, and is anonymised "
        "as free text"]
