from datetime import date

from mamori.normalize.wareki import parse_date
from mamori.people.dedupe import DistinctPeople
from mamori.people.keys import KeyMaker, PersonFields

SECRET = b"k" * 32


def test_same_resident_in_two_forms_counts_once() -> None:
    km = KeyMaker(SECRET)
    a = PersonFields(name="山田　太郎", birth_date=parse_date("昭和45年3月2日"), address="大阪府堺市堺区南瓦町３番１号")
    b = PersonFields(name="山田 太郎", birth_date=parse_date("S45.03.02"), address="堺市堺区南瓦町3-1")
    people = DistinctPeople()
    people.add(km.keys(a, "a.csv"))
    people.add(km.keys(b, "b.xlsx"))
    assert people.count == 1


def test_transitive_linking_and_distinct() -> None:
    km = KeyMaker(SECRET)
    people = DistinctPeople()
    people.add(km.keys(PersonFields(name="佐藤 花子", email="hanako@example.jp")))
    people.add(km.keys(PersonFields(name="佐藤 花子", birth_date=date(1980, 1, 1), email="hanako@example.jp")))
    people.add(km.keys(PersonFields(name="佐藤花子", birth_date=date(1980, 1, 1))))
    people.add(km.keys(PersonFields(name="佐藤 花子", birth_date=date(1981, 1, 1))))
    assert people.count == 2


def test_name_only_records_of_one_name_are_one_person_across_files() -> None:
    km = KeyMaker(SECRET)
    people = DistinctPeople()
    people.add(km.keys(PersonFields(name="鈴木 一郎"), "a.txt"))
    people.add(km.keys(PersonFields(name="鈴木 一郎"), "b.txt"))
    people.add(km.keys(PersonFields(name="鈴木　一郎"), "b.txt"))
    assert people.count == 1  # the rule of people/resolve.py (name-only records)


def test_keys_are_keyed_hashes() -> None:
    fields = PersonFields(name="山田 太郎", my_number="123456789018")
    k1, k2 = KeyMaker(b"a" * 32).keys(fields), KeyMaker(b"b" * 32).keys(fields)
    assert set(k1).isdisjoint(k2)
    assert all(b"123456789018" not in k and len(k) == 16 for k in k1)
