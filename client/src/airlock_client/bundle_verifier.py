#!/usr/bin/env python3
"""Offline verifier for an exported Airlock audit bundle.

This one file is all a compliance officer needs: it imports only the Python standard
library (3.9+) and PyNaCl (libsodium's Ed25519), so it can be copied anywhere and run as

    python bundle_verifier.py BUNDLE_DIR [--json] [--key-id KEY_ID] [--previous EARLIER]

It ships in the light client (`airlock-client audit verify` runs it) and the server imports
its hashing, canonical JSON and key handling, so writer and verifier share one definition.

Exit status: 0 the bundle is intact, 1 it is not (tampering found), 2 it cannot be
verified (missing files, bad JSON, malformed records, lines over 1 MiB).
`--key-id` pins the instance's published key id, so a bundle re-signed end to end with
another key (and shipped with that key) is refused; without it the key id is printed
for the reader to compare. `--previous` names an earlier bundle of the same instance,
kept from an earlier audit: this bundle must prove the log it signed then is a prefix of
the log now (RFC 6962 consistency, as a Certificate Transparency monitor checks a log), so
a log cut short, rolled back or rewritten since then is refused, its checkpoints deleted
or not.

Bundle format "airlock-audit-bundle/1" (a directory):

- ``manifest.json``: {"format": "airlock-audit-bundle/1", "origin": str (the instance's
  log name), "created_at": ISO-8601 UTC str, "complete": bool (true = every event from
  seq 1 up to the latest checkpoint's tree size or beyond is included), "filters":
  object (informational), "events": int (lines in events.jsonl), "previous": null or
  {"tree_size": int, "root_hash": 64 hex} (the latest checkpoint of the export before this
  one; optional)}.
- ``public_key.pem``: the instance's Ed25519 public key, SubjectPublicKeyInfo PEM: one
  "PUBLIC KEY" block whose DER is exactly ``30 2a 30 05 06 03 2b 65 70 03 21 00`` and the
  32 raw key bytes (RFC 8410); anything else is refused.
- ``events.jsonl``: one JSON object per line, sorted by seq, with exactly the keys
  seq (int, from 1), at, actor, role, tenant_id (str|null), action, dataset_id
  (str|null), object_ids (object), outcome, details (object), prev_hash (64 hex),
  hash (64 hex).
- ``checkpoints.jsonl``: one JSON object per line, sorted by tree_size:
  {"tree_size": int, "root_hash": 64 hex, "at": ISO str, "key_id": 16 hex,
  "signature": base64 Ed25519 signature of the checkpoint note}.
- ``retired_keys.jsonl`` (optional, after a signing key rotation): one JSON object per
  line, {"key_id": 16 hex, "origin": str, "public_key": PEM as for public_key.pem}: a key
  the instance signed with before, and its log name then. A checkpoint naming it is checked
  with it.
- ``proofs.json``: {"consistency": [{"old_size": int, "new_size": int, "proof": [hex,
  ...]}, ...] (between each pair of consecutive checkpoints), "inclusion": {"<seq>":
  [hex, ...], ...} (partial bundles: each event's proof against the latest checkpoint),
  "previous": null or {"old_size": int, "new_size": int, "proof": [hex, ...]} (from the
  manifest's previous checkpoint to the latest; optional)}.

Definitions:

- Canonical bytes of an event: `canonical_json` of the event without "hash", that is
  ``json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
  allow_nan=False).encode()``.
  hash == sha256(canonical).hexdigest(); event 1's prev_hash is "0" * 64 and event k's
  prev_hash is event k-1's hash.
- The Merkle tree is RFC 6962's (RFC 9162 section 2.1): the leaf of event seq is
  ``SHA-256(0x00 || canonical)`` at index seq - 1, an interior node is
  ``SHA-256(0x01 || left || right)`` and the empty tree's root is SHA-256("").
- A checkpoint signs the note ``"airlock audit checkpoint v1\\n{origin}\\n{tree_size}\\n"
  "{root_hash}\\n{at}\\n"`` (UTF-8); its key_id is the first 16 hex digits of SHA-256 of
  the raw 32-byte public key.

Checks, stopping at the first failure: every checkpoint names this key (or a retired one
the bundle lists) and its signature verifies. A complete bundle then streams the events
(never loading the file whole): seqs run 1, 2, 3... (a gap is a deletion, or a
reordering when the missing seq turns up later; a repeated seq is an insertion), each
hash recomputes (else the event was altered), each prev_hash links, and the Merkle root
of the first tree_size events equals each checkpoint's root; then the consistency proofs
between consecutive checkpoints verify and the log is no shorter than the latest
checkpoint (else it was truncated). A partial bundle checks the consistency proofs, then
each event's hash, its link to an exported predecessor, and its inclusion proof against
the latest checkpoint; it cannot show that no event was left out. Both end by comparing
the event count with the manifest's. Then a "previous" checkpoint in the manifest must
be consistent with the latest one, and with `--previous`, the earlier bundle's latest
checkpoint (signed by the same key, or one this bundle lists as retired) must be one of
this bundle's checkpoints with the same root, or the manifest's "previous" (proven
consistent). Events after the latest checkpoint are protected by the hash chain only.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import re
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Optional, TypeVar

from nacl.exceptions import CryptoError
from nacl.signing import VerifyKey

FORMAT = "airlock-audit-bundle/1"
GENESIS_HASH = "0" * 64
HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
NOTE_HEADER = "airlock audit checkpoint v1"

MAX_LINE_BYTES = 1 << 20
MAX_SMALL_FILE_BYTES = 1 << 20
MAX_PROOFS_BYTES = 128 << 20
READ_CHUNK_BYTES = 1 << 16
MAX_CHECKPOINTS = 100_000
MAX_PROOF_HASHES = 128
RECENT_LINKS = 1024

EXIT_INTACT, EXIT_TAMPERED, EXIT_UNUSABLE = 0, 1, 2

EVENT_KEYS = frozenset({"seq", "at", "actor", "role", "tenant_id", "action", "dataset_id",
                        "object_ids", "outcome", "details", "prev_hash", "hash"})
RETIRED_KEYS = "retired_keys.jsonl"
BUNDLE_FILES = ("manifest.json", "public_key.pem", "events.jsonl", "checkpoints.jsonl",
                "proofs.json")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX16 = re.compile(r"[0-9a-f]{16}")
_SEQ_KEY = re.compile(r"[1-9][0-9]{0,18}")

ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")
"""SubjectPublicKeyInfo DER of an Ed25519 key (RFC 8410), up to the 32 raw key bytes."""
ED25519_KEY_SIZE = 32
PEM_BEGIN, PEM_END = "-----BEGIN PUBLIC KEY-----", "-----END PUBLIC KEY-----"
MAX_PEM_CHARS = 4096
_PEM_LINE = re.compile(r"[A-Za-z0-9+/=]{1,64}")
_T = TypeVar("_T")


class BundleError(ValueError):
    """The bundle cannot be verified at all: a file is missing, unreadable or malformed."""


# --- RFC 6962 hashing ------------------------------------------------------------------

def leaf_hash(data: bytes) -> bytes:
    """The 0x00 prefix keeps a leaf from ever passing for an interior node (RFC 6962 2.1)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """An interior node, prefixed 0x01 so it can never collide with a leaf."""
    return hashlib.sha256(b"\x01" + left + right).digest()


