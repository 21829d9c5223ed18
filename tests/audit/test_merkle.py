"""The RFC 6962 tree: published vectors, an RFC-literal oracle, and proofs that fail when bent."""

from __future__ import annotations

import hashlib
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airlock_client.bundle_verifier import (
    EMPTY_ROOT,
    RootBuilder,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)
from audit.merkle import MerkleTree, consistency_proof, inclusion_proof, merkle_root

# The reference tree of the Certificate Transparency C++ merkletree_test.cc, as carried by
# Trillian's merkle/inmemory/merkle_tree_test.go and CT's python ct/crypto merkle_test.py.
VECTOR_INPUTS = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                 "606162636465666768696a6b6c6d6e6f"]
VECTOR_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index, tree size, path), indices 0-based.
VECTOR_PATHS = [
    (0, 1, []),
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
# (old size, new size, proof).
VECTOR_CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
VECTOR_LEAVES = [leaf_hash(bytes.fromhex(data)) for data in VECTOR_INPUTS]
VECTOR_TREE = MerkleTree(VECTOR_LEAVES)

LEAVES = [leaf_hash(i.to_bytes(4, "big")) for i in range(600)]
TREE = MerkleTree(LEAVES)
sizes = st.integers(min_value=1, max_value=300)


def _hexes(hashes: list[bytes]) -> list[str]:
    return [value.hex() for value in hashes]


def _flip(value: bytes, position: int) -> bytes:
    """The same bytes with one bit of one byte inverted."""
    at = position % len(value)
    return value[:at] + bytes([value[at] ^ (1 << (position % 8))]) + value[at + 1:]


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _reference_root(leaves: list[bytes]) -> bytes:
    """MTH exactly as RFC 6962 2.1 words it, slicing lists: slow and obviously right."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return node_hash(_reference_root(leaves[:k]), _reference_root(leaves[k:]))


def _reference_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 2.1.1."""
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if m < k:
        return [*_reference_path(m, leaves[:k]), _reference_root(leaves[k:])]
    return [*_reference_path(m - k, leaves[k:]), _reference_root(leaves[:k])]


def _reference_subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of RFC 6962 2.1.2."""
    n = len(leaves)
    if m == n:
        return [] if whole else [_reference_root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_reference_subproof(m, leaves[:k], whole), _reference_root(leaves[k:])]
    return [*_reference_subproof(m - k, leaves[k:], False), _reference_root(leaves[:k])]


def test_the_empty_tree_hashes_the_empty_string() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert merkle_root([]) == EMPTY_ROOT == RootBuilder().root()


def test_hashing_is_domain_separated() -> None:
    assert leaf_hash(b"ab") == hashlib.sha256(b"\x00ab").digest()
    left, right = b"a" * 32, b"b" * 32
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()


def test_roots_match_the_published_vectors() -> None:
    builder = RootBuilder()
    for size, expected in enumerate(VECTOR_ROOTS, start=1):
        builder.add(VECTOR_LEAVES[size - 1])
        assert merkle_root(VECTOR_LEAVES[:size]).hex() == expected
        assert builder.root().hex() == expected


@pytest.mark.parametrize(("index", "size", "path"), VECTOR_PATHS)
def test_inclusion_proofs_match_the_published_vectors(index: int, size: int,
                                                      path: list[str]) -> None:
    proof = inclusion_proof(VECTOR_LEAVES[:size], index)
    assert _hexes(proof) == path
    assert verify_inclusion(VECTOR_LEAVES[index], index, size, proof, VECTOR_TREE.root(size))


@pytest.mark.parametrize(("old", "new", "path"), VECTOR_CONSISTENCY)
def test_consistency_proofs_match_the_published_vectors(old: int, new: int,
                                                        path: list[str]) -> None:
    proof = consistency_proof(VECTOR_LEAVES[:new], old)
    assert _hexes(proof) == path
    assert verify_consistency(old, new, VECTOR_TREE.root(old), VECTOR_TREE.root(new), proof)


def test_every_proof_matches_the_rfc_definitions_up_to_64_leaves() -> None:
    for n in range(1, 65):
        leaves = LEAVES[:n]
        assert TREE.root(n) == _reference_root(leaves)
        for m in range(n):
            assert TREE.inclusion_proof(m, n) == _reference_path(m, leaves)
        for m in range(1, n + 1):
            assert TREE.consistency_proof(m, n) == _reference_subproof(m, leaves, True)


def test_root_builder_equals_merkle_root_for_every_size() -> None:
    builder = RootBuilder()
    for size in range(len(LEAVES) + 1):
        assert builder.size == size
        assert builder.root() == merkle_root(LEAVES[:size])
        if size < len(LEAVES):
            builder.add(LEAVES[size])


@settings(max_examples=100, deadline=None)
@given(stored=st.integers(0, 300), added=st.integers(0, 300))
def test_a_builder_resumed_from_its_frontier_carries_on(stored: int, added: int) -> None:
    builder = RootBuilder()
    for leaf in LEAVES[:stored]:
        builder.add(leaf)
    assert len(builder.frontier()) == stored.bit_count()
    resumed = RootBuilder.from_frontier(stored, builder.frontier())
    for leaf in LEAVES[stored:stored + added]:
        resumed.add(leaf)
    assert resumed.size == stored + added
    assert resumed.root() == TREE.root(stored + added)


def test_a_frontier_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="one hash per set bit"):
        RootBuilder.from_frontier(3, [LEAVES[0]])
    with pytest.raises(ValueError, match="32 bytes"):
        RootBuilder.from_frontier(1, [b"short"])


def test_the_functions_agree_with_the_tree_they_wrap() -> None:
    leaves = LEAVES[:77]
    assert merkle_root(leaves) == TREE.root(77)
    assert inclusion_proof(leaves, 40) == TREE.inclusion_proof(40, 77)
    assert consistency_proof(leaves, 33) == TREE.consistency_proof(33, 77)


@settings(max_examples=150, deadline=None)
@given(size=sizes)
def test_every_inclusion_proof_verifies(size: int) -> None:
    root = TREE.root(size)
    for index in range(size):
        assert verify_inclusion(LEAVES[index], index, size, TREE.inclusion_proof(index, size), root)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), size=sizes)
def test_a_bent_inclusion_proof_fails(data: st.DataObject, size: int) -> None:
    index = data.draw(st.integers(0, size - 1), label="index")
    flip = data.draw(st.integers(0, 32 * 8 - 1), label="bit")
    leaf, root, proof = LEAVES[index], TREE.root(size), TREE.inclusion_proof(index, size)
    assert not verify_inclusion(_flip(leaf, flip), index, size, proof, root)
    assert not verify_inclusion(leaf, index, size, proof, _flip(root, flip))
    assert not verify_inclusion(leaf, index, size, [*proof, LEAVES[0]], root)
    if proof:
        at = data.draw(st.integers(0, len(proof) - 1), label="proof element")
        bent = [*proof[:at], _flip(proof[at], flip), *proof[at + 1:]]
        assert not verify_inclusion(leaf, index, size, bent, root)
        assert not verify_inclusion(leaf, index, size, proof[:-1], root)
        assert not verify_inclusion(leaf, index, size, proof[1:], root)
    if size > 1:
        other = data.draw(st.integers(0, size - 1).filter(lambda i: i != index), label="other")
        assert not verify_inclusion(leaf, other, size, proof, root)
    wrong = data.draw(st.integers(index + 1, 400).filter(lambda n: n != size), label="size")
    assert not verify_inclusion(leaf, index, wrong, proof, TREE.root(wrong))
    assert not verify_inclusion(leaf, index, index, proof, root)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), new=sizes)
def test_consistency_proofs_verify(data: st.DataObject, new: int) -> None:
    old = data.draw(st.integers(1, new), label="old")
    proof = TREE.consistency_proof(old, new)
    assert verify_consistency(old, new, TREE.root(old), TREE.root(new), proof)


def test_every_consistency_proof_verifies_up_to_64_leaves() -> None:
    for new in range(1, 65):
        for old in range(1, new + 1):
            proof = TREE.consistency_proof(old, new)
            assert verify_consistency(old, new, TREE.root(old), TREE.root(new), proof)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), new=st.integers(min_value=2, max_value=300))
def test_a_bent_consistency_proof_fails(data: st.DataObject, new: int) -> None:
    old = data.draw(st.integers(1, new - 1), label="old")
    flip = data.draw(st.integers(0, 32 * 8 - 1), label="bit")
    old_root, new_root = TREE.root(old), TREE.root(new)
    proof = TREE.consistency_proof(old, new)
    at = data.draw(st.integers(0, len(proof) - 1), label="proof element")
    bent = [*proof[:at], _flip(proof[at], flip), *proof[at + 1:]]
    assert not verify_consistency(old, new, old_root, new_root, bent)
    assert not verify_consistency(old, new, _flip(old_root, flip), new_root, proof)
    assert not verify_consistency(old, new, old_root, _flip(new_root, flip), proof)
    assert not verify_consistency(old, new, new_root, old_root, proof)
    assert not verify_consistency(old, new, old_root, new_root, proof[:-1])
    assert not verify_consistency(old, new, old_root, new_root, proof[1:])
    assert not verify_consistency(old, new, old_root, new_root, [*proof, LEAVES[0]])
    other_old = data.draw(st.integers(1, new).filter(lambda m: m != old), label="other old")
    assert not verify_consistency(other_old, new, TREE.root(other_old), new_root, proof)
    other_new = data.draw(st.integers(old, 400).filter(lambda n: n != new), label="other new")
    assert not verify_consistency(old, other_new, old_root, TREE.root(other_new), proof)
    assert not verify_consistency(new, old, new_root, old_root, proof)


def test_trivial_consistency_needs_an_empty_proof_and_matching_roots() -> None:
    assert verify_consistency(0, 5, EMPTY_ROOT, TREE.root(5), [])
    assert not verify_consistency(0, 5, TREE.root(1), TREE.root(5), [])
    assert verify_consistency(7, 7, TREE.root(7), TREE.root(7), [])
    assert not verify_consistency(7, 7, TREE.root(7), TREE.root(8), [])
    assert not verify_consistency(7, 7, TREE.root(7), TREE.root(7), [LEAVES[0]])
    assert not verify_consistency(3, 9, TREE.root(3), TREE.root(9), [])


def test_out_of_range_requests_are_refused() -> None:
    assert not verify_inclusion(LEAVES[0], 0, 0, [], EMPTY_ROOT)
    assert not verify_inclusion(LEAVES[0], -1, 4, TREE.inclusion_proof(0, 4), TREE.root(4))
    with pytest.raises(ValueError, match="outside"):
        inclusion_proof(LEAVES[:4], 4)
    with pytest.raises(ValueError, match="not within"):
        consistency_proof(LEAVES[:4], 5)
    with pytest.raises(ValueError, match="not within"):
        TREE.root(len(LEAVES) + 1)
    with pytest.raises(ValueError, match="32-byte"):
        merkle_root([b"short"])
    with pytest.raises(ValueError, match="32 bytes"):
        RootBuilder().add(b"short")


def test_a_large_tree_is_built_once_and_proves_cheaply() -> None:
    leaves = [os.urandom(32) for _ in range((1 << 17) + 3)]
    tree, builder = MerkleTree(leaves), RootBuilder()
    for leaf in leaves:
        builder.add(leaf)
    root = tree.root()
    assert builder.root() == root
    for index in range(0, len(leaves), 997):
        assert verify_inclusion(leaves[index], index, len(leaves),
                                tree.inclusion_proof(index), root)
    old = 100_001
    assert verify_consistency(old, len(leaves), tree.root(old), root,
                              tree.consistency_proof(old))
