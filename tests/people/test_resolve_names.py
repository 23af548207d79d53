"""Name-only records resolved against keyed people, in memory and through DuckDB (people/resolve*.py)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.people.dedupe import DistinctPeople
from mamori.people.frame import person_records
from mamori.people.keys import KeyKind, KeyMaker, PersonFields
from mamori.people.resolve import count_people

KM = KeyMaker(b"r" * 32)
SAKAI = "大阪府堺市堺区南瓦町３番１号"
TARO_1970 = PersonFields("山田 太郎", date(1970, 3, 2), SAKAI)
TARO_1940 = PersonFields("山田 太郎", date(1940, 1, 1), "堺市北区1-2-3")
TARO = PersonFields("山田　太郎")
HANAKO = PersonFields("佐藤 花子")


def _count(people: list[tuple[PersonFields, str]], spill: int) -> int:
    counter = DistinctPeople(spill_records=spill)
    counter.add_all([KM.keys(p, scope) for p, scope in people])
    return counter.count


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        # Exactly one keyed person of that name: the name-only mention is that person.
        ([(TARO_1970, "voters.csv"), (TARO, "minutes.docx")], 1),
        # Several keyed namesakes: the mention is one of them and adds nobody.
        ([(TARO_1970, "voters.csv"), (TARO_1940, "care.xlsx"), (TARO, "minutes.docx")], 2),
        # No keyed person of that name: name-only mentions across files are one person.
        ([(HANAKO, "staff.xlsx"), (HANAKO, "minutes.docx"), (PersonFields("佐藤花子"), "memo.txt")], 1),
        # Different names stay different people.
        ([(HANAKO, "staff.xlsx"), (TARO, "staff.xlsx")], 2),
        # Within one file a repeated name-only row is still one person.
        ([(HANAKO, "staff.xlsx"), (HANAKO, "staff.xlsx")], 1),
        # A reading alone resolves against a keyed person known by that reading only.
        ([(PersonFields(kana="ヤマダ タロウ", birth_date=date(1970, 3, 2)), "a.csv"),
          (PersonFields(kana="やまだ　たろう"), "b.txt")], 1),
        # A name-only mention never merges keyed namesakes or changes a keyed count.
        ([(TARO_1970, "a.csv"), (TARO_1940, "b.csv")], 2),
        # Keyed records are never joined by the name alone (a birth date here, an address there) …
        ([(PersonFields("山田 太郎", date(1970, 3, 2)), "a.csv"), (PersonFields("山田 太郎", address=SAKAI), "b.csv")],
         2),
        # … but a mention with only a phone or an e-mail is the keyed person of that name.
        ([(TARO_1970, "voters.csv"), (PersonFields("山田太郎", phone="090-1234-5678"), "events.xlsx"),
          (PersonFields("山田 太郎", email="taro@example.jp"), "mail.eml")], 1),
        # Without a keyed person, mentions with different phones and e-mails are one person of that name.
        ([(PersonFields("佐藤花子", phone="090-1234-5678"), "a.xlsx"), (PersonFields("佐藤 花子", email="h@example.jp"), "b.eml"),
          (HANAKO, "c.txt")], 1),
    ],
)
def test_name_only_resolution(people: list[tuple[PersonFields, str]], expected: int) -> None:
    assert _count(people, spill=10_000) == expected
    assert _count(people, spill=1) == expected  # the DuckDB path gives the same answer


def test_the_name_key_comes_last_and_is_not_scoped() -> None:
    keyed = KM.keys(TARO_1970)
    alone = KM.keys(TARO)
    assert keyed[-1][0] == KeyKind.NAME and all(k[0] != KeyKind.NAME for k in keyed[:-1])
    assert alone == (keyed[-1],)  # one normalised name, one key
    assert KM.keys(TARO, "a.txt") == KM.keys(TARO, "b.txt")


def test_columnwise_name_keys_equal_rowwise() -> None:
    rows = [("山田　太郎", "S45.3.2"), ("佐藤 花子", ""), ("", ""), ("ヤマダ タロウ", "")]
    columns = {"name": [r[0] for r in rows], "birth": [r[1] for r in rows]}
    from mamori.people.wareki import parse_cell_date

    rowwise = [k for r in rows if (k := KM.keys(PersonFields(r[0], parse_cell_date(r[1])), "f"))]
    assert person_records(columns, KM, "f") == rowwise


kinds = st.sampled_from([int(k) for k in KeyKind])
key = st.builds(lambda kind, v: bytes((kind,)) + bytes((v,)) * 15, kinds, st.integers(0, 4))
records = st.lists(st.lists(key, min_size=1, max_size=3).map(tuple), max_size=30)


@settings(max_examples=60, deadline=None)
@given(records)
def test_spilled_count_equals_in_memory_count_with_names(recs: list[tuple[bytes, ...]]) -> None:
    counter = DistinctPeople(spill_records=5)
    counter.add_all(recs)
    assert counter.count == count_people(recs)