class RootBuilder:
    """The root of a growing tree fed one leaf hash at a time, in O(log n) memory.

    The leaves so far split into perfect subtrees, one per set bit of the size, largest
    first; only their roots ("peaks") are kept, merged like carries in a binary counter.
    This is what lets a million-event log be verified while streaming it.
    """

    def __init__(self) -> None:
        self._peaks: list[bytes] = []
        self._size = 0

    @classmethod
    def from_frontier(cls, size: int, frontier: Sequence[bytes]) -> RootBuilder:
        """Resume from a stored `frontier()`, so a new checkpoint hashes only the new leaves."""
        if size < 0 or len(frontier) != bin(size).count("1"):
            raise ValueError("a frontier holds one hash per set bit of the tree size")
        if any(len(peak) != HASH_SIZE for peak in frontier):
            raise ValueError("frontier hashes are 32 bytes")
        builder = cls()
        builder._peaks, builder._size = list(frontier), size
        return builder

    @property
    def size(self) -> int:
        return self._size

    def frontier(self) -> list[bytes]:
        """The perfect-subtree roots, largest first: all the state a resumed builder needs."""
        return list(self._peaks)

    def add(self, leaf: bytes) -> None:
        if len(leaf) != HASH_SIZE:
            raise ValueError("a leaf hash is 32 bytes")
        node, carry = leaf, self._size
        while carry & 1:
            node = node_hash(self._peaks.pop(), node)
            carry >>= 1
        self._peaks.append(node)
        self._size += 1

    def root(self) -> bytes:
        """Fold the peaks right to left, as RFC 6962's split at the largest power of two does."""
        if not self._peaks:
            return EMPTY_ROOT
        node = self._peaks[-1]
        for peak in reversed(self._peaks[:-1]):
            node = node_hash(peak, node)
        return node


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes],
                     root: bytes) -> bool:
    """RFC 9162 2.1.3.2: is `leaf` (a leaf hash) at `index` of the tree with this root?

    The (size, root) pair must come from one tree head, as a signed checkpoint gives it.
    """
    if not 0 <= index < size or len(proof) > MAX_PROOF_HASHES:
        return False
    fn, sn, node = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            node = node_hash(node, sibling)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and hmac.compare_digest(node, root)


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """RFC 9162 2.1.4.2: is the tree of `old_size` leaves a prefix of the `new_size` one?"""
    if not 0 <= old_size <= new_size or len(proof) > MAX_PROOF_HASHES:
        return False
    if old_size == 0:
        return not proof and hmac.compare_digest(old_root, EMPTY_ROOT)
    if old_size == new_size:
        return not proof and hmac.compare_digest(old_root, new_root)
    if not proof:
        return False
    path = [old_root, *proof] if old_size & (old_size - 1) == 0 else list(proof)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    old_node = new_node = path[0]
    for sibling in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            old_node, new_node = node_hash(sibling, old_node), node_hash(sibling, new_node)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            new_node = node_hash(new_node, sibling)
        fn, sn = fn >> 1, sn >> 1
    return (sn == 0 and hmac.compare_digest(old_node, old_root)
            and hmac.compare_digest(new_node, new_root))


def _pairwise(items: Sequence[_T]) -> Iterator[tuple[_T, _T]]:
    """itertools.pairwise, which Python 3.9 lacks."""
    return zip(items, items[1:])


# --- Canonical JSON and keys -----------------------------------------------------------

