"""Name-only records resolved against keyed people, in memory and through DuckDB (people/resolve*.py)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.normalize.age import SLACK_YEARS
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


def test_the_name_key_comes_after_the_linking_keys_and_is_not_scoped() -> None:
    keyed = KM.keys(TARO_1970)
    alone = KM.keys(TARO)
    assert [k[0] for k in keyed[-2:]] == [KeyKind.NAME, KeyKind.NAME_YEAR]
    assert all(k[0] not in (KeyKind.NAME, KeyKind.NAME_YEAR) for k in keyed[:-2])
    assert alone == (keyed[-2],)  # one normalised name, one key
    assert KM.keys(TARO, "a.txt") == KM.keys(TARO, "b.txt")


def test_a_stated_age_gives_year_keys_comparable_with_the_birth_year() -> None:
    aged = KM.keys(PersonFields("山田太郎", phone="090-1234-5678", birth_years=(1969, 1970)))
    years = [k for k in aged if k[0] == KeyKind.NAME_AGE]
    assert len(years) == 2
    born = next(k for k in KM.keys(TARO_1970) if k[0] == KeyKind.NAME_YEAR)
    assert born[1:] in {k[1:] for k in years}  # same name and year: same value under another kind
    assert KM.keys(PersonFields("山田太郎", date(1970, 3, 2), birth_years=(1990,))) == KM.keys(
        PersonFields("山田太郎", date(1970, 3, 2)))  # a birth date wins over a stated age


TARO_62 = PersonFields("山田 太郎", phone="072-228-7411", birth_years=(1952, 1953))  # 62 in 2015
TARO_83 = PersonFields("山田 太郎", birth_years=(1931, 1932))  # 83 in 2015


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        # A stated age that contradicts the only keyed namesake: somebody else.
        ([(TARO_1940, "voters.csv"), (TARO_62, "room-bookings.xlsx")], 2),
        # An age that fits: the same person, as a mention without an age would be.
        ([(PersonFields("山田 太郎", date(1952, 8, 1), SAKAI), "voters.csv"), (TARO_62, "room-bookings.xlsx")], 1),
        # Several keyed namesakes: the mention joins the one its age fits, adding nobody.
        ([(TARO_1940, "voters.csv"), (PersonFields("山田 太郎", date(1953, 1, 5), SAKAI), "voters.csv"),
          (TARO_62, "room-bookings.xlsx")], 2),
        # Keyed namesakes it fits none of: one more person, however often mentioned.
        ([(TARO_1970, "voters.csv"), (TARO_1940, "care.xlsx"), (TARO_62, "a.xlsx"), (TARO_62, "b.xlsx")], 3),
        # A keyed namesake known by address only (no year): an age cannot contradict it.
        ([(PersonFields("山田 太郎", address=SAKAI), "tax.csv"), (TARO_62, "room-bookings.xlsx")], 1),
        # Mentions without an age still join the lowest keyed namesake; aged ones that fit nobody stay apart,
        # from the keyed namesakes and from one another.
        ([(TARO_1970, "voters.csv"), (TARO, "minutes.docx"), (TARO_83, "a.xlsx"), (TARO_62, "b.xlsx")], 3),
        # No keyed namesake: ages that cannot be one person's are two people; a mention without an age is
        # the first of them.
        ([(TARO_62, "a.xlsx"), (TARO_83, "b.xlsx"), (TARO, "c.txt")], 2),
        # Ages that meet (the same person a year later) are one person.
        ([(TARO_62, "2015.xlsx"), (PersonFields("山田 太郎", birth_years=(1951, 1952)), "2014.xlsx")], 1),
        # The same mention linked by e-mail to a keyed record still joins through the e-mail.
        ([(PersonFields("山田 太郎", date(1940, 1, 1), email="t@example.jp"), "a.csv"),
          (PersonFields("山田 太郎", email="t@example.jp", birth_years=(1952, 1953)), "b.csv")], 1),
    ],
)
def test_stated_ages_keep_namesakes_apart(people: list[tuple[PersonFields, str]], expected: int) -> None:
    assert _count(people, spill=10_000) == expected
    assert _count(people, spill=1) == expected  # the DuckDB path gives the same answer


def test_columnwise_name_keys_equal_rowwise() -> None:
    rows = [("山田　太郎", "S45.3.2"), ("佐藤 花子", ""), ("", ""), ("ヤマダ タロウ", "")]
    columns = {"name": [r[0] for r in rows], "birth": [r[1] for r in rows]}
    from mamori.normalize.wareki import parse_cell_date

    rowwise = [k for r in rows if (k := KM.keys(PersonFields(r[0], parse_cell_date(r[1])), "f"))]
    assert person_records(columns, KM, "f") == rowwise


def test_columnwise_stated_ages_equal_rowwise() -> None:
    from mamori.normalize.age import years_for
    from mamori.normalize.wareki import parse_cell_date

    rows = [("山田　太郎", "", "62", "2015/04/17"), ("佐藤 花子", "S45.3.2", "45", "2015/04/17"),
            ("ヤマダ タロウ", "", "62歳", "平成27年4月1日"), ("鈴木 一", "", "", "2015/04/17"), ("田中 二郎", "", "40", "未定"),
            ("", "", "30", "2015/01/01")]
    columns = {"name": [r[0] for r in rows], "birth": [r[1] for r in rows], "age": [r[2] for r in rows],
               "on": [r[3] for r in rows]}
    rowwise = [k for r in rows if (k := KM.keys(PersonFields(
        r[0], parse_cell_date(r[1]), birth_years=years_for(r[2], parse_cell_date(r[3])))))]
    assert person_records(columns, KM) == rowwise
    assert sum(1 for k in rowwise[0] if k[0] == KeyKind.NAME_AGE) == 2 + 2 * SLACK_YEARS  # 62 on a known day


def test_columnwise_list_traits_equal_rowwise() -> None:
    from mamori.normalize.wareki import parse_cell_date
    from mamori.people.frame import TRAIT_ROLE, hash_records, key_strings
    from mamori.people.traits import row_traits

    rows = [("山田　太郎", "", "45", "男", ""), ("山田 太郎", "", "72歳", "男性", ""), ("佐藤 花子", "S45.3.2", "45", "女", ""),
            ("山田 太郎", "", "", "", SAKAI), ("鈴木 一", "", "", "", ""), ("", "", "30", "男", ""),
            ("ヤマダ ハナコ", "", "30", "F", "")]
    columns = {"name": [r[0] for r in rows], "birth": [r[1] for r in rows], "address": [r[4] for r in rows],
               TRAIT_ROLE + "age": [r[2] for r in rows], TRAIT_ROLE + "gender": [r[3] for r in rows]}
    rowwise = [k for r in rows if (k := KM.keys(PersonFields(r[0], parse_cell_date(r[1]), r[4], listed_in="L",
                                                              traits=row_traits({"age": r[2], "gender": r[3]}))))]
    assert hash_records(key_strings(columns, "", "L"), KM) == rowwise
    assert [sum(1 for k in r if k[0] == KeyKind.LIST_TRAIT) for r in rowwise] == [2, 2, 0, 0, 0, 2]


def _listed(name: str, listed_in: str, **traits: str) -> PersonFields:
    return PersonFields(name, listed_in=listed_in, traits=tuple(sorted(traits.items())))


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        # Two rows of one list, the same name, 45 and 72 years old: two people.
        ([(_listed("山田 太郎", "kenshin.xlsx|", age="45"), "k"), (_listed("山田 太郎", "kenshin.xlsx|", age="72"), "k")], 2),
        # The same traits twice, or a trait one row leaves blank: one person.
        ([(_listed("山田 太郎", "L", age="45", gender="m"), "k"), (_listed("山田 太郎", "L", gender="m"), "k")], 1),
        # Traits count only inside their list: another list's 72-year-old may be the 45-year-old years later.
        ([(_listed("山田 太郎", "2015.xlsx|", age="45"), "a"), (_listed("山田 太郎", "2042.xlsx|", age="72"), "b")], 1),
        # One keyed namesake: the first row is that person, the second (other traits) a person of its own.
        ([(TARO_1970, "voters.csv"), (_listed("山田 太郎", "L", age="45"), "k"), (_listed("山田 太郎", "L", age="72"), "k")],
         2),
        # Two keyed namesakes: each row is one of them; nobody is added.
        ([(TARO_1970, "voters.csv"), (TARO_1940, "voters.csv"), (_listed("山田 太郎", "L", gender="m", age="45"), "k"),
          (_listed("山田 太郎", "L", gender="m", age="75"), "k")], 2),
        # A mention elsewhere (no list) joins the first of them.
        ([(_listed("山田 太郎", "L", age="45"), "k"), (_listed("山田 太郎", "L", age="72"), "k"), (TARO, "minutes.docx")], 2),
    ],
)
def test_rows_of_one_list_with_other_traits_are_other_people(people: list[tuple[PersonFields, str]],
                                                               expected: int) -> None:
    assert _count(people, spill=10_000) == expected
    assert _count(people, spill=1) == expected


kinds = st.sampled_from([int(k) for k in KeyKind])
key = st.builds(lambda kind, v: bytes((kind,)) + bytes((v,)) * 15, kinds, st.integers(0, 4))
records = st.lists(st.lists(key, min_size=1, max_size=3).map(tuple), max_size=30)


@settings(max_examples=60, deadline=None)
@given(records)
def test_spilled_count_equals_in_memory_count_with_names(recs: list[tuple[bytes, ...]]) -> None:
    counter = DistinctPeople(spill_records=5)
    counter.add_all(recs)
    assert counter.count == count_people(recs)


person = st.builds(
    PersonFields,
    name=st.sampled_from(["山田 太郎", "佐藤 花子", ""]),
    birth_date=st.none() | st.sampled_from([date(1940, 1, 1), date(1952, 6, 1), date(1970, 3, 2)]),
    address=st.sampled_from(["", SAKAI]),
    phone=st.sampled_from(["", "090-1234-5678", "072-228-7411"]),
    birth_years=st.sampled_from([(), (1939, 1940, 1941, 1942), (1951, 1952, 1953, 1954), (1953, 1954, 1955, 1956)]),
    listed_in=st.sampled_from(["", "a.csv#0", "b.xlsx#1"]),
    traits=st.lists(st.tuples(st.sampled_from(["age", "gender"]), st.sampled_from(["", "45", "72", "m"])),
                    max_size=2, unique_by=lambda t: t[0]).map(tuple),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(person, max_size=14))
def test_both_paths_agree_on_realistic_records(people: list[PersonFields]) -> None:
    records = [k for p in people if (k := KM.keys(p))]
    counter = DistinctPeople(spill_records=3)
    counter.add_all(records)
    assert counter.count == count_people(records) <= len(records)
