"""Column kinds only a whole table shows: split names, ages, gender codes, accounts, readings, memos."""

from __future__ import annotations

import pytest

from mamori.detect.columns import classify
from mamori.detect.engine import analyze
from mamori.models import Document, Table, TextBlock
from mamori.people.keys import KeyMaker

KM = KeyMaker(b"c" * 32)
HEALTH = (("K001", "松尾", "真奈美", "41", "女", "163.4", "104/91", "肝機能障害"),
          ("K002", "山下", "茂", "63", "男", "168.2", "129/82", "脂質異常症"),
          ("K003", "青木", "亜希子", "57", "女", "163.2", "107/94", "異常なし"),
          ("K004", "田中", "健一", "70", "男", "171.0", "140/90", "高血圧症"))
VOTERS = (("1", "後藤", "悦子", "2", "昭和37年2月25日", "162-0054", "新宿区河田町564番地9"),
          ("2", "泉", "文江", "2", "大正12年1月28日", "587-0012", "堺市美原区多治井125番地27"),
          ("3", "山口", "正", "1", "昭和34年4月22日", "590-0103", "堺市南区深阪南23番6号"),
          ("4", "千葉", "政治", "1", "大正15年4月22日", "593-8317", "堺市西区原田605番地28"))
ACCOUNTS = (("山中", "彩", "三菱UFJ銀行 堺支店", "普通", "9772697", "ﾔﾏﾅｶ ｱﾔ"),
            ("新井", "節子", "りそな銀行 堺東支店", "普通", "0446918", "ｱﾗｲ ｾﾂｺ"),
            ("近藤", "雄一", "三井住友銀行 堺支店", "普通", "6356669", "ｺﾝﾄﾞｳ ﾕｳｲﾁ"))


@pytest.mark.parametrize(
    ("rows", "kinds"),
    [
        (HEALTH, {1: "family_name", 2: "given_name", 3: "age", 4: "gender", 7: "health"}),
        (VOTERS, {1: "family_name", 2: "given_name", 3: "gender", 4: "birth_date", 5: "postal_code", 6: "address"}),
        (ACCOUNTS, {0: "family_name", 1: "given_name", 4: "bank_account", 5: "name_kana"}),
    ],
)
def test_headerless_tables(rows: tuple[tuple[str, ...], ...], kinds: dict[int, str]) -> None:
    layout = classify(Table(rows))
    assert layout.people
    got = {c.index: c.kind for c in layout.columns if c.kind}
    assert {i: got.get(i) for i in kinds} == kinds


@pytest.mark.parametrize(
    ("header", "values", "kind"),
    [
        ("性別", ("1", "2", "2", "1"), "gender"),  # codes under a gender header
        ("国保記号番号", ("堺77-099349", "堺70-338842", "堺49-627221", "堺11-123456"), "insurance_number"),
        ("口座名義", ("ﾔﾏﾀﾞ ﾀﾛｳ", "ｻﾄｳ ﾊﾅｺ", "ｽｽﾞｷ ｲﾁﾛｳ", "ﾀﾅｶ ｼﾞﾛｳ"), "name_kana"),
        ("支給額", ("10,000", "15,000", "10,000", "5,000"), ""),  # an allowance paid, not a salary
        ("罪名", ("窃盗", "横領", "詐欺", "傷害"), "criminal_record"),
        ("カード番号", ("************8526", "************6666", "************1234", "************9999"), ""),
    ],
)
def test_header_words(header: str, values: tuple[str, ...], kind: str) -> None:
    names = ("山田　太郎", "佐藤　花子", "鈴木　一郎", "田中　次郎")
    table = Table((("氏名", header), *zip(names, values, strict=True)))
    layout = classify(table)
    assert layout.columns[1].kind == kind


def test_cells_say_more_than_their_column() -> None:
    table = Table((("氏名", "住所", "備考"),
                   ("山田　太郎", "〒590-0078 大阪府堺市堺区南瓦町3番1号", ""),
                   ("佐藤　花子", "大阪府堺市北区1-2-3", "不在時は長女（090-1234-5678）へ連絡")))
    analysis = analyze(Document("xlsx", tables=(table,)), KM, "a")
    assert {"postal_code", "phone"} <= set(analysis.categories)


@pytest.mark.parametrize(
    ("text", "kana", "persons"),
    [
        ("相談者：河合 利夫（カワイ トシオ）\n住所：大阪府堺市北区宮本町607番地", True, 1),
        ("相談者：河合 利夫\n電話：072-255-2438", False, 1),
    ],
)
def test_a_reading_beside_a_name(text: str, kana: bool, persons: int) -> None:
    analysis = analyze(Document("txt", blocks=(TextBlock(text),)), KM, "a")
    assert ("name_kana" in analysis.categories) is kana and analysis.persons == persons


def test_an_office_phone_in_a_letter_is_not_personal() -> None:
    text = "上原達郎 様\n介護保険料額決定通知書\n問い合わせ先　堺市役所 072-228-7907"
    analysis = analyze(Document("txt", blocks=(TextBlock(text),)), KM, "a")
    assert "phone" not in analysis.categories and analysis.persons == 1