def canonical_json(body: Any) -> bytes:
    """The canonical JSON Airlock hashes and signs (audit events, certificates, receipts):
    the one definition, which the console's script rebuilds byte for byte.

    UTF-8 of ``json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    allow_nan=False)``: keys sorted by code point, no whitespace, non-ASCII as itself, only
    ``"``, ``\\`` and control characters escaped, integers in full. ValueError for NaN or
    infinity, and for a lone surrogate (which UTF-8 cannot carry)."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode()


def key_id(raw_public_key: bytes) -> str:
    """A short fingerprint of a signing key (the first 16 hex digits of the SHA-256 of its
    32 raw bytes), printed so it can be compared out of band."""
    return hashlib.sha256(raw_public_key).hexdigest()[:16]


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key, by its 32 raw bytes."""

    raw: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.raw, bytes) or len(self.raw) != ED25519_KEY_SIZE:
            raise ValueError("an Ed25519 public key is 32 bytes")

    @property
    def key_id(self) -> str:
        return key_id(self.raw)

    def verifies(self, signature: bytes, message: bytes) -> bool:
        """Whether this key signed `message` (libsodium's check, which also refuses
        non-canonical signatures and small-order keys)."""
        try:
            VerifyKey(self.raw).verify(message, signature)
        except (CryptoError, ValueError, TypeError):
            return False
        return True


def pem_der(text: str) -> bytes:
    """The DER inside one PEM "PUBLIC KEY" block (RFC 7468's strict form: nothing around the
    block but whitespace, base64 lines of at most 64 characters); ValueError otherwise."""
    lines = text.strip().splitlines() if len(text) <= MAX_PEM_CHARS else []
    if len(lines) < 3 or lines[0] != PEM_BEGIN or lines[-1] != PEM_END:
        raise ValueError("not a PEM public key")
    body = [line.rstrip() for line in lines[1:-1]]
    if not all(_PEM_LINE.fullmatch(line) for line in body):
        raise ValueError("not a PEM public key")
    try:
        return base64.b64decode("".join(body), validate=True)
    except ValueError:
        raise ValueError("not a PEM public key") from None


def ed25519_from_der(der: bytes) -> PublicKey:
    """The key in a SubjectPublicKeyInfo DER, which must be Ed25519's fixed 44 bytes."""
    if len(der) != len(ED25519_SPKI_PREFIX) + ED25519_KEY_SIZE or \
            not der.startswith(ED25519_SPKI_PREFIX):
        raise ValueError("not an Ed25519 key")
    return PublicKey(der[len(ED25519_SPKI_PREFIX):])


def public_key_from_pem(text: str) -> PublicKey:
    """An Ed25519 public key from its SubjectPublicKeyInfo PEM; ValueError for anything else."""
    return ed25519_from_der(pem_der(text))


def public_key_pem(key: PublicKey) -> str:
    """The key as SubjectPublicKeyInfo PEM, as the instance publishes it."""
    encoded = base64.b64encode(ED25519_SPKI_PREFIX + key.raw).decode()
    return f"{PEM_BEGIN}\n{encoded}\n{PEM_END}\n"


# --- Events and checkpoints ------------------------------------------------------------

def canonical_event_bytes(event: Mapping[str, Any]) -> bytes:
    """The event without "hash", canonical: the same bytes on every machine."""
    return canonical_json({key: value for key, value in event.items() if key != "hash"})


def event_hash(event: Mapping[str, Any]) -> str:
    """The chain hash stored in an event's "hash" field."""
    return hashlib.sha256(canonical_event_bytes(event)).hexdigest()


def checkpoint_note(origin: str, tree_size: int, root_hash: str, at: str) -> bytes:
    """The bytes a checkpoint signs; a newline inside a field would make the note ambiguous."""
    if "\n" in origin or "\n" in at:
        raise ValueError("origin and at must not contain a newline")
    if tree_size < 0 or not _HEX64.fullmatch(root_hash):
        raise ValueError("tree_size must be >= 0 and root_hash 64 lowercase hex digits")
    return f"{NOTE_HEADER}\n{origin}\n{tree_size}\n{root_hash}\n{at}\n".encode()


@dataclass(frozen=True)
class Checkpoint:
    """One signed tree head of the audit log."""

    tree_size: int
    root_hash: str
    at: str
    key_id: str
    signature: bytes

    @property
    def root(self) -> bytes:
        return bytes.fromhex(self.root_hash)


def verify_checkpoint(public_key: PublicKey, origin: str, checkpoint: Checkpoint) -> bool:
    """Whether `public_key` signed this checkpoint's note for this log."""
    note = checkpoint_note(origin, checkpoint.tree_size, checkpoint.root_hash, checkpoint.at)
    return public_key.verifies(checkpoint.signature, note)


# --- Reading a bundle ------------------------------------------------------------------

@dataclass(frozen=True)
class TreeHead:
    """A tree size and its root, as a manifest quotes the previous export's checkpoint."""

    tree_size: int
    root_hash: str


@dataclass(frozen=True)
class Manifest:
    origin: str
    created_at: str
    complete: bool
    events: int
    previous: TreeHead | None = None


