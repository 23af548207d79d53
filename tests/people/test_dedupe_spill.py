"""Distinct people: the conflict rule, the DuckDB spill path, and column-wise keys equal row-wise keys."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.normalize.wareki import parse_cell_date
from mamori.people.dedupe import DistinctPeople
from mamori.people.frame import person_records
from mamori.people.keys import KeyKind, KeyMaker, PersonFields

KM = KeyMaker(b"k" * 32)
SAKAI = "大阪府堺市堺区南瓦町３番１号"


def count(records: list[tuple[bytes, ...]], spill: int = 10_000) -> int:
    people = DistinctPeople(spill_records=spill)
    people.add_all(records)
    return people.count


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        # The same resident written two ways, in two files.
        ([PersonFields("山田　太郎", date(1970, 3, 2), SAKAI), PersonFields("山田 太郎", date(1970, 3, 2), "堺市堺区南瓦町3-1")],
         1),
        # Namesakes born the same day at different addresses are two people …
        ([PersonFields("山田 太郎", date(1970, 3, 2), SAKAI), PersonFields("山田 太郎", date(1970, 3, 2), "堺市北区1-2-3")], 2),
        # … and a record without an address joins one of them, not both.
        ([PersonFields("山田 太郎", date(1970, 3, 2), SAKAI), PersonFields("山田 太郎", date(1970, 3, 2), "堺市北区1-2-3"),
          PersonFields("山田太郎", date(1970, 3, 2))], 2),
        # Father and son of one name at one address, born on different days.
        ([PersonFields("山田 太郎", date(1940, 1, 1), SAKAI), PersonFields("山田 太郎", date(1970, 3, 2), SAKAI)], 2),
        # Linked through e-mail and then name + birth date.
        ([PersonFields("佐藤 花子", email="Hanako@Example.jp"), PersonFields("佐藤花子", date(1980, 1, 1), email="hanako@example.jp"),
          PersonFields("佐藤 花子", date(1980, 1, 1), "堺市西区鳳東町25番地の3")], 1),
        # A My Number is one person's; different ones split the same name and birth date.
        ([PersonFields("鈴木 一郎", date(1950, 5, 5), my_number="123456789018"),
          PersonFields("鈴木 一郎", date(1950, 5, 5), my_number="234567890123")], 2),
    ],
)
def test_distinct_people(people: list[PersonFields], expected: int) -> None:
    records = [KM.keys(p, f"file{i}") for i, p in enumerate(people)]
    assert count(records) == expected
    assert count(records, spill=1) == expected  # the DuckDB path gives the same answer


kinds = st.sampled_from([int(k) for k in KeyKind])
key = st.builds(lambda kind, v: bytes((kind,)) + bytes((v,)) * 15, kinds, st.integers(0, 6))
records = st.lists(st.lists(key, min_size=1, max_size=4).map(tuple), max_size=40)


@settings(max_examples=40, deadline=None)
@given(records)
def test_spilled_count_equals_in_memory_count(recs: list[tuple[bytes, ...]]) -> None:
    assert count(recs) == count(recs, spill=7)


def test_spill_files_are_removed(tmp_path: object) -> None:
    from pathlib import Path

    base = Path(str(tmp_path))
    people = DistinctPeople(spill_records=2, spill_dir=base)
    people.add_all([KM.keys(PersonFields(f"山田 太郎{i}", date(1970, 1, 1 + i))) for i in range(9)])
    assert people.spilled and people.count == 9
    del people
    assert not any(base.iterdir())


def test_a_known_block_needs_no_resolution() -> None:
    people = DistinctPeople()
    people.add_all([KM.keys(PersonFields("山田 太郎", date(1970, 3, 2)))] * 3, known=1)
    assert people.count == 1


ROWS = [("山田　太郎", "やまだ たろう", "昭和45年3月2日", SAKAI, "072-228-7907", "Taro@Example.jp", "123456789018"),
        ("ヤマダ タロウ", "", "S45.3.2", "", "", "", ""),
        ("佐藤 花子", "", "3450302", "堺市北区東三国ヶ丘町三丁目十二番五号　サンハイツ", "+81-90-1234-5678", "", ""),
        ("鈴木一郎", "", "", "", "", "", ""), ("", "", "", "", "", "", "")]


def test_columnwise_keys_equal_rowwise_keys() -> None:
    roles = ("name", "kana", "birth", "address", "phone", "email", "my_number")
    columns = {role: [row[i] for row in ROWS] for i, role in enumerate(roles)}
    rowwise = [k for row in ROWS if (k := KM.keys(PersonFields(
        name=row[0], kana=row[1], birth_date=parse_cell_date(row[2]), address=row[3], phone=row[4], email=row[5],
        my_number=row[6]), "f.csv"))]
    assert person_records(columns, KM, "f.csv") == rowwise


@pytest.mark.parametrize(("text", "expected"), [("3450302", date(1970, 3, 2)), ("4010508", date(1989, 5, 8)),
                                                ("昭和45年3月2日", date(1970, 3, 2)), ("9450302", None)])
def test_cell_dates_with_era_codes(text: str, expected: date | None) -> None:
    assert parse_cell_date(text) == expected
