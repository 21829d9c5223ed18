"""The offline verifier passes an intact bundle and names the first bad event of a tampered one.

Bundles are built here from `audit.merkle` and Ed25519 keys (signed with `cryptography`, as
the server signs) in temporary directories, the way the exporting side writes them; no
database is involved. The verifier checks them with PyNaCl.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tracemalloc
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from airlock_client import bundle_verifier
from airlock_client.bundle_verifier import (
    FORMAT,
    GENESIS_HASH,
    BundleError,
    BundleVerification,
    canonical_event_bytes,
    checkpoint_note,
    event_hash,
    key_id,
    leaf_hash,
    main,
    verify_bundle,
)
from audit.merkle import MerkleTree

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
ORIGIN = "airlock.example/audit"
DATASETS = ("ds-alpha", "ds-beta")
VERIFIER = Path(bundle_verifier.__file__)
EXAMPLES = settings(max_examples=60, deadline=None)


def make_events(count: int) -> list[dict[str, Any]]:
    """A valid chain; the notes are non-ASCII so the UTF-8 canonical form is exercised."""
    events: list[dict[str, Any]] = []
    previous = GENESIS_HASH
    for seq in range(1, count + 1):
        event: dict[str, Any] = {
            "seq": seq, "at": f"2025-03-01T12:00:00.{seq:06d}Z", "actor": "officer@example.org",
            "role": "admin", "tenant_id": "acme" if seq % 3 else None,
            "action": "dataset.uploaded", "dataset_id": DATASETS[seq % 2],
            "object_ids": {"object": f"obj-{seq}"}, "outcome": "ok",
            "details": {"n": seq, "note": "Zürich 数据"}, "prev_hash": previous}
        event["hash"] = event_hash(event)
        events.append(event)
        previous = event["hash"]
    return events


def forge(seq: int, previous_hash: str) -> dict[str, Any]:
    """An event a forger made well: its hash recomputes and it links to its predecessor."""
    event: dict[str, Any] = {
        "seq": seq, "at": "2025-03-01T12:00:00.999999Z", "actor": "intruder", "role": "admin",
        "tenant_id": None, "action": "dataset.deleted", "dataset_id": DATASETS[0],
        "object_ids": {}, "outcome": "ok", "details": {"forged": True}, "prev_hash": previous_hash}
    event["hash"] = event_hash(event)
    return event


def sign(key: Ed25519PrivateKey, size: int, root: bytes, number: int) -> dict[str, Any]:
    at = f"2025-03-02T00:00:{number:02d}Z"
    note = checkpoint_note(ORIGIN, size, root.hex(), at)
    return {"tree_size": size, "root_hash": root.hex(), "at": at,
            "key_id": raw_key_id(key),
            "signature": base64.b64encode(key.sign(note)).decode()}


def raw_key_id(key: Ed25519PrivateKey) -> str:
    """The key id as the verifier computes it, from the key's 32 raw bytes."""
    return key_id(key.public_key().public_bytes_raw())


def pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


@dataclass
class Bundle:
    manifest: dict[str, Any]
    public_key_pem: bytes
    events: list[dict[str, Any]]
    checkpoints: list[dict[str, Any]]
    proofs: dict[str, Any] = field(default_factory=dict)

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "manifest.json").write_text(json.dumps(self.manifest), encoding="utf-8")
        (directory / "public_key.pem").write_bytes(self.public_key_pem)
        (directory / "events.jsonl").write_text(
            "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in self.events),
            encoding="utf-8")
        (directory / "checkpoints.jsonl").write_text(
            "".join(json.dumps(c) + "\n" for c in self.checkpoints), encoding="utf-8")
        (directory / "proofs.json").write_text(json.dumps(self.proofs), encoding="utf-8")
        return directory

    def with_events(self, events: list[dict[str, Any]]) -> Bundle:
        """Tampered events, with the manifest's count fixed up as a careful forger would."""
        return replace(self, events=events, manifest={**self.manifest, "events": len(events)})