@dataclass(frozen=True)
class _Event:
    seq: int
    hash: str
    prev_hash: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class _Bundle:
    root: Path
    manifest: Manifest
    public_key: PublicKey
    checkpoints: list[Checkpoint]
    consistency: dict[tuple[int, int], list[bytes]]
    inclusion: dict[int, list[bytes]]
    previous_proof: tuple[int, int, list[bytes]] | None = None
    retired: dict[str, tuple[str, PublicKey]] = field(default_factory=dict)
    """Key id -> (origin, key) of the keys the instance signed with before a rotation."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Refuse duplicate keys: another JSON reader could show the value this one drops."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse_object(raw: bytes, where: str) -> dict[str, Any]:
    try:
        value = json.loads(raw.decode("utf-8"), object_pairs_hook=_unique_keys,
                           parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BundleError(f"{where} is not valid JSON ({exc})") from exc
    if not isinstance(value, dict):
        raise BundleError(f"{where} is not a JSON object")
    return value


def _read_bounded(path: Path, limit: int) -> bytes:
    """The whole file, in chunks so that a generous limit is not allocated up front."""
    chunks: list[bytes] = []
    total = 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(READ_CHUNK_BYTES):
                total += len(chunk)
                if total > limit:
                    raise BundleError(f"{path.name} is larger than {limit} bytes")
                chunks.append(chunk)
    except OSError as exc:
        raise BundleError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    return b"".join(chunks)


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """One object per line, read line by line so a huge file is never held in memory."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise BundleError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    with handle:
        for number, line in enumerate(iter(lambda: handle.readline(MAX_LINE_BYTES + 1), b""),
                                      start=1):
            content = line.removesuffix(b"\n")
            if len(content) > MAX_LINE_BYTES:
                raise BundleError(f"line {number} of {path.name} is longer than 1 MiB")
            yield number, _parse_object(content, f"line {number} of {path.name}")


