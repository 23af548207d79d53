import pytest

from mamori.detect.columns import FAMILY_NAME, GIVEN_NAME, classify, header_kind
from mamori.detect.engine import analyze
from mamori.models import Document, Table, TextBlock
from mamori.people.keys import KeyMaker

KM = KeyMaker(b"s" * 32)


@pytest.mark.parametrize(
    ("header", "kind"),
    [("氏名", "name"), ("氏　名", "name"), ("フリガナ", "name_kana"), ("姓", FAMILY_NAME), ("名", GIVEN_NAME),
     ("生年月日", "birth_date"), ("住所", "address"), ("電話番号", "phone"), ("TEL", "phone"), ("性別", "gender"),
     ("要介護度", "care_need"), ("施設名", ""), ("町名", ""), ("人口", ""), ("備考", "")],
)
def test_header_kind(header: str, kind: str) -> None:
    assert header_kind(header) == kind


def test_title_rows_above_header() -> None:
    table = Table(rows=(("令和5年度 選挙人名簿", "", ""), ("", "", ""), ("氏名", "生年月日", "住所"),
                        ("山田　太郎", "昭和45年3月2日", "大阪府堺市堺区南瓦町3番1号")))
    layout = classify(table)
    assert layout.header_row == 2
    assert layout.kinds() == {"name": [0], "birth_date": [1], "address": [2]}


def test_split_name_columns_make_one_person_and_duplicates_count_once() -> None:
    rows = (("姓", "名", "生年月日"), ("山田", "太郎", "S45.3.2"), ("山田", "太郎", "昭和45年3月2日"),
            ("佐藤", "花子", "H2.4.1"))
    result = analyze(Document("csv", tables=(Table(rows=rows),)), KM, "x.csv")
    assert len(result.persons) == 2
    assert set(result.categories) == {"name", "birth_date"}


def test_headerless_table_by_values() -> None:
    rows = tuple((f"山田 太郎{'一二三四五'[i]}", f"大阪府堺市堺区南瓦町{i + 1}番1号", f"072-228-790{i}") for i in range(5))
    result = analyze(Document("csv", tables=(Table(rows=rows),)), KM, "x.csv")
    assert len(result.persons) == 5
    assert {"name", "address", "phone"} <= set(result.categories)


def test_facility_list_is_not_personal() -> None:
    rows = (("施設名", "所在地", "電話番号"), ("堺市役所", "堺市堺区南瓦町3番1号", "072-233-1101"),
            ("中央図書館", "堺市堺区大仙中町", "072-244-3811"))
    result = analyze(Document("csv", tables=(Table(rows=rows),)), KM, "f.csv")
    assert result.persons == () and result.categories == {}


def test_prose_names_with_honorifics() -> None:
    doc = Document("txt", blocks=(TextBlock("山田 太郎 様\n拝啓 皆様には… 佐藤花子さんから連絡がありました。"),))
    result = analyze(doc, KM, "letter.txt")
    assert len(result.persons) == 2