def build(events: list[dict[str, Any]], sizes: list[int], *, key: Ed25519PrivateKey = KEY,
          exported: list[int] | None = None) -> Bundle:
    """A bundle as the exporter writes it: complete, or only the `exported` seqs."""
    tree = MerkleTree([leaf_hash(canonical_event_bytes(e)) for e in events])
    checkpoints = [sign(key, size, tree.root(size), n) for n, size in enumerate(sizes)]
    consistency = [{"old_size": a, "new_size": b,
                    "proof": [h.hex() for h in tree.consistency_proof(a, b)]}
                   for a, b in pairwise(sizes)]
    chosen = copy.deepcopy(events if exported is None else [events[s - 1] for s in exported])
    inclusion = {} if exported is None else {
        str(s): [h.hex() for h in tree.inclusion_proof(s - 1, sizes[-1])] for s in exported}
    manifest = {"format": FORMAT, "origin": ORIGIN, "created_at": "2025-03-02T00:01:00Z",
                "complete": exported is None,
                "filters": {} if exported is None else {"dataset_id": DATASETS[1]},
                "events": len(chosen)}
    return Bundle(manifest, pem(key), chosen, checkpoints,
                  {"consistency": consistency, "inclusion": inclusion})


def check(bundle: Bundle, expected_key_id: str | None = None) -> BundleVerification:
    with tempfile.TemporaryDirectory() as directory:
        return verify_bundle(bundle.write(Path(directory) / "bundle"), expected_key_id)


@st.composite
def signed_logs(draw: st.DrawFn, least: int = 2) -> tuple[list[dict[str, Any]], list[int]]:
    """A log of 2..40 events whose latest checkpoint covers them all, earlier ones at random."""
    count = draw(st.integers(least, 40), label="events")
    earlier = draw(st.sets(st.integers(1, max(count - 1, 1)), max_size=4), label="checkpoints")
    return make_events(count), sorted(earlier | {count})


def assert_caught(result: BundleVerification, seq: int, *words: str) -> None:
    assert not result.intact
    assert result.first_bad_seq == seq, result.problem
    problem = result.problem or ""
    for word in words:
        assert word in problem, problem


@pytest.fixture
def written(tmp_path: Path) -> Path:
    """An intact complete bundle of 34 events, the last 4 after the latest checkpoint."""
    return build(make_events(34), [5, 12, 30]).write(tmp_path / "bundle")


# --- Intact bundles --------------------------------------------------------------------

