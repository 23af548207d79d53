"""Key blocks and the bulk merge: the same records, groups and counts as the tuples and ``count_people``."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.people.compact import KeyBlock
from mamori.people.dedupe import DistinctPeople
from mamori.people.keys import KeyKind, KeyMaker, PersonFields
from mamori.people.merge import components, count_block, repeated_records
from mamori.people.resolve import count_people
from mamori.scan.links import joinable, link_frame, resolve_blocks, resolve_parts

Record = tuple[bytes, ...]

# Few values per kind, so that records share keys (and disagree on conflict kinds) often.
kinds = st.sampled_from([int(k) for k in KeyKind])
key = st.builds(lambda kind, v, tail: bytes((kind, v)) + tail, kinds, st.integers(0, 5),
                st.sampled_from([b"\x00" * 14, b"\xff" * 14, bytes(range(14))]))
record = st.lists(key, min_size=0, max_size=5).map(tuple)
records = st.lists(record, max_size=60)


def _reference_repeats(recs: list[Record]) -> list[int]:
    first: dict[Record, int] = {}
    return [i for i, r in enumerate(recs) if first.setdefault(r, i) != i]


def test_a_block_reads_back_as_its_records(tmp_path: Path) -> None:
    km = KeyMaker(b"s" * 32)
    recs = [km.keys(PersonFields(f"山田 太郎{i}", address=f"堺市北区{i}")) for i in range(5)] + [()]
    block = KeyBlock.from_records(recs)
    assert block is not None
    assert list(block) == recs and len(block) == 6
    assert block[-2] == recs[-2] and block[5] == ()
    assert list(block[1:4]) == recs[1:4]
    assert list(block.take([4, 0])) == [recs[4], recs[0]]
    assert list(block.drop([0, 2])) == [recs[1], recs[3], recs[4], recs[5]]
    assert list(pickle.loads(pickle.dumps(block))) == recs
    assert list(KeyBlock.concat([block, KeyBlock.empty(), block])) == recs + recs
    stem = str(tmp_path) + "/b"
    block.save(stem)
    assert list(KeyBlock.load(stem)) == recs
    with pytest.raises(IndexError):
        block[6]


def test_keys_of_another_length_stay_tuples() -> None:
    assert KeyBlock.from_records([(b"\x01short",)]) is None
    assert KeyBlock.from_records([(b"\x01" * 15, b"\x02" * 17)]) is None  # the lengths add up, the keys do not


@settings(max_examples=300, deadline=None)
@given(records)
def test_the_bulk_count_is_count_people(recs: list[Record]) -> None:
    block = KeyBlock.from_records(recs)
    assert block is not None and list(block) == recs
    assert count_block(block, small=0) == count_people(recs)


@settings(max_examples=200, deadline=None)
@given(records)
def test_repeated_records_are_what_dict_fromkeys_drops(recs: list[Record]) -> None:
    block = KeyBlock.from_records(recs)
    assert block is not None
    assert repeated_records(block).tolist() == _reference_repeats(recs)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 40).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, 12)), max_size=80))))
def test_components_are_union_find(case: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = case
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    members: dict[int, list[int]] = {}
    for rid, gid in edges:
        members.setdefault(gid, []).append(rid)
    for group in members.values():
        for other in group[1:]:
            a, b = sorted((find(group[0]), find(other)))
            parent[b] = a
    labels = components(n, np.array([e[0] for e in edges], dtype=np.int64), np.array([e[1] for e in edges],
                                                                                       dtype=np.int64))
    assert labels.tolist() == [find(i) for i in range(n)]  # the smallest record of each component


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.lists(key, min_size=1, max_size=4).map(tuple), max_size=25), min_size=1, max_size=4))
def test_a_split_file_merges_as_the_tuples_did(parts: list[list[Record]]) -> None:
    frames = [link_frame(p) for p in parts]
    rids = joinable(frames, [len(p) for p in parts])
    want_records, want = resolve_parts(parts, rids)
    blocks = [KeyBlock.from_records(p) for p in parts]
    assert all(b is not None for b in blocks)
    got_block, got = resolve_blocks([b for b in blocks if b is not None],
                                    None if rids is None else np.asarray(rids, dtype=np.int64))
    assert (list(got_block), got) == (want_records, want)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.booleans(), records), max_size=5))
def test_distinct_people_counts_blocks_as_it_counts_tuples(adds: list[tuple[bool, list[Record]]]) -> None:
    mixed, plain = DistinctPeople(), DistinctPeople()
    for as_block, recs in adds:
        block = KeyBlock.from_records(recs)
        mixed.add_all(block if as_block and block is not None else recs)
        plain.add_all(recs)
    assert mixed.count == plain.count


def test_blocks_spill_to_duckdb_with_the_same_count(monkeypatch: pytest.MonkeyPatch) -> None:
    import mamori.people.dedupe as dedupe

    km = KeyMaker(b"s" * 32)
    recs = [km.keys(PersonFields(f"田中 {i % 7}", address=f"堺市{i % 5}")) for i in range(60)]
    block = KeyBlock.from_records(recs)
    assert block is not None
    monkeypatch.setattr(dedupe, "SPILL_BLOCK_BYTES", 1)
    spilled = DistinctPeople()
    spilled.add_all(block)
    spilled.add_all(recs[:10])
    assert spilled.spilled
    assert spilled.count == count_people(recs + recs[:10])


def test_a_big_block_counts_without_tuples() -> None:
    """Above ``SMALL_BLOCK`` records the bulk path runs; a voter list's shape (every row keyed)."""
    km = KeyMaker(b"s" * 32)
    recs = [km.keys(PersonFields(f"氏名{i % 20_000}", address=f"堺市{i % 3}")) for i in range(25_000)]
    block = KeyBlock.from_records(recs)
    assert block is not None
    assert count_block(block) == count_people(recs)