def _count(value: Any, where: str, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BundleError(f"{where}: {name} must be a non-negative integer")
    return value


def _hex(value: Any, pattern: re.Pattern[str], where: str, name: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise BundleError(f"{where}: {name} must be lowercase hex")
    return value


def _line_text(value: Any, where: str, name: str) -> str:
    if not isinstance(value, str) or "\n" in value:
        raise BundleError(f"{where}: {name} must be a string without newlines")
    return value


def _hashes(value: Any, where: str) -> list[bytes]:
    if not isinstance(value, list) or len(value) > MAX_PROOF_HASHES:
        raise BundleError(f"{where}: a proof is a list of at most {MAX_PROOF_HASHES} hashes")
    return [bytes.fromhex(_hex(item, _HEX64, where, "each proof hash")) for item in value]


def _load_manifest(root: Path) -> Manifest:
    data = _parse_object(_read_bounded(root / "manifest.json", MAX_SMALL_FILE_BYTES),
                         "manifest.json")
    if data.get("format") != FORMAT:
        raise BundleError(f"manifest.json does not describe an {FORMAT} bundle")
    complete, filters = data.get("complete"), data.get("filters")
    if not isinstance(complete, bool) or not isinstance(filters, dict):
        raise BundleError("manifest.json: complete must be a boolean and filters an object")
    return Manifest(origin=_line_text(data.get("origin"), "manifest.json", "origin"),
                    created_at=_line_text(data.get("created_at"), "manifest.json", "created_at"),
                    complete=complete, events=_count(data.get("events"), "manifest.json", "events"),
                    previous=_tree_head(data.get("previous"), "manifest.json: previous"))


def _tree_head(value: Any, where: str) -> TreeHead | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BundleError(f"{where} must be an object or null")
    return TreeHead(tree_size=_count(value.get("tree_size"), where, "tree_size"),
                    root_hash=_hex(value.get("root_hash"), _HEX64, where, "root_hash"))


def _load_public_key(root: Path) -> PublicKey:
    pem = _read_bounded(root / "public_key.pem", MAX_SMALL_FILE_BYTES)
    try:
        return public_key_from_pem(pem.decode("ascii"))
    except UnicodeDecodeError:
        raise BundleError("public_key.pem is not a PEM public key") from None
    except ValueError as exc:
        raise BundleError(f"public_key.pem is {exc}") from None


def _load_retired_keys(root: Path) -> dict[str, tuple[str, PublicKey]]:
    path = root / RETIRED_KEYS
    if not path.is_file():
        return {}
    retired: dict[str, tuple[str, PublicKey]] = {}
    for number, data in _read_jsonl(path):
        where = f"line {number} of {RETIRED_KEYS}"
        claimed = _hex(data.get("key_id"), _HEX16, where, "key_id")
        origin, pem = data.get("origin"), data.get("public_key")
        if not isinstance(origin, str) or not isinstance(pem, str):
            raise BundleError(f"{where}: origin and public_key must be strings")
        try:
            key = public_key_from_pem(pem)
        except ValueError as exc:
            raise BundleError(f"{where}: public_key is {exc}") from None
        if key.key_id != claimed:
            raise BundleError(f"{where}: the key's id is {key.key_id}, not {claimed}")
        retired[claimed] = (origin, key)
    return retired


def _base64(value: Any, where: str, name: str) -> bytes:
    try:
        return base64.b64decode(value if isinstance(value, str) else "?", validate=True)
    except ValueError as exc:
        raise BundleError(f"{where}: {name} must be base64") from exc


def _checkpoint_from(data: dict[str, Any], where: str) -> Checkpoint:
    return Checkpoint(tree_size=_count(data.get("tree_size"), where, "tree_size"),
                      root_hash=_hex(data.get("root_hash"), _HEX64, where, "root_hash"),
                      at=_line_text(data.get("at"), where, "at"),
                      key_id=_hex(data.get("key_id"), _HEX16, where, "key_id"),
                      signature=_base64(data.get("signature"), where, "signature"))


def _load_checkpoints(root: Path) -> list[Checkpoint]:
    checkpoints: list[Checkpoint] = []
    for number, data in _read_jsonl(root / "checkpoints.jsonl"):
        if number > MAX_CHECKPOINTS:
            raise BundleError(f"checkpoints.jsonl holds more than {MAX_CHECKPOINTS} checkpoints")
        checkpoint = _checkpoint_from(data, f"line {number} of checkpoints.jsonl")
        if checkpoints and checkpoint.tree_size < checkpoints[-1].tree_size:
            raise BundleError(f"line {number} of checkpoints.jsonl is out of tree-size order")
        checkpoints.append(checkpoint)
    return checkpoints


# Evaluated at run time: Python 3.9 has no "X | None" there.
_Proofs = tuple[dict[tuple[int, int], list[bytes]], dict[int, list[bytes]],
                Optional[tuple[int, int, list[bytes]]]]


def _load_proofs(root: Path) -> _Proofs:
    data = _parse_object(_read_bounded(root / "proofs.json", MAX_PROOFS_BYTES), "proofs.json")
    listed, by_seq = data.get("consistency"), data.get("inclusion")
    if not isinstance(listed, list) or not isinstance(by_seq, dict):
        raise BundleError('proofs.json must hold a "consistency" list and an "inclusion" object')
    consistency: dict[tuple[int, int], list[bytes]] = {}
    for number, entry in enumerate(listed, start=1):
        where = f"consistency proof {number} of proofs.json"
        if not isinstance(entry, dict):
            raise BundleError(f"{where} is not an object")
        sizes = (_count(entry.get("old_size"), where, "old_size"),
                 _count(entry.get("new_size"), where, "new_size"))
        consistency[sizes] = _hashes(entry.get("proof"), where)
    inclusion: dict[int, list[bytes]] = {}
    for key, proof in by_seq.items():
        where = f"inclusion proof {key!r} of proofs.json"
        if not _SEQ_KEY.fullmatch(key):
            raise BundleError(f"{where}: the key must be an event seq")
        inclusion[int(key)] = _hashes(proof, where)
    return consistency, inclusion, _previous_proof(data.get("previous"))


def _previous_proof(value: Any) -> tuple[int, int, list[bytes]] | None:
    where = "the previous proof of proofs.json"
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BundleError(f"{where} must be an object or null")
    return (_count(value.get("old_size"), where, "old_size"),
            _count(value.get("new_size"), where, "new_size"), _hashes(value.get("proof"), where))


def _load_bundle(root: Path) -> _Bundle:
    """Everything but the events, which are streamed while checking."""
    if not root.is_dir():
        raise BundleError(f"{root} is not a directory")
    missing = [name for name in BUNDLE_FILES if not (root / name).is_file()]
    if missing:
        raise BundleError(f"the bundle lacks {', '.join(missing)}")
    consistency, inclusion, previous_proof = _load_proofs(root)
    return _Bundle(root=root, manifest=_load_manifest(root), public_key=_load_public_key(root),
                   checkpoints=_load_checkpoints(root), consistency=consistency,
                   inclusion=inclusion, previous_proof=previous_proof,
                   retired=_load_retired_keys(root))


def _event_from(data: dict[str, Any], where: str) -> _Event:
    keys = data.keys()
    if keys != EVENT_KEYS:
        missing, extra = sorted(EVENT_KEYS - keys), sorted(keys - EVENT_KEYS)
        raise BundleError(f"{where} is not an audit event (missing {missing}, unexpected {extra})")
    seq = data["seq"]
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise BundleError(f"{where}: seq must be a positive integer")
    return _Event(seq=seq, hash=_hex(data["hash"], _HEX64, where, "hash"),
                  prev_hash=_hex(data["prev_hash"], _HEX64, where, "prev_hash"), fields=data)


def _read_events(root: Path) -> Generator[_Event, None, None]:
    for number, data in _read_jsonl(root / "events.jsonl"):
        yield _event_from(data, f"line {number} of events.jsonl")


# --- Checking a bundle -----------------------------------------------------------------

@dataclass(frozen=True)
class BundleVerification:
    """The verdict; `first_bad_seq` is the first seq at which the log differs from the
    instance's, when the problem can be pinned to one (not for checkpoint problems)."""

    intact: bool
    events_checked: int
    checkpoints_checked: int
    first_bad_seq: int | None = None
    problem: str | None = None
    complete: bool = True
    key_id: str | None = None
    signed_tree_size: int = 0
    previous_tree_size: int | None = None
    """The earlier bundle's (`--previous`) latest checkpoint, proven a prefix of this log."""
    retired_key_ids: tuple[str, ...] = ()
    """Keys the instance signed with before a signing key rotation (listed in the bundle)."""


class _Failure(NamedTuple):
    """What is wrong; when `through` is set, the first bad event lies in seq..through."""

    problem: str
    seq: int | None = None
    through: int | None = None


@dataclass
class _Tally:
    events: int = 0
    checkpoints: int = 0
    confirmed_size: int = 0


def _span(first: int, last: int, one: str, many: str) -> str:
    """ "event 5 is" or "events 5 to 7 are": messages read as sentences."""
    return f"event {first} {one}" if first == last else f"events {first} to {last} {many}"


def _recomputed_leaf(event: _Event) -> bytes | None:
    """The event's Merkle leaf, or None when its content no longer matches its hash."""
    try:
        canonical = canonical_event_bytes(event.fields)
    except ValueError:
        return None
    digest = hashlib.sha256(canonical).hexdigest()
    return leaf_hash(canonical) if hmac.compare_digest(digest, event.hash) else None


def _appears_later(rest: Iterator[_Event], wanted: Callable[[_Event], bool]) -> bool:
    """Read on past a break to tell a moved event from a lost one; bad lines end the search."""
    try:
        return any(wanted(event) for event in rest)
    except BundleError:
        return False


def _altered(seq: int) -> _Failure:
    return _Failure(f"event {seq} was altered: its content no longer matches its hash", seq)


def _check_signatures(bundle: _Bundle, expected_key_id: str | None) -> _Failure | None:
    own = bundle.public_key.key_id
    if expected_key_id is not None and not hmac.compare_digest(own, expected_key_id.lower()):
        return _Failure(f"the bundle's public key has key id {own}, not the expected "
                        f"{expected_key_id.lower()}: it is not this instance's key")
    if not bundle.checkpoints:
        return _Failure("the bundle has no signed checkpoint, so nothing in it is vouched for "
                        "by the instance's key")
    for checkpoint in bundle.checkpoints:
        name = f"the checkpoint for {checkpoint.tree_size} events"
        if hmac.compare_digest(checkpoint.key_id, own):
            origin, key = bundle.manifest.origin, bundle.public_key
        elif checkpoint.key_id in bundle.retired:
            origin, key = bundle.retired[checkpoint.key_id]
        else:
            return _Failure(f"{name} names key {checkpoint.key_id}, not the bundle's key {own}: "
                            "it was signed by another key")
        if not verify_checkpoint(key, origin, checkpoint):
            return _Failure(f"{name} has an invalid signature: it was forged or altered")
    return None


def _out_of_sequence(seq: int, expected: int, rest: Iterator[_Event]) -> _Failure:
    if seq > expected:
        if _appears_later(rest, lambda event: event.seq == expected):
            return _Failure(f"events are out of order: event {expected} comes after event {seq}",
                            expected)
        after = f"event {expected - 1}" if expected > 1 else "the start of the log"
        return _Failure(f"{_span(expected, seq - 1, 'was', 'were')} deleted: event {seq} "
                        f"follows {after}", expected)
    if seq == expected - 1:
        return _Failure(f"two events claim seq {seq}: one of them was inserted", seq)
    return _Failure(f"event {seq} appears again after event {expected - 1}: a copy was inserted",
                    expected)


def _broken_link(event: _Event, recent: deque[tuple[int, str]],
                 rest: Iterator[_Event]) -> _Failure:
    """Name the break as precisely as the hashes allow: what does prev_hash point at?"""
    seq = event.seq
    if seq == 1:
        return _Failure("event 1 does not start the chain: its prev_hash is not the genesis "
                        "hash", 1)
    for earlier, digest in recent:
        if earlier < seq - 1 and hmac.compare_digest(digest, event.prev_hash):
            return _Failure(f"{_span(earlier + 1, seq - 1, 'was', 'were')} inserted: event "
                            f"{seq} links to event {earlier}", earlier + 1)
    if _appears_later(rest, lambda later: hmac.compare_digest(later.hash, event.prev_hash)):
        return _Failure(f"events are out of order: event {seq} links to an event that comes "
                        "later in the log", seq)
    return _Failure(f"event {seq} does not link to event {seq - 1}: event {seq - 1} was "
                    "rewritten, or an event between them was deleted", seq - 1)


def _confirm_roots(builder: RootBuilder, pending: deque[Checkpoint],
                   tally: _Tally) -> _Failure | None:
    """Compare the events so far with every checkpoint of exactly this many events."""
    while pending and pending[0].tree_size == builder.size:
        checkpoint = pending.popleft()
        if not hmac.compare_digest(builder.root(), checkpoint.root):
            if not checkpoint.tree_size:
                return _Failure("the signed checkpoint for 0 events does not hold the empty "
                                "tree's root")
            first = tally.confirmed_size + 1
            rewritten = _span(first, checkpoint.tree_size, "was rewritten",
                              "include a rewritten event")
            return _Failure(f"the signed checkpoint for {checkpoint.tree_size} events does not "
                            f"match the log: {rewritten}", first, checkpoint.tree_size)
        tally.checkpoints += 1
        tally.confirmed_size = checkpoint.tree_size
    return None


class _Chain:
    """The hash chain read so far, and so what the next event must be."""

    def __init__(self) -> None:
        self.next_seq = 1
        self.previous_hash = GENESIS_HASH
        self.recent: deque[tuple[int, str]] = deque(maxlen=RECENT_LINKS)

    def accept(self, event: _Event, rest: Iterator[_Event]) -> bytes | _Failure:
        """The event's Merkle leaf when it extends the chain, else what is wrong."""
        if event.seq != self.next_seq:
            return _out_of_sequence(event.seq, self.next_seq, rest)
        leaf = _recomputed_leaf(event)
        if leaf is None:
            return _altered(event.seq)
        if not hmac.compare_digest(event.prev_hash, self.previous_hash):
            return _broken_link(event, self.recent, rest)
        self.next_seq += 1
        self.previous_hash = event.hash
        self.recent.append((event.seq, event.hash))
        return leaf


def _sharper(chain_failure: _Failure, mismatch: _Failure | None) -> _Failure:
    """A root mismatch only bounds the first bad event; a chain break inside it names it."""
    if mismatch is None:
        return chain_failure
    low, high, seq = mismatch.seq, mismatch.through, chain_failure.seq
    if low is not None and high is not None and seq is not None and low <= seq <= high:
        return chain_failure
    return mismatch


def _check_chain(bundle: _Bundle, tally: _Tally) -> _Failure | None:
    """Stream every event: sequence, content hash, link, and the signed roots on the way."""
    failure = _walk_chain(bundle, tally)
    if failure and failure.seq is not None:
        tally.events = min(tally.events, failure.seq - 1)
    return failure


def _walk_chain(bundle: _Bundle, tally: _Tally) -> _Failure | None:
    """After a root mismatch the chain is still followed, only to pin the bad event down."""
    chain, builder, pending = _Chain(), RootBuilder(), deque(bundle.checkpoints)
    mismatch = _confirm_roots(builder, pending, tally)
    if mismatch:
        return mismatch
    with closing(_read_events(bundle.root)) as events:
        for event in events:
            leaf = chain.accept(event, events)
            if isinstance(leaf, _Failure):
                return _sharper(leaf, mismatch)
            if mismatch is None:
                builder.add(leaf)
                tally.events += 1
                mismatch = _confirm_roots(builder, pending, tally)
    return mismatch


def _check_consistency(bundle: _Bundle) -> _Failure | None:
    for old, new in _pairwise(bundle.checkpoints):
        sizes = (old.tree_size, new.tree_size)
        trivial = old.tree_size in (0, new.tree_size)
        proof = bundle.consistency.get(sizes, [] if trivial else None)
        if proof is None:
            return _Failure(f"proofs.json has no consistency proof from {sizes[0]} to "
                            f"{sizes[1]} events")
        if not verify_consistency(*sizes, old.root, new.root, proof):
            return _Failure(f"the signed checkpoints for {sizes[0]} and {sizes[1]} events are "
                            "inconsistent: their consistency proof does not verify")
    return None


def _check_truncation(bundle: _Bundle, tally: _Tally) -> _Failure | None:
    signed = bundle.checkpoints[-1].tree_size
    if tally.events >= signed:
        return None
    ends = f"it ends at event {tally.events}" if tally.events else "it holds no events"
    return _Failure(f"the log was truncated: {ends} but the latest signed checkpoint covers "
                    f"{signed} events ({_span(tally.events + 1, signed, 'is', 'are')} missing)",
                    tally.events + 1)


def _check_count(bundle: _Bundle, tally: _Tally) -> _Failure | None:
    listed = bundle.manifest.events
    if listed == tally.events:
        return None
    return _Failure(f"the manifest lists {listed} events but events.jsonl holds {tally.events}",
                    min(listed, tally.events) + 1)


def _verify_complete(bundle: _Bundle, tally: _Tally) -> _Failure | None:
    return (_check_chain(bundle, tally) or _check_consistency(bundle)
            or _check_truncation(bundle, tally) or _check_count(bundle, tally))


def _links_to(previous: _Event | None, event: _Event) -> bool:
    """A partial bundle can check a link only where both ends were exported."""
    if event.seq == 1:
        return hmac.compare_digest(event.prev_hash, GENESIS_HASH)
    if previous is None or previous.seq != event.seq - 1:
        return True
    return hmac.compare_digest(event.prev_hash, previous.hash)


def _proven_event_failure(bundle: _Bundle, previous: _Event | None,
                          event: _Event) -> _Failure | None:
    seq, latest = event.seq, bundle.checkpoints[-1]
    if previous is not None and seq <= previous.seq:
        return _Failure(f"events are out of order or repeated: event {seq} follows event "
                        f"{previous.seq}", seq)
    if seq > latest.tree_size:
        return _Failure(f"event {seq} is newer than the latest signed checkpoint "
                        f"({latest.tree_size} events), so it cannot be proven", seq)
    leaf = _recomputed_leaf(event)
    if leaf is None:
        return _altered(seq)
    if not _links_to(previous, event):
        return _Failure(f"event {seq} does not link to event {seq - 1}", seq)
    proof = bundle.inclusion.get(seq)
    if proof is None:
        return _Failure(f"proofs.json has no inclusion proof for event {seq}", seq)
    if not verify_inclusion(leaf, seq - 1, latest.tree_size, proof, latest.root):
        return _Failure(f"event {seq} is not in the signed log: its inclusion proof against the "
                        f"checkpoint for {latest.tree_size} events does not verify", seq)
    return None


def _check_proven_events(bundle: _Bundle, tally: _Tally) -> _Failure | None:
    previous: _Event | None = None
    with closing(_read_events(bundle.root)) as events:
        for event in events:
            failure = _proven_event_failure(bundle, previous, event)
            if failure:
                return failure
            previous = event
            tally.events += 1
    return None


def _verify_partial(bundle: _Bundle, tally: _Tally) -> _Failure | None:
    failure = _check_consistency(bundle)
    if failure:
        return failure
    tally.checkpoints = len(bundle.checkpoints)
    return _check_proven_events(bundle, tally) or _check_count(bundle, tally)


def _extends(bundle: _Bundle, head: TreeHead, proof: tuple[int, int, list[bytes]] | None,
             name: str) -> _Failure | None:
    """Is the log of `head` a prefix of the bundle's latest checkpoint?"""
    latest = bundle.checkpoints[-1]
    if head.tree_size > latest.tree_size:
        return _Failure(f"{name} covers {head.tree_size} events but this bundle's latest "
                        f"signed checkpoint only {latest.tree_size}: the log was cut or rolled "
                        "back since", latest.tree_size + 1)
    listed = next((c for c in bundle.checkpoints if c.tree_size == head.tree_size), None)
    if listed is not None:
        if hmac.compare_digest(listed.root_hash, head.root_hash):
            return None  # chained to the latest by the consistency proofs already checked
        return _Failure(f"{name} of {head.tree_size} events has another root than this "
                        "bundle's: the log was rewritten since")
    if proof is None or proof[:2] != (head.tree_size, latest.tree_size):
        return _Failure(f"this bundle cannot show that it extends {name} of {head.tree_size} "
                        "events: that checkpoint is missing (deleted) and no consistency "
                        "proof from it is given")
    if not verify_consistency(head.tree_size, latest.tree_size, bytes.fromhex(head.root_hash),
                              latest.root, proof[2]):
        return _Failure(f"{name} of {head.tree_size} events is not consistent with this "
                        "bundle's latest checkpoint: the log was rewritten since")
    return None


def _check_previous(bundle: _Bundle, earlier: _Bundle | None) -> _Failure | None:
    """The manifest's previous export, then the officer's own earlier bundle."""
    quoted = bundle.manifest.previous
    failure = None if quoted is None else _extends(bundle, quoted, bundle.previous_proof,
                                                   "the previous export's checkpoint")
    if failure is not None or earlier is None:
        return failure
    if earlier.public_key != bundle.public_key and \
            bundle.retired.get(earlier.public_key.key_id, ("", None))[1] != earlier.public_key:
        return _Failure("the earlier bundle was signed by another key than this one")
    if not earlier.checkpoints or _check_signatures(earlier, None) is not None:
        return _Failure("the earlier bundle's checkpoints are not validly signed")
    last = earlier.checkpoints[-1]
    head = TreeHead(last.tree_size, last.root_hash)
    proof = bundle.previous_proof if quoted == head else None
    return _extends(bundle, head, proof, "the earlier bundle's latest checkpoint")


def verify_bundle(path: str | Path, expected_key_id: str | None = None,
                  previous: str | Path | None = None) -> BundleVerification:
    """Check a bundle directory (and that it extends the `previous` bundle, if given);
    raises BundleError when it cannot be checked at all."""
    bundle = _load_bundle(Path(path))
    earlier = _load_bundle(Path(previous)) if previous is not None else None
    tally = _Tally()
    verify = _verify_complete if bundle.manifest.complete else _verify_partial
    failure = (_check_signatures(bundle, expected_key_id) or verify(bundle, tally)
               or _check_previous(bundle, earlier))
    return BundleVerification(
        intact=failure is None, events_checked=tally.events,
        checkpoints_checked=tally.checkpoints,
        first_bad_seq=failure.seq if failure else None,
        problem=failure.problem if failure else None,
        complete=bundle.manifest.complete, key_id=bundle.public_key.key_id,
        signed_tree_size=bundle.checkpoints[-1].tree_size if bundle.checkpoints else 0,
        previous_tree_size=(earlier.checkpoints[-1].tree_size
                            if earlier and earlier.checkpoints and failure is None else None),
        retired_key_ids=tuple(sorted(bundle.retired)))


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def describe(result: BundleVerification) -> str:
    """One paragraph for a human reader."""
    if not result.intact:
        where = ("" if result.first_bad_seq is None
                 else f" The first bad event is seq {result.first_bad_seq}.")
        return (f"NOT INTACT: {result.problem}.{where} Verified before that: "
                f"{_counted(result.events_checked, 'event')} and "
                f"{_counted(result.checkpoints_checked, 'checkpoint')}.")
    key = (f"The checkpoints are signed by key {result.key_id}: compare it with the key id "
           "the instance publishes.")
    if result.retired_key_ids:
        key += (f" Earlier ones by retired keys {', '.join(result.retired_key_ids)}: compare "
                "them with the instance's published key history.")
    if not result.complete:
        return (f"INTACT (partial bundle): each of the {_counted(result.events_checked, 'event')}"
                " is proven by its inclusion proof to be in the signed log of "
                f"{result.signed_tree_size} events, and the "
                f"{_counted(result.checkpoints_checked, 'checkpoint')} are consistent with one "
                f"another. A partial bundle cannot show that no event was left out. {key}")
    unsigned = result.events_checked - result.signed_tree_size
    tail = (f" The last {_counted(unsigned, 'event')}, after the latest checkpoint, "
            "are protected by the hash chain only." if unsigned else "")
    earlier = ("" if result.previous_tree_size is None else
               f" The log extends the earlier bundle's {result.previous_tree_size} events.")
    return (f"INTACT: all {_counted(result.events_checked, 'event')} match their hashes and "
            "link in order, the Merkle roots match "
            f"{_counted(result.checkpoints_checked, 'signed checkpoint')}, and the checkpoints "
            f"are consistent with one another.{tail}{earlier} {key}")


def _key_id_argument(value: str) -> str:
    if not _HEX16.fullmatch(value.lower()):
        raise argparse.ArgumentTypeError("a key id is 16 hex digits")
    return value.lower()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Verify an exported Airlock audit bundle offline.")
    parser.add_argument("bundle", type=Path, help="the bundle directory")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--key-id", type=_key_id_argument,
                        help="the instance's published key id, to refuse any other key")
    parser.add_argument("--previous", type=Path, metavar="EARLIER",
                        help="an earlier bundle of this instance: the log must extend it")
    args = parser.parse_args(argv)
    try:
        result = verify_bundle(args.bundle, args.key_id, args.previous)
    except BundleError as exc:
        if args.json:
            print(json.dumps({"intact": False, "error": str(exc)}))
        else:
            print(f"CANNOT VERIFY {args.bundle}: {exc}.", file=sys.stderr)
        return EXIT_UNUSABLE
    print(json.dumps(asdict(result)) if args.json else describe(result))
    return EXIT_INTACT if result.intact else EXIT_TAMPERED


if __name__ == "__main__":
    sys.exit(main())
