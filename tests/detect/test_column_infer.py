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


@pytest.mark.parametrize(
    ("line", "birth"),
    [
        # A list line of a PDF's text layer (single spaces): the date right after the name is a birth date.
        ("1 田中陽子 1944年11月23日 590-0951 〒590-0951 大阪府堺市堺区市之町西５丁目２３番５号 072-238-0838", True),
        ("2 奥村学 S58.1.22 東京都世田谷区鎌田４丁目１０番１号 080-4298-1926", True),
        ("堺第188801号 本間健二 ほんま　けんじ 1982/10/20 堺市南区土佐屋台十四番十九号 聴覚障害 3級", True),  # reading between
        # A date after a name with nothing else personal on the line, or a future date, is an event.
        ("田中陽子 2023年4月1日 申請受付", False),
        ("1 田中陽子 2099年11月23日 大阪府堺市堺区市之町西５丁目２３番５号", False),
    ],
)
def test_a_date_right_after_a_listed_name(line: str, birth: bool) -> None:
    text = "自治会 会員名簿\n" + line
    analysis = analyze(Document("pdf", blocks=(TextBlock(text),)), KM, "a")
    assert ("birth_date" in analysis.categories) is birth


def test_an_email_alone_in_a_sparse_column() -> None:
    # One member of three gave an address: too few to classify the column, still personal data.
    rows = (("1", "石川", "博", "イシカワ ヒロシ", "昭和29年6月12日", "堺市中区田園1-10", "ishikawa977@docomo.ne.jp"),
            ("2", "竹内", "恵美", "タケウチ エミ", "昭和57年10月25日", "堺市堺区中安井町3-17-21", ""),
            ("3", "本田", "ミヨ", "ホンダ ミヨ", "昭和7年1月2日", "堺市堺区緑ヶ丘北町2-9-14", ""))
    assert "email" in analyze(Document("csv", tables=(Table(rows),)), KM, "a").categories


def test_an_email_run_together_with_a_phone() -> None:
    # A fixed-width line whose e-mail column is off by one: the two cells are read as one.
    rows = (("受付番号", "漢字氏名", "連絡先 メールアドレス"), ("0001", "高木　博", "(080)2184-4427"),
            ("0004", "原　悦代", "(090)5900-1022 etsuyohara@docomo.ne.jp"), ("0005", "渡邉　幸雄", ""))
    assert {"phone", "email"} <= set(analyze(Document("pdf", tables=(Table(rows),)), KM, "a").categories)
