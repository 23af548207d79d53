"""RFC 9162 (Certificate Transparency v2, §2.1) Merkle tree hashing, proofs and their verification.

Hashes: leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right), the empty tree
is SHA-256(""). Proof *generation* reads the hashes of complete, aligned subtrees from a
`NodeSource` (node ``(level, index)`` covers leaves ``[index·2^level, (index+1)·2^level)``),
so a root or a proof over a million leaves costs O(log n) hashing when those nodes are stored.
Every range the RFC recursion asks for is either such a complete subtree or the right edge
``[a, n)``, which is folded from the at most log n complete subtrees it decomposes into.
Proof *verification* is pure: the algorithms of §2.1.3.2 and §2.1.4.2, raising
`AuditIntegrityError` with the reason a proof was rejected.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

from mamori.errors import AuditError, AuditIntegrityError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 leaf hash: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 interior node hash: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


class NodeSource(Protocol):
    """Anything that can return the hash of a complete aligned subtree."""

    def node(self, level: int, index: int) -> bytes:
        """Hash of leaves [index·2^level, (index+1)·2^level)."""
        ...


def _split(n: int) -> int:
    """The largest power of two strictly smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def subtree_hash(source: NodeSource, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a range whose start is aligned to its largest power-of-two part."""
    if end <= start:
        if end == start == 0:
            return EMPTY_ROOT
        raise AuditError(f"empty or reversed range [{start}, {end})")
    pieces: list[bytes] = []
    pos = start
    for level in range((end - start).bit_length() - 1, -1, -1):
        if (end - start) >> level & 1:
            if pos % (1 << level):
                raise AuditError(f"range [{start}, {end}) is not aligned: cannot read its subtrees")
            pieces.append(source.node(level, pos >> level))
            pos += 1 << level
    result = pieces[-1]
    for piece in reversed(pieces[:-1]):
        result = node_hash(piece, result)
    return result


def root_hash(source: NodeSource, size: int) -> bytes:
    """MTH of the first `size` leaves."""
    return subtree_hash(source, 0, size)


def inclusion_proof(source: NodeSource, index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, ordered from the leaf upwards."""
    if not 0 <= index < size:
        raise AuditError(f"no entry {index} in a tree of {size} entries")
    top_down: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            top_down.append(subtree_hash(source, lo + k, hi))
            hi = lo + k
        else:
            top_down.append(subtree_hash(source, lo, lo + k))
            lo += k
    return top_down[::-1]


def consistency_proof(source: NodeSource, old_size: int, new_size: int) -> list[bytes]:
    """PROOF(old_size, D[0:new_size]) of RFC 9162 §2.1.4.1 (empty when the sizes are equal)."""
    if not 0 < old_size <= new_size:
        raise AuditError(f"no consistency proof from size {old_size} to size {new_size}")
    top_down: list[bytes] = []
    m, lo, hi, whole = old_size, 0, new_size, True
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            top_down.append(subtree_hash(source, lo + k, hi))
            hi = lo + k
        else:
            top_down.append(subtree_hash(source, lo, lo + k))
            m -= k
            lo += k
            whole = False
    if not whole:
        top_down.append(subtree_hash(source, lo, hi))
    return top_down[::-1]


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise AuditIntegrityError(f"{what} is {len(value)} bytes long, not a {HASH_SIZE}-byte SHA-256 hash")


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root implied by an inclusion proof (RFC 9162 §2.1.3.2 steps 1–5, without the final compare)."""
    if not 0 <= index < size:
        raise AuditIntegrityError(f"leaf index {index} is outside a tree of {size} entries")
    _check_hash(leaf, "the leaf hash")
    fn, sn, r = index, size - 1, leaf
    for i, p in enumerate(proof):
        _check_hash(p, f"inclusion proof element {i}")
        if sn == 0:
            raise AuditIntegrityError(f"inclusion proof is too long ({len(proof)} elements for a tree of {size})")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise AuditIntegrityError(f"inclusion proof is too short ({len(proof)} elements for a tree of {size})")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> None:
    """Check that `leaf` is entry `index` of the tree of `size` entries with `root` (RFC 9162 §2.1.3.2)."""
    computed = root_from_inclusion_proof(index, size, leaf, proof)
    if computed != root:
        raise AuditIntegrityError(
            f"inclusion proof for entry {index} leads to root {computed.hex()}, not the expected {root.hex()}"
        )


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> None:
    """Check that the tree (new_size, new_root) extends (old_size, old_root) (RFC 9162 §2.1.4.2)."""
    if new_size < old_size:
        raise AuditIntegrityError(f"the newer tree ({new_size}) is smaller than the older one ({old_size})")
    if old_size == new_size:
        if proof:
            raise AuditIntegrityError("trees of equal size need an empty consistency proof")
        if old_size == 0 and old_root != EMPTY_ROOT:
            raise AuditIntegrityError("the root of an empty tree must be SHA-256 of the empty string")
        if old_root != new_root:
            raise AuditIntegrityError(f"two trees of size {old_size} have different roots")
        return
    if old_size == 0:
        # RFC 9162 defines PROOF(m, D[n]) only for 0 < m < n: nothing can be proven from an empty tree.
        raise AuditIntegrityError("a consistency proof from the empty tree proves nothing")
    if not proof:
        raise AuditIntegrityError("the consistency proof is empty")
    for i, p in enumerate(proof):
        _check_hash(p, f"consistency proof element {i}")
    _check_hash(old_root, "the older root")
    _check_hash(new_root, "the newer root")
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise AuditIntegrityError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise AuditIntegrityError("the consistency proof is too short")
    if fr != old_root:
        raise AuditIntegrityError(f"the consistency proof does not lead to the root of the tree of size {old_size}")
    if sr != new_root:
        raise AuditIntegrityError(f"the consistency proof does not lead to the root of the tree of size {new_size}")


class MemoryTree:
    """An in-memory Merkle tree keeping every complete subtree hash (for tests and small logs)."""

    def __init__(self, leaves: Sequence[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        for data in leaves:
            self.append_hash(leaf_hash(data))

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self.levels[0])

    def append_hash(self, leaf: bytes) -> int:
        """Append a leaf hash; return its index."""
        index = self.size
        self.levels[0].append(leaf)
        level, h, i = 0, leaf, index
        while i & 1:
            h = node_hash(self.levels[level][i - 1], h)
            level, i = level + 1, i >> 1
            if len(self.levels) == level:
                self.levels.append([])
            self.levels[level].append(h)
        return index

    def node(self, level: int, index: int) -> bytes:
        """Hash of a complete aligned subtree."""
        try:
            return self.levels[level][index]
        except IndexError:
            raise AuditError(f"no complete subtree at level {level}, index {index}") from None
