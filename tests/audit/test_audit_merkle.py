"""RFC 9162 Merkle hashing and proofs: the published vectors, a reference implementation, mutations."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.audit.merkle import (
    EMPTY_ROOT,
    MemoryTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from mamori.errors import AuditError, AuditIntegrityError

# transparency-dev/merkle's vectors, vendored with their licence (data/rfc9162/README.md, LICENSE).
VECTORS = Path(__file__).resolve().parent / "data" / "rfc9162"


def _vector_files(kind: str) -> list[Any]:
    files = sorted((VECTORS / kind).rglob("*.json"))
    assert files, f"RFC 9162 vectors missing from the repository: {VECTORS / kind}"
    return [pytest.param(f, id=str(f.relative_to(VECTORS / kind))) for f in files]


def _b64(value: str) -> bytes:
    return base64.b64decode(value)


@pytest.mark.parametrize("path", _vector_files("inclusion"))
def test_inclusion_vectors(path: Path) -> None:
    v = json.loads(path.read_text())
    proof = [_b64(p) for p in v["proof"] or []]
    args = (v["leafIdx"], v["treeSize"], _b64(v["leafHash"]), proof, _b64(v["root"]))
    if v["wantErr"]:
        with pytest.raises(AuditIntegrityError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("path", _vector_files("consistency"))
def test_consistency_vectors(path: Path) -> None:
    v = json.loads(path.read_text())
    proof = [_b64(p) for p in v["proof"] or []]
    args = (v["size1"], v["size2"], _b64(v["root1"]), _b64(v["root2"]), proof)
    if v["wantErr"]:
        with pytest.raises(AuditIntegrityError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


# Reference: the RFC 9162 §2.1 definitions, transcribed literally (recursive, slow, obviously right).
def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = _k(len(d))
    return hashlib.sha256(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:])).digest()


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: list[bytes], whole: bool) -> list[bytes]:
    if m == len(d):
        return [] if whole else [ref_mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*ref_subproof(m, d[:k], whole), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


def _data(n: int) -> list[bytes]:
    return [f"entry {i}".encode() * (i % 3) for i in range(n)]


def test_known_hashes() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert root_hash(MemoryTree(), 0) == EMPTY_ROOT


@pytest.mark.parametrize("n", range(1, 65))
def test_every_proof_of_small_trees_matches_the_rfc_and_verifies(n: int) -> None:
    data = _data(n)
    tree = MemoryTree(data)
    roots = [ref_mth(data[:m]) for m in range(n + 1)]
    assert root_hash(tree, n) == roots[n]
    for index in range(n):
        proof = inclusion_proof(tree, index, n)
        assert proof == ref_path(index, data)
        verify_inclusion(index, n, leaf_hash(data[index]), proof, roots[n])
    for m in range(1, n + 1):
        proof = consistency_proof(tree, m, n)
        assert proof == (ref_subproof(m, data, True) if m < n else [])
        verify_consistency(m, n, roots[m], roots[n], proof)


@settings(max_examples=40, deadline=None)
@given(st.integers(65, 3000), st.data())
def test_random_larger_trees(n: int, draw: st.DataObject) -> None:
    tree = MemoryTree(_data(n))
    index = draw.draw(st.integers(0, n - 1))
    m = draw.draw(st.integers(1, n))
    root, old_root = root_hash(tree, n), root_hash(tree, m)
    verify_inclusion(index, n, tree.node(0, index), inclusion_proof(tree, index, n), root)
    verify_consistency(m, n, old_root, root, consistency_proof(tree, m, n))


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 200), st.data())
def test_mutated_proofs_are_rejected(n: int, draw: st.DataObject) -> None:
    tree = MemoryTree(_data(n))
    index = draw.draw(st.integers(0, n - 1))
    root = root_hash(tree, n)
    proof = inclusion_proof(tree, index, n)
    element = draw.draw(st.integers(0, len(proof) - 1))
    bit = draw.draw(st.integers(0, 255))
    bad = list(proof)
    bad[element] = bytes(b ^ (1 << (bit % 8)) if i == bit // 8 else b for i, b in enumerate(bad[element]))
    for args in (
        (index, n, tree.node(0, index), bad, root),
        (index, n, tree.node(0, index), proof[:-1], root),
        (index, n, tree.node(0, index), [*proof, proof[0]], root),
        ((index + 1) % n, n, tree.node(0, index), proof, root),
    ):
        if args[0] == index or tree.node(0, args[0]) != tree.node(0, index):
            with pytest.raises(AuditIntegrityError):
                verify_inclusion(*args)


@pytest.mark.parametrize(
    ("index", "size"), [(0, 0), (-1, 5), (5, 5)], ids=["empty tree", "negative index", "index past end"]
)
def test_proof_generation_refuses_impossible_requests(index: int, size: int) -> None:
    with pytest.raises(AuditError):
        inclusion_proof(MemoryTree(_data(5)), index, size)


@pytest.mark.parametrize(("old", "new"), [(0, 3), (4, 3), (-1, 2)])
def test_consistency_generation_refuses_impossible_requests(old: int, new: int) -> None:
    with pytest.raises(AuditError):
        consistency_proof(MemoryTree(_data(5)), old, new)
