"""The followed digest of a multipart upload: whatever order the parts arrive in, however
often they are sent again, and whenever the process forgets, the digest it gives at the end
is the SHA-256 of the parts' final copies in order, and in-order parts are never read back."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from intake.archive_digest import DigestFollower

PARTS = 6

sends = st.lists(st.tuples(st.integers(1, PARTS), st.binary(max_size=64), st.booleans()),
                 max_size=24)
"""(part number, its bytes, whether the process forgets its digests after this send)."""


class Parts:
    """The stored copies of an upload, as the catalog and the vault hold them."""

    def __init__(self) -> None:
        self.copies: dict[str, bytes] = {}
        self.current: dict[int, str] = {}
        self.reads = 0

    def read(self, copy_id: str) -> Iterable[bytes]:
        self.reads += 1
        data = self.copies[copy_id]
        return [data[:7], data[7:]]

    def send(self, follower: DigestFollower, number: int, data: bytes) -> None:
        teed = follower.tee("u", number)
        if teed is not None:
            teed.update(data)
        copy_id = f"c{len(self.copies)}"
        self.copies[copy_id] = data
        replaced = number in self.current
        self.current[number] = copy_id
        follower.stored("u", number, copy_id, teed, replaced)
        follower.catch_up("u", lambda: dict(self.current), self.read)


@settings(max_examples=300, deadline=None)
@given(sends)
def test_the_digest_is_the_final_copies_in_order_whatever_happened(
        history: list[tuple[int, bytes, bool]]) -> None:
    follower, parts = DigestFollower(), Parts()
    for number, data, forget in history:
        parts.send(follower, number, data)
        if forget:
            follower.forget("u")
    for number in range(1, PARTS + 1):  # whatever never came is sent now
        if number not in parts.current:
            parts.send(follower, number, bytes([number]))
    copy_ids = tuple(parts.current[n] for n in range(1, PARTS + 1))
    expected = hashlib.sha256(b"".join(parts.copies[c] for c in copy_ids)).hexdigest()
    assert follower.digest("u", copy_ids, parts.read) == expected


def test_parts_sent_in_order_are_never_read_back() -> None:
    follower, parts = DigestFollower(), Parts()
    for number in range(1, PARTS + 1):
        parts.send(follower, number, bytes([number]) * 100)
    copy_ids = tuple(parts.current[n] for n in range(1, PARTS + 1))
    follower.digest("u", copy_ids, parts.read)
    assert parts.reads == 0


def test_parts_that_came_early_are_read_back_once_the_gap_closes() -> None:
    follower, parts = DigestFollower(), Parts()
    for number in (2, 3, 1, 4, 6, 5):
        parts.send(follower, number, bytes([number]) * 100)
    assert parts.reads == 3  # 2 and 3 after 1 came, 6 after 5 came
    copy_ids = tuple(parts.current[n] for n in range(1, PARTS + 1))
    follower.digest("u", copy_ids, parts.read)
    assert parts.reads == 3


def test_after_a_restart_every_part_is_read_back() -> None:
    parts = Parts()
    before = DigestFollower()
    for number in range(1, PARTS + 1):
        parts.send(before, number, bytes([number]))
    copy_ids = tuple(parts.current[n] for n in range(1, PARTS + 1))
    after = DigestFollower()
    assert after.digest("u", copy_ids, parts.read) == \
        hashlib.sha256(bytes(range(1, PARTS + 1))).hexdigest()
    assert parts.reads == PARTS
