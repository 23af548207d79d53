"""Vertical tables: a form gives its one person, a workbook's legend sheet gives nobody."""

from __future__ import annotations

import pytest

from mamori.detect.engine import analyze
from mamori.detect.table_forms import form_text, is_form
from mamori.models import Document, Table
from mamori.people.keys import KeyMaker

KM = KeyMaker(b"f" * 32)
LEGEND = Table((("項目", "説明"), ("氏名", "氏名を記載する（住民基本台帳による）"),
                ("生年月日", "生年月日を記載する（住民基本台帳による）"), ("住所", "住所を記載する（住民基本台帳による）"),
                ("注", "記載内容に変更があった場合は、速やかに担当まで連絡すること。")), name="凡例")
FORM = Table((("氏名", "山田　太郎", "生年月日", "昭和45年3月2日"), ("住所", "大阪府堺市堺区南瓦町3番1号", "電話", "072-228-7907")))
LIST = Table((("氏名", "生年月日", "住所"), ("山田　太郎", "昭和45年3月2日", "大阪府堺市堺区南瓦町3番1号"),
              ("佐藤　花子", "昭和50年1月2日", "大阪府堺市北区1-2-3")))


#: A staff list whose section cells read like labels (障害福祉課 holds 障害): a list, not a form.
STAFF = Table((("所属", "職名", "氏名", "内線"), *(((s, "主事", n, str(4000 + i))) for i, (s, n) in enumerate(
    zip(("障害福祉課", "障害福祉課", "総務課", "人事課", "市民課", "市民課", "学務課", "税務課", "会計室", "会計室"),
        ("石井陽葵", "渡辺哲也", "吉田裕美", "河野雄一", "谷口愛", "中村昭", "藤岡智子", "岡崎祐介", "浅野浩之", "吉本愛美"),
        strict=True)))))


@pytest.mark.parametrize(("table", "form"), [(LEGEND, True), (FORM, True), (LIST, False), (STAFF, False)])
def test_is_form(table: Table, form: bool) -> None:
    assert is_form(table) is form


def test_form_text_pairs_labels_with_values() -> None:
    assert form_text(FORM).splitlines()[0] == "氏名：山田　太郎　生年月日：昭和45年3月2日"


@pytest.mark.parametrize(
    ("table", "persons", "categories"),
    [(LEGEND, 0, set()), (FORM, 1, {"name", "birth_date", "address", "phone"}), (LIST, 2, {"name", "birth_date", "address"})],
)
def test_people_of_vertical_and_horizontal_tables(table: Table, persons: int, categories: set[str]) -> None:
    analysis = analyze(Document("xlsx", tables=(table,)), KM, "a.xlsx")
    assert analysis.persons == persons and categories <= set(analysis.categories)
    assert persons or not analysis.categories


@pytest.mark.parametrize("header", [("受診番号", "氏名", "年齢", "所見"), ("番号", "フリガナ", "住所"), ("氏名", "カナ", "電話番号")])
def test_a_table_of_headers_only_holds_nobody(header: tuple[str, ...]) -> None:
    # An export with no rows yet (a list a department keeps but has not filled) used to fail with KeyError.
    analysis = analyze(Document(format="csv", tables=(Table(rows=(header,)),)), KeyMaker(b"k" * 32), "a.csv")
    assert analysis.persons == 0
