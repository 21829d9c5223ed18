"""Proof generation for the audit log's RFC 6962 Merkle tree (RFC 6962 sections 2.1.1-2.1.2).

Hashing and verification live in the light client's `airlock_client.bundle_verifier`,
which has to stay one self-contained file for offline use; building on it here keeps writer
and verifier hashing alike. Leaves are leaf hashes (`leaf_hash` of an event's canonical bytes).
"""

from __future__ import annotations

from collections.abc import Sequence

from airlock_client.bundle_verifier import EMPTY_ROOT, HASH_SIZE, node_hash


def _split(width: int) -> int:
    """The largest power of two below `width` (>= 2): where RFC 6962 splits a tree."""
    return 1 << ((width - 1).bit_length() - 1)


class MerkleTree:
    """The leaf hashes with every aligned perfect subtree's root precomputed.

    Building costs O(n) hashes and 2n * 32 bytes; after that a root or proof for any tree
    size costs O(log^2 n), so exporting proofs for many events of a large log stays cheap.
    Each level is one bytes object rather than a list, to keep a million leaves compact.
    """

    def __init__(self, leaves: Sequence[bytes]) -> None:
        if any(len(leaf) != HASH_SIZE for leaf in leaves):
            raise ValueError("every leaf must be a 32-byte leaf hash")
        self._size = len(leaves)
        level = b"".join(leaves)
        self._levels = [level]
        pair = 2 * HASH_SIZE
        while len(level) >= pair:
            level = b"".join(node_hash(level[at:at + HASH_SIZE], level[at + HASH_SIZE:at + pair])
                             for at in range(0, len(level) - pair + 1, pair))
            self._levels.append(level)

    @property
    def size(self) -> int:
        return self._size

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first `size` leaves (all of them by default)."""
        size = self._tree_size(size)
        return self._range_root(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[0:size]): the siblings from the leaf up to the root."""
        size = self._tree_size(size)
        if not 0 <= index < size:
            raise ValueError(f"leaf index {index} is outside a tree of {size} leaves")
        top_down: list[bytes] = []
        low, high = 0, size
        while high - low > 1:
            middle = low + _split(high - low)
            if index < middle:
                top_down.append(self._range_root(middle, high))
                high = middle
            else:
                top_down.append(self._range_root(low, middle))
                low = middle
        return top_down[::-1]

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[0:new_size]) via SUBPROOF; empty for equal or empty old trees."""
        new_size = self._tree_size(new_size)
        if not 0 <= old_size <= new_size:
            raise ValueError(f"old size {old_size} is not within 0..{new_size}")
        if old_size in (0, new_size):
            return []
        top_down: list[bytes] = []
        low, high, whole_old_tree = 0, new_size, True
        while old_size != high:
            middle = low + _split(high - low)
            if old_size <= middle:
                top_down.append(self._range_root(middle, high))
                high = middle
            else:
                top_down.append(self._range_root(low, middle))
                low, whole_old_tree = middle, False
        if not whole_old_tree:
            top_down.append(self._range_root(low, high))
        return top_down[::-1]

    def _tree_size(self, size: int | None) -> int:
        if size is None:
            return self._size
        if not 0 <= size <= self._size:
            raise ValueError(f"tree size {size} is not within 0..{self._size}")
        return size

    def _range_root(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a non-empty range reached by RFC 6962's splits.

        Such ranges start at a multiple of every power of two up to their width, so a
        perfect one is exactly one precomputed node.
        """
        width = end - start
        if width & (width - 1) == 0:
            level = width.bit_length() - 1
            offset = (start >> level) * HASH_SIZE
            return self._levels[level][offset:offset + HASH_SIZE]
        middle = start + _split(width)
        return node_hash(self._range_root(start, middle), self._range_root(middle, end))


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of these leaf hashes."""
    return MerkleTree(leaves).root()


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path for leaf `index` in the tree of all `leaves`."""
    return MerkleTree(leaves).inclusion_proof(index)


def consistency_proof(leaves: Sequence[bytes], old_size: int) -> list[bytes]:
    """The proof that the first `old_size` leaves' tree is a prefix of the whole tree."""
    return MerkleTree(leaves).consistency_proof(old_size)
