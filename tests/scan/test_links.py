"""Counting a split file's people from its parts' linking keys agrees with ``DistinctPeople`` on any records."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.people.dedupe import DistinctPeople
from mamori.people.frame import hash_table, key_strings
from mamori.people.keys import ATTRIBUTE_KINDS, KEY_BYTES, YEAR_KINDS, KeyKind, KeyMaker
from mamori.scan.links import Record, column_link_frame, count_records, link_frame


# A few values per kind, so that records share keys often (namesakes, moves, the same row twice).
def _records(kinds: list[int]) -> st.SearchStrategy[Record]:
    key = st.builds(lambda kind, value: bytes((kind,)) + bytes((value,)) * (KEY_BYTES - 1),
                    st.sampled_from(kinds), st.integers(0, 5))
    # Year keys come only with a NAME key (KeyMaker.keys): a record is never year keys alone.
    return (st.lists(key, min_size=1, max_size=4, unique=True).filter(lambda keys: any(k[0] not in YEAR_KINDS for k in keys))
            .map(lambda keys: tuple(sorted(keys))))


_ANY = _records([int(k) for k in KeyKind])
# Mostly keyed records sharing names: the path that resolves only the few records that can join.
_KEYED = _records([int(k) for k in KeyKind if k not in (KeyKind.NAME_ONLY, KeyKind.NAME_PHONE, KeyKind.EMAIL)])


def _expected(records: list[Record]) -> tuple[list[Record], int]:
    distinct = list(dict.fromkeys(records))
    people = DistinctPeople()
    people.add_all(distinct)
    return distinct, people.count


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.lists(st.lists(_ANY, max_size=12), min_size=1, max_size=4),
                 st.lists(st.lists(_KEYED, max_size=12), min_size=1, max_size=4)))
def test_the_count_from_linking_keys_is_the_ordinary_count(parts: list[list[Record]]) -> None:
    everything = [r for part in parts for r in part]
    assert count_records(parts, [link_frame(p) for p in parts]) == _expected(everything)


def test_keys_that_share_only_their_first_bytes_are_resolved_not_joined() -> None:
    a = bytes((KeyKind.NAME_BIRTH,)) + b"\x01" * 7 + b"\x02" * 8
    b = bytes((KeyKind.NAME_BIRTH,)) + b"\x01" * 7 + b"\x03" * 8
    assert count_records([[(a,)], [(b,)]], [link_frame([(a,)]), link_frame([(b,)])]) == ([(a,), (b,)], 2)


def test_records_of_unexpected_keys_are_resolved_the_ordinary_way() -> None:
    odd = [(b"\x01short",), (b"\x01short",)]
    assert link_frame(odd) is None
    assert count_records([odd], [None]) == ([(b"\x01short",)], 1)


def test_attribute_keys_do_not_link_but_twins_of_attributes_alone_are_one_record() -> None:
    year = bytes((KeyKind.NAME_YEAR,)) + b"\x07" * (KEY_BYTES - 1)
    a = (bytes((KeyKind.NAME_BIRTH,)) + b"\x01" * (KEY_BYTES - 1), year)
    b = (bytes((KeyKind.NAME_BIRTH,)) + b"\x02" * (KEY_BYTES - 1), year)
    frames = [link_frame([a]), link_frame([b])]
    assert all(f is not None and KeyKind.NAME_YEAR not in set((f["w"] % 256).to_list()) for f in frames)
    assert count_records([[a], [b]], frames) == ([a, b], 2)  # a shared birth year joins nobody
    trait = (bytes((KeyKind.LIST_TRAIT,)) + b"\x03" * (KEY_BYTES - 1),)
    assert count_records([[trait], [trait]], [link_frame([trait]), link_frame([trait])]) == ([trait], 1)


_CELLS = {
    "name": ["山田　太郎", "山田 太郎", "鈴木 彩", "ヤマダ タロウ", "", "様"],
    "kana": ["ヤマダ タロウ", "スズキ アヤ", ""],
    "birth": ["昭和45年3月2日", "S45.3.2", "1982/05/01", "", "不明"],
    "address": ["大阪府堺市堺区南瓦町3番1号", "堺市堺区南瓦町3-1", "東京都新宿区西新宿2-8-1", ""],
    "phone": ["090-1234-5678", "072-228-7400", ""],
    "email": ["taro@example.jp", ""],
    "my_number": ["123456789018", ""],
    "age": ["32", "45", ""],
    "on": ["2015/04/17", ""],
    "trait:gender": ["男", "女", ""],
}


@settings(max_examples=30, deadline=None)
@given(st.lists(st.fixed_dictionaries({role: st.sampled_from(values) for role, values in _CELLS.items()}),
                min_size=1, max_size=30),
       st.integers(1, 3), st.sampled_from(sorted(_CELLS)))
def test_links_built_kind_by_kind_are_the_links_of_the_records(rows: list[dict[str, str]], slices: int,
                                                               missing: str) -> None:
    # A part's links come from its hashed columns (``column_link_frame``); they must be ``link_frame``'s.
    keymaker = KeyMaker(b"k" * 32)
    roles = [role for role in _CELLS if role != missing]  # a table lacks a role now and then
    size = -(-len(rows) // slices)
    tables = [hash_table(key_strings({role: [row[role] for row in rows[i:i + size]] for role in roles},
                                     listed_in="list|山田", distinct=False), keymaker)
              for i in range(0, len(rows), size)]
    records = [record for table in tables for record in table.records]
    built = column_link_frame(tables)
    if built is None:  # allowed only where a record holds attribute keys alone
        assert any(all(key[0] in ATTRIBUTE_KINDS for key in record) for record in records)
        return
    expected = link_frame(records)
    assert expected is not None
    order = ["w", "rid", "soft"]
    assert built.schema == expected.schema
    assert built.sort(order).equals(expected.sort(order))
    assert built["w"].is_sorted()