def test_an_intact_bundle_passes(written: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = verify_bundle(written)
    assert result == BundleVerification(intact=True, events_checked=34, checkpoints_checked=3,
                                        complete=True, key_id=raw_key_id(KEY),
                                        signed_tree_size=30)
    assert main([str(written)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("INTACT: all 34 events") and raw_key_id(KEY) in out
    assert "The last 4 events, after the latest checkpoint, are protected by the hash chain" in out


def test_the_json_result_carries_every_field(written: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(written), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "intact": True, "events_checked": 34, "checkpoints_checked": 3, "first_bad_seq": None,
        "problem": None, "complete": True, "key_id": raw_key_id(KEY),
        "signed_tree_size": 30, "previous_tree_size": None, "retired_key_ids": []}


@EXAMPLES
@given(log=signed_logs(least=1))
def test_any_intact_log_passes(log: tuple[list[dict[str, Any]], list[int]]) -> None:
    events, sizes = log
    result = check(build(events, [0, *sizes]))
    assert result.intact, result.problem
    assert (result.events_checked, result.checkpoints_checked) == (len(events), len(sizes) + 1)


# --- The five kinds of tampering -------------------------------------------------------

@EXAMPLES
@given(log=signed_logs(), data=st.data())
def test_an_edited_event_is_named(log: tuple[list[dict[str, Any]], list[int]],
                                  data: st.DataObject) -> None:
    events, sizes = log
    seq = data.draw(st.integers(1, len(events)), label="edited")
    bundle = build(events, sizes)
    bundle.events[seq - 1]["details"] = {"n": 0, "note": "nothing to see"}
    result = check(bundle)
    assert_caught(result, seq, f"event {seq} was altered")
    assert result.events_checked == seq - 1


@EXAMPLES
@given(log=signed_logs(), data=st.data())
def test_a_deleted_event_is_named(log: tuple[list[dict[str, Any]], list[int]],
                                  data: st.DataObject) -> None:
    events, sizes = log
    seq = data.draw(st.integers(1, len(events)), label="deleted")
    bundle = build(events, sizes)
    result = check(bundle.with_events(bundle.events[:seq - 1] + bundle.events[seq:]))
    assert_caught(result, seq, "deleted" if seq < len(events) else "truncated")


@EXAMPLES
@given(log=signed_logs(), data=st.data())
def test_an_inserted_event_is_named(log: tuple[list[dict[str, Any]], list[int]],
                                    data: st.DataObject) -> None:
    events, sizes = log
    seq = data.draw(st.integers(1, len(events)), label="inserted before")
    bundle = build(events, sizes)
    previous = bundle.events[seq - 2]["hash"] if seq > 1 else GENESIS_HASH
    tampered = [*bundle.events[:seq - 1], forge(seq, previous), *bundle.events[seq - 1:]]
    result = check(bundle.with_events(tampered))
    assert_caught(result, seq, "inserted")
    assert result.events_checked == seq - 1


@EXAMPLES
@given(log=signed_logs(), data=st.data())
def test_swapped_events_are_named(log: tuple[list[dict[str, Any]], list[int]],
                                  data: st.DataObject) -> None:
    events, sizes = log
    first = data.draw(st.integers(1, len(events) - 1), label="first")
    second = data.draw(st.integers(first + 1, len(events)), label="second")
    bundle = build(events, sizes)
    tampered = list(bundle.events)
    tampered[first - 1], tampered[second - 1] = tampered[second - 1], tampered[first - 1]
    assert_caught(check(bundle.with_events(tampered)), first, "out of order",
                  f"event {first} comes after event {second}")


@EXAMPLES
@given(log=signed_logs(), data=st.data())
def test_a_truncated_log_names_the_first_missing_event(
        log: tuple[list[dict[str, Any]], list[int]], data: st.DataObject) -> None:
    events, sizes = log
    kept = data.draw(st.integers(0, len(events) - 1), label="kept")
    bundle = build(events, sizes)
    result = check(bundle.with_events(bundle.events[:kept]))
    assert_caught(result, kept + 1, "truncated", f"covers {len(events)} events")
    assert result.events_checked == kept


# --- Subtler rewrites ------------------------------------------------------------------

def test_a_rehashed_edit_is_caught_by_the_next_link() -> None:
    bundle = build(make_events(20), [20])
    bundle.events[9]["details"] = {"rewritten": True}
    bundle.events[9]["hash"] = event_hash(bundle.events[9])
    assert_caught(check(bundle), 10, "event 11 does not link to event 10", "rewritten")


def test_a_rehashed_edit_at_a_checkpoint_is_pinned_down_by_the_chain() -> None:
    bundle = build(make_events(20), [5, 10, 20])
    bundle.events[9]["details"] = {"rewritten": True}
    bundle.events[9]["hash"] = event_hash(bundle.events[9])
    assert_caught(check(bundle), 10, "rewritten")


def test_a_rewritten_tail_is_bounded_by_the_signed_roots() -> None:
    events = make_events(20)
    bundle = build(events, [8, 20])
    rewritten = events[:12]
    for seq in range(13, 21):
        rewritten.append(forge(seq, rewritten[-1]["hash"]))
    result = check(bundle.with_events(rewritten))
    assert_caught(result, 9, "checkpoint for 20 events does not match",
                  "events 9 to 20 include a rewritten event")


def test_an_insertion_with_renumbering_names_the_inserted_event() -> None:
    bundle = build(make_events(12), [12])
    tampered = [*bundle.events[:4], forge(5, bundle.events[3]["hash"])]
    for event in bundle.events[4:]:
        moved = {**event, "seq": event["seq"] + 1}
        moved["hash"] = event_hash(moved)
        tampered.append(moved)
    assert_caught(check(bundle.with_events(tampered)), 5, "event 5 was inserted")


def test_a_copied_event_is_an_insertion() -> None:
    bundle = build(make_events(12), [12])
    tampered = [*bundle.events[:8], bundle.events[2], *bundle.events[8:]]
    assert_caught(check(bundle.with_events(tampered)), 9, "event 3 appears again")


def test_a_wrong_genesis_link_is_named() -> None:
    bundle = build(make_events(3), [3])
    bundle.events[0]["prev_hash"] = "1" * 64
    bundle.events[0]["hash"] = event_hash(bundle.events[0])
    assert_caught(check(bundle), 1, "genesis")


def test_an_uncheckpointed_tail_is_held_to_the_manifest_count(written: Path) -> None:
    lines = (written / "events.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (written / "events.jsonl").write_text("".join(lines[:-2]), encoding="utf-8")
    assert_caught(verify_bundle(written), 33, "the manifest lists 34 events")


# --- Checkpoints and keys --------------------------------------------------------------

@EXAMPLES
@given(log=signed_logs(), data=st.data())
def test_a_forged_signature_is_detected(log: tuple[list[dict[str, Any]], list[int]],
                                        data: st.DataObject) -> None:
    events, sizes = log
    bundle = build(events, sizes)
    which = data.draw(st.integers(0, len(sizes) - 1), label="checkpoint")
    bit = data.draw(st.integers(0, 64 * 8 - 1), label="bit")
    signature = bytearray(base64.b64decode(bundle.checkpoints[which]["signature"]))
    signature[bit // 8] ^= 1 << (bit % 8)
    bundle.checkpoints[which]["signature"] = base64.b64encode(signature).decode()
    result = check(bundle)
    assert not result.intact and result.first_bad_seq is None
    assert result.problem == (f"the checkpoint for {sizes[which]} events has an invalid "
                              "signature: it was forged or altered")


@pytest.mark.parametrize(("name", "value"), [("root_hash", "ab" * 32), ("tree_size", 6),
                                             ("at", "2030-01-01T00:00:00Z")])
def test_an_altered_checkpoint_no_longer_verifies(name: str, value: object) -> None:
    bundle = build(make_events(20), [7, 20])
    bundle.checkpoints[0][name] = value
    assert "invalid signature" in (check(bundle).problem or "")


def test_another_origin_does_not_verify() -> None:
    bundle = build(make_events(5), [5])
    bundle.manifest["origin"] = "someone-else/audit"
    assert "invalid signature" in (check(bundle).problem or "")


def test_a_checkpoint_signed_by_another_key_is_detected() -> None:
    events = make_events(20)
    bundle = build(events, [7, 20])
    bundle.checkpoints[1] = build(events, [20], key=OTHER_KEY).checkpoints[0]
    result = check(bundle)
    assert not result.intact
    assert "signed by another key" in (result.problem or "")


def test_another_key_posing_as_this_one_is_detected() -> None:
    events = make_events(20)
    bundle = build(events, [20])
    bundle.checkpoints[0] = {**build(events, [20], key=OTHER_KEY).checkpoints[0],
                             "key_id": raw_key_id(KEY)}
    assert "invalid signature" in (check(bundle).problem or "")


def test_a_bundle_re_signed_end_to_end_fails_only_the_pinned_key_id(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = build(make_events(20), [10, 20], key=OTHER_KEY).write(tmp_path / "bundle")
    assert verify_bundle(path).key_id == raw_key_id(OTHER_KEY)
    pinned = verify_bundle(path, raw_key_id(KEY))
    assert not pinned.intact and "not this instance's key" in (pinned.problem or "")
    assert main([str(path), "--key-id", raw_key_id(KEY)]) == 1
    assert main([str(path), "--key-id", raw_key_id(OTHER_KEY).upper()]) == 0
    capsys.readouterr()


def test_a_signed_root_the_events_do_not_match_is_detected() -> None:
    events = make_events(20)
    bundle = build(events, [10, 20])
    lie = build([forge(1, GENESIS_HASH), *events[1:]], [10, 20])
    bundle.checkpoints[0] = lie.checkpoints[0]
    result = check(bundle)
    assert_caught(result, 1, "checkpoint for 10 events does not match")


def test_a_bent_or_missing_consistency_proof_is_detected() -> None:
    bundle = build(make_events(20), [6, 13, 20])
    bent = copy.deepcopy(bundle)
    bent.proofs["consistency"][1]["proof"][0] = "00" * 32
    assert "inconsistent" in (check(bent).problem or "")
    bundle.proofs["consistency"].pop(0)
    assert check(bundle).problem == "proofs.json has no consistency proof from 6 to 13 events"


def test_a_bundle_without_checkpoints_vouches_for_nothing() -> None:
    bundle = build(make_events(5), [5])
    bundle.checkpoints = []
    assert "no signed checkpoint" in (check(bundle).problem or "")


# --- Partial bundles -------------------------------------------------------------------

def partial_bundle(count: int = 30, sizes: tuple[int, ...] = (9, 21, 30)) -> Bundle:
    """The events of one dataset, proven against the latest checkpoint."""
    events = make_events(count)
    exported = [e["seq"] for e in events if e["dataset_id"] == DATASETS[1]]
    return build(events, list(sizes), exported=exported)


def test_a_partial_bundle_is_proven_by_inclusion(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    bundle = partial_bundle()
    result = check(bundle)
    assert result.intact and not result.complete, result.problem
    assert (result.events_checked, result.checkpoints_checked) == (15, 3)
    assert main([str(bundle.write(tmp_path / "bundle"))]) == 0
    assert "cannot show that no event was left out" in capsys.readouterr().out


@EXAMPLES
@given(data=st.data())
def test_a_tampered_partial_bundle_is_named(data: st.DataObject) -> None:
    bundle = partial_bundle()
    index = data.draw(st.integers(0, len(bundle.events) - 1), label="event")
    seq = bundle.events[index]["seq"]
    kind = data.draw(st.sampled_from(["edit", "rehash", "proof", "no proof"]), label="kind")
    if kind in ("edit", "rehash"):
        bundle.events[index]["outcome"] = "denied"
    if kind == "rehash":
        bundle.events[index]["hash"] = event_hash(bundle.events[index])
    if kind == "proof":
        bundle.proofs["inclusion"][str(seq)][0] = "ff" * 32
    if kind == "no proof":
        del bundle.proofs["inclusion"][str(seq)]
    words = {"edit": "was altered", "rehash": "is not in the signed log",
             "proof": "is not in the signed log", "no proof": "no inclusion proof"}
    assert_caught(check(bundle), seq, words[kind])


def test_a_partial_bundle_must_not_go_past_the_latest_checkpoint() -> None:
    events = make_events(12)
    bundle = build(events, [10], exported=[2, 4])
    bundle.events.append(copy.deepcopy(events[11]))
    bundle.manifest["events"] = 3
    assert_caught(check(bundle), 12, "newer than the latest signed checkpoint")


def test_a_partial_bundle_checks_links_between_exported_neighbours() -> None:
    events = make_events(12)
    bundle = build(events, [12], exported=[3, 4, 9])
    bundle.events[1]["prev_hash"] = "2" * 64
    bundle.events[1]["hash"] = event_hash(bundle.events[1])
    assert_caught(check(bundle), 4, "does not link")


def test_a_partial_bundle_keeps_seq_order() -> None:
    bundle = partial_bundle()
    bundle.events[2], bundle.events[3] = bundle.events[3], bundle.events[2]
    assert_caught(check(bundle), bundle.events[3]["seq"], "out of order")


def test_a_partial_bundle_cannot_show_an_omission_beyond_its_count() -> None:
    bundle = partial_bundle()
    del bundle.events[4]
    assert_caught(check(bundle), 15, "the manifest lists 15 events but events.jsonl holds 14")
    assert check(bundle.with_events(bundle.events)).intact


# --- Unusable input --------------------------------------------------------------------

@pytest.mark.parametrize("name", bundle_verifier.BUNDLE_FILES)
def test_a_missing_file_is_unusable_input(written: Path, name: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    (written / name).unlink()
    with pytest.raises(BundleError, match=f"lacks {name}"):
        verify_bundle(written)
    assert main([str(written)]) == 2
    assert capsys.readouterr().err.startswith(f"CANNOT VERIFY {written}: the bundle lacks")
    assert main([str(written), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["intact"] is False


@pytest.mark.parametrize(("name", "content", "message"), [
    ("events.jsonl", b'{"seq": 1,\n', "line 1 of events.jsonl is not valid JSON"),
    ("events.jsonl", b"[1, 2]\n", "not a JSON object"),
    ("events.jsonl", b'{"seq": 1, "seq": 2}\n', "duplicate key"),
    ("events.jsonl", b'{"seq": 1}\n', "is not an audit event"),
    ("events.jsonl", b'{"x": NaN}\n', "not valid JSON"),
    ("events.jsonl", b"[" * 200_000 + b"\n", "not valid JSON"),
    ("events.jsonl", b"\xff\xfe\n", "not valid JSON"),
    ("checkpoints.jsonl", b'{"tree_size": -1}\n', "tree_size must be a non-negative integer"),
    ("manifest.json", b'{"format": "something/2"}', "does not describe an airlock-audit-bundle/1"),
    ("proofs.json", b'{"consistency": [], "inclusion": {"x": []}}', "must be an event seq"),
    ("public_key.pem", b"not a key", "not a PEM public key"),
])
def test_malformed_files_are_unusable_input(written: Path, name: str, content: bytes,
                                            message: str) -> None:
    (written / name).write_bytes(content)
    with pytest.raises(BundleError, match=re.escape(message)):
        verify_bundle(written)


def test_a_malformed_event_field_is_unusable_input() -> None:
    bundle = build(make_events(3), [3])
    bundle.events[1]["hash"] = "XYZ"
    with pytest.raises(BundleError, match="hash must be lowercase hex"):
        check(bundle)


def test_a_line_over_one_mebibyte_is_refused(written: Path) -> None:
    event = make_events(1)[0]
    event["details"] = {"padding": "x" * (1 << 20)}
    (written / "events.jsonl").write_text(json.dumps(event) + "\n", encoding="utf-8")
    with pytest.raises(BundleError, match=r"line 1 of events\.jsonl is longer than 1 MiB"):
        verify_bundle(written)


def test_a_key_that_is_not_ed25519_is_refused(written: Path) -> None:
    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    (written / "public_key.pem").write_bytes(other.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    with pytest.raises(BundleError, match="not an Ed25519 key"):
        verify_bundle(written)


def test_checkpoints_out_of_order_are_refused(written: Path) -> None:
    lines = (written / "checkpoints.jsonl").read_text(encoding="utf-8").splitlines()
    (written / "checkpoints.jsonl").write_text("\n".join(lines[::-1]) + "\n", encoding="utf-8")
    with pytest.raises(BundleError, match="out of tree-size order"):
        verify_bundle(written)


def test_a_note_field_with_a_newline_cannot_be_signed() -> None:
    with pytest.raises(ValueError, match="newline"):
        checkpoint_note("two\nlines", 1, "00" * 32, "2025-01-01T00:00:00Z")


# --- Streaming and standalone use ------------------------------------------------------

def test_the_events_are_streamed_not_loaded(tmp_path: Path) -> None:
    events = make_events(6_000)
    path = build(events, [1_500, 3_000, 6_000]).write(tmp_path / "bundle")
    size = (path / "events.jsonl").stat().st_size
    tracemalloc.start()
    try:
        result = verify_bundle(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.intact and result.events_checked == 6_000
    assert peak < size / 5, f"peak {peak} bytes for a {size}-byte events.jsonl"


MODULE_PROBE = """
import json, runpy, sys
sys.argv = sys.argv[1:]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit as done:
    sys.stderr.write(json.dumps({"exit": done.code, "modules": sorted(sys.modules)}))
"""


def test_the_copied_file_runs_alone_as_a_script(written: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    copied = Path(shutil.copy(VERIFIER, elsewhere / "bundle_verifier.py"))
    run = subprocess.run([sys.executable, "-I", str(copied), str(written), "--json"],
                         capture_output=True, text=True, cwd=elsewhere, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["intact"] is True

    probe = subprocess.run([sys.executable, "-I", "-c", MODULE_PROBE, str(copied),
                            str(written), "--json"],
                           capture_output=True, text=True, cwd=elsewhere, timeout=60, check=False)
    report = json.loads(probe.stderr)
    assert report["exit"] == 0 and json.loads(probe.stdout)["events_checked"] == 34
    foreign = [name for name in report["modules"]
               if name.split(".")[0] in {"sqlalchemy", "pydantic", "audit", "catalog",
                                         "cryptography", "airlock", "airlock_client"}]
    assert foreign == []


def test_the_script_reports_tampering_in_plain_words(written: Path) -> None:
    lines = (written / "events.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[6]
    (written / "events.jsonl").write_text("".join(lines), encoding="utf-8")
    run = subprocess.run([sys.executable, "-I", str(VERIFIER), str(written)],
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 1
    assert run.stdout.startswith("NOT INTACT: event 7 was deleted: event 8 follows event 6. "
                                 "The first bad event is seq 7. Verified before that: 6 events "
                                 "and 1 checkpoint.")


# --- Against an earlier bundle (--previous) ------------------------------------------------

def _rewritten(events: list[dict[str, Any]], seq: int) -> list[dict[str, Any]]:
    """Event `seq` replaced and every later link recomputed, as a database writer could."""
    changed = copy.deepcopy(events)
    changed[seq - 1] = forge(seq, changed[seq - 2]["hash"])
    for event in changed[seq:]:
        event["prev_hash"] = changed[event["seq"] - 2]["hash"]
        event["hash"] = event_hash(event)
    return changed


def _with_previous(bundle: Bundle, events: list[dict[str, Any]], size: int) -> Bundle:
    """The manifest quotes the previous export's checkpoint, with the proof from it."""
    tree = MerkleTree([leaf_hash(canonical_event_bytes(e)) for e in events])
    latest = bundle.checkpoints[-1]["tree_size"]
    return replace(bundle, manifest={**bundle.manifest, "previous": {
        "tree_size": size, "root_hash": tree.root(size).hex()}},
        proofs={**bundle.proofs, "previous": {
            "old_size": size, "new_size": latest,
            "proof": [h.hex() for h in tree.consistency_proof(size, latest)]}})


def _against(later: Bundle, earlier: Bundle, tmp_path: Path) -> BundleVerification:
    return verify_bundle(later.write(tmp_path / "later"), None,
                         earlier.write(tmp_path / "earlier"))


def test_a_log_that_grew_extends_the_earlier_bundle(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    events = make_events(34)
    earlier = build(events[:20], [5, 12])
    later = build(events, [5, 12, 30])
    result = _against(later, earlier, tmp_path)
    assert result.intact and result.previous_tree_size == 12, result.problem
    assert main([str(tmp_path / "later"), "--previous", str(tmp_path / "earlier")]) == 0
    assert "extends the earlier bundle's 12 events" in capsys.readouterr().out


def test_the_previous_exports_proof_stands_for_a_deleted_checkpoint(tmp_path: Path) -> None:
    events = make_events(34)
    later = _with_previous(build(events, [30]), events, 12)
    result = _against(later, build(events[:20], [5, 12]), tmp_path)
    assert result.intact and result.previous_tree_size == 12, result.problem


@pytest.mark.parametrize(("later", "words"), [
    (lambda e: build(e, [5, 30]), "missing (deleted)"),
    (lambda e: build(_rewritten(e, 8), [5, 12, 30]), "has another root"),
    (lambda e: build(e[:10], [5, 10]), "cut or rolled back"),
    (lambda e: _with_previous(build(_rewritten(e, 8), [30]), e, 12), "not consistent"),
])
def test_a_log_that_does_not_extend_the_earlier_bundle_is_refused(
        tmp_path: Path, later: Any, words: str) -> None:
    events = make_events(34)
    result = _against(later(events), build(events[:20], [5, 12]), tmp_path)
    assert not result.intact and words in (result.problem or ""), result.problem


def test_a_quoted_previous_checkpoint_must_be_consistent(tmp_path: Path) -> None:
    events = make_events(34)
    forged = _with_previous(build(_rewritten(events, 8), [30]), events, 12)
    result = verify_bundle(forged.write(tmp_path / "b"))
    assert not result.intact and "previous export" in (result.problem or "")
