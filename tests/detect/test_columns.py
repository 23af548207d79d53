"""Tables, column first: header finding, column classification, tables of people and their rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mamori.detect.column_headers import EVENT_DATE, OTHER
from mamori.detect.columns import FAMILY_KANA, FAMILY_NAME, GIVEN_KANA, GIVEN_NAME, classify, header_kind
from mamori.detect.engine import Analysis, analyze
from mamori.models import ColumnRows, Document, Table, TextBlock
from mamori.people.keys import KeyMaker

BothPaths = Callable[[Document, str], tuple[Analysis, Analysis]]  # the both_paths fixture (conftest)

KM = KeyMaker(b"s" * 32)
ADDRESSES = ("大阪府堺市堺区南瓦町3番1号", "大阪府堺市北区百舌鳥梅町1丁2番3号", "大阪府堺市西区鳳東町25番地3",
             "大阪府堺市中区深井清水町3丁目5番7号", "大阪府堺市南区晴美台1丁21番10号")


@pytest.mark.parametrize(
    ("header", "kind"),
    [("氏名", "name"), ("氏　名", "name"), ("フリガナ", "name_kana"), ("ふりがな", "name_kana"),
     ("姓", FAMILY_NAME), ("名", GIVEN_NAME), ("姓(カナ)", FAMILY_KANA), ("名（カナ）", GIVEN_KANA),
     ("生年月日", "birth_date"), ("住所", "address"), ("電話番号", "phone"), ("TEL", "phone"), ("性別", "gender"),
     ("要介護度", "care_need"), ("世帯主氏名", "name"), ("保護者氏名", "name"), ("Name", "name"),
     ("Address", "address"), ("DOB", "birth_date"), ("Tel", "phone"), ("E-mail", "email"), ("郵便番号", "postal_code"),
     ("施設名", OTHER), ("施設名称", OTHER), ("町名", OTHER), ("人口", OTHER), ("備考", OTHER), ("所在地", OTHER),
     ("法人番号", OTHER), ("開催日", EVENT_DATE), ("日付", EVENT_DATE), ("", ""), ("令和5年度 選挙人名簿", "")],
)
def test_header_kind(header: str, kind: str) -> None:
    assert header_kind(header) == kind


def _people(n: int) -> list[tuple[str, str, str, str]]:
    names = ("山田　太郎", "佐藤　花子", "鈴木　一郎", "高橋　美咲", "田中　健二")
    dates = ("昭和45年3月2日", "平成2年4月1日", "昭和30年1月15日", "平成12年12月24日", "昭和60年7月7日")
    return [(names[i], dates[i], ADDRESSES[i], f"072-228-79{i:02d}") for i in range(n)]


TABLES: dict[str, tuple[tuple[tuple[str, ...], ...], int | None, bool, dict[str, list[int]]]] = {
    # name: (rows, header row, a table of people?, kinds)
    "title and blank rows above the header": (
        (("令和5年度 選挙人名簿", "", ""), ("", "", ""), ("氏名", "生年月日", "住所"),
         *((n, d, a) for n, d, a, _ in _people(5))),
        2, True, {"name": [0], "birth_date": [1], "address": [2]}),
    "no header at all": (
        tuple((n, a, p) for n, _, a, p in _people(5)), None, True, {"name": [0], "address": [1], "phone": [2]}),
    "split name columns": (
        (("姓", "名", "生年月日"), ("山田", "太郎", "S45.3.2"), ("佐藤", "花子", "H2.4.1"), ("鈴木", "一郎", "S30.1.15")),
        0, True, {FAMILY_NAME: [0], GIVEN_NAME: [1], "birth_date": [2]}),
    "header over two rows": (
        (("氏名", "", "フリガナ", "", "生年月日"), ("姓", "名", "姓", "名", ""),
         ("山田", "太郎", "ヤマダ", "タロウ", "S45.3.2"), ("佐藤", "花子", "サトウ", "ハナコ", "H2.4.1"),
         ("鈴木", "一郎", "スズキ", "イチロウ", "S30.1.15")),
        1, True, {FAMILY_NAME: [0], GIVEN_NAME: [1], FAMILY_KANA: [2], GIVEN_KANA: [3], "birth_date": [4]}),
    "kana name columns": (
        (("姓(カナ)", "名(カナ)", "生年月日"), ("ヤマダ", "タロウ", "S45.3.2"), ("サトウ", "ハナコ", "H2.4.1"),
         ("スズキ", "イチロウ", "H3.4.1")),
        0, True, {FAMILY_KANA: [0], GIVEN_KANA: [1], "birth_date": [2]}),
    "spaced header and gender values": (
        (("氏　名", "性　別"), ("山田　太郎", "男"), ("佐藤　花子", "女"), ("鈴木　一郎", "男")),
        0, True, {"name": [0], "gender": [1]}),
    "English headers": (
        (("Name", "Address", "DOB", "Tel", "Email"),
         ("山田 太郎", ADDRESSES[0], "1970-03-02", "072-228-7907", "taro@example.jp"),
         ("佐藤 花子", ADDRESSES[1], "1980-01-01", "072-228-7908", "hanako@example.jp"),
         ("鈴木 一郎", ADDRESSES[2], "1955-01-15", "072-228-7909", "ichiro@example.jp")),
        0, True, {"name": [0], "address": [1], "birth_date": [2], "phone": [3], "email": [4]}),
    "misleading header: 連絡先 holding e-mail": (
        (("氏名", "連絡先"), ("山田 太郎", "taro@example.jp"), ("佐藤 花子", "hanako@example.jp"),
         ("鈴木 一郎", "ichiro@example.jp")),
        0, True, {"name": [0], "email": [1]}),
    "facility list": (
        (("施設名", "所在地", "電話番号"), ("堺市役所", "堺市堺区南瓦町3番1号", "072-233-1101"),
         ("中央図書館", "堺市堺区大仙中町1番1号", "072-244-3811"), ("北図書館", "堺市北区東三国ヶ丘町5丁目1番1号",
                                                                  "072-258-7701")),
        0, False, {}),
    "population by town": (
        (("町名", "世帯数", "人口", "男", "女"), ("南瓦町", "1200", "2400", "1100", "1300"),
         ("北瓦町", "1300", "2500", "1200", "1300"), ("中瓦町", "900", "1700", "800", "900")),
        0, False, {}),
    "schedule with event dates": (
        (("日付", "内容", "場所"), ("令和6年4月1日", "会議", "本庁"), ("令和6年4月8日", "研修", "北区役所"),
         ("令和6年5月1日", "会議", "本庁")),
        0, False, {}),
    "schedule without a header": (
        (("令和6年4月1日", "会議", "本庁"), ("令和6年4月8日", "研修", "北区役所"), ("令和6年5月1日", "会議", "本庁")),
        None, False, {}),
    "product list": (
        (("品名", "単価", "数量"), ("コピー用紙", "500", "10"), ("ボールペン", "100", "50"), ("封筒", "300", "20")),
        0, False, {}),
}


@pytest.mark.parametrize("case", list(TABLES))
def test_classify(case: str) -> None:
    rows, header, people, kinds = TABLES[case]
    layout = classify(Table(rows=rows))
    assert layout.header_row == header
    assert layout.people is people
    assert layout.kinds() == kinds


def test_columnar_rows_classify_like_tuples() -> None:
    rows = TABLES["title and blank rows above the header"][0]
    columns = [[r[i] for r in rows] for i in range(3)]
    assert classify(Table(rows=ColumnRows(columns))) == classify(Table(rows=rows))


def test_birth_dates_by_values_only_in_a_person_table() -> None:
    rows = tuple((n, d.replace("昭和", "S").replace("平成", "H"), a) for n, d, a, _ in _people(5))
    assert classify(Table(rows=rows)).kinds()["birth_date"] == [1]


def _analyze(*rows: tuple[str, ...]) -> tuple[int, set[str]]:
    result = analyze(Document("csv", tables=(Table(rows=rows),)), KM, "x.csv")
    return result.persons, set(result.categories)


def test_split_names_make_one_person_and_duplicates_count_once() -> None:
    persons, categories = _analyze(("姓", "名", "生年月日"), ("山田", "太郎", "S45.3.2"), ("山田", "太郎", "昭和45年3月2日"),
                                   ("佐藤", "花子", "H2.4.1"))
    assert persons == 2 and categories == {"name", "birth_date"}


def test_subtotal_and_repeated_header_rows_are_not_people() -> None:
    persons, _ = _analyze(("氏名", "住所"), ("山田 太郎", ADDRESSES[0]), ("氏名", "住所"), ("佐藤 花子", ADDRESSES[1]),
                          ("合計", "2名"))
    assert persons == 2


def test_namesakes_born_the_same_day_stay_two_people() -> None:
    persons, _ = _analyze(("氏名", "生年月日", "住所"), ("山田 太郎", "S45.3.2", ADDRESSES[0]),
                          ("山田 太郎", "S45.3.2", ADDRESSES[1]), ("山田　太郎", "昭和45年3月2日", ADDRESSES[0]))
    assert persons == 2


def test_facility_list_is_not_personal() -> None:
    rows, *_ = TABLES["facility list"]
    assert _analyze(*rows) == (0, set())


def test_big_table_keys_equal_small_table_keys(both_paths: BothPaths) -> None:
    rows = (("氏名", "生年月日", "住所", "電話"), *_people(5))
    small, big = both_paths(Document("csv", tables=(Table(rows=rows),)), "x.csv")
    assert big.persons == small.persons == 5


def test_prose_names_with_honorifics() -> None:
    doc = Document("txt", blocks=(TextBlock("山田 太郎 様\n拝啓 皆様には… 佐藤花子さんから連絡がありました。"),))
    assert analyze(doc, KM, "letter.txt").persons == 2


def test_corporate_number_is_not_personal_data() -> None:
    doc = Document("txt", blocks=(TextBlock("法人番号 7000012050002 の株式会社から請求がありました。"),))
    result = analyze(doc, KM, "invoice.txt")
    assert "corporate_number" not in result.categories and result.persons == 0


@pytest.mark.parametrize(
    ("rows", "persons"),
    [
        # 健診: the same name at 45 and at 72 in one list is two people; the same row twice is one.
        ((("受診番号", "氏名", "年齢", "性別", "所見"), ("K001", "山田 太郎", "45", "男", "異常なし"),
          ("K002", "山田　太郎", "72歳", "男", "高血圧症"), ("K003", "佐藤 花子", "50", "女", "貧血"),
          ("K004", "山田 太郎", "45", "男性", "異常なし")), 3),
        # 申込: two rows of one name with other phones are two applicants; a blank phone is no difference.
        ((("受付番号", "申込日", "氏名", "連絡先"), ("1", "2015/04/17", "馬場 哲也", "090-1673-3167"),
          ("2", "2015/04/18", "馬場 哲也", "090-7706-6323"), ("3", "2015/04/18", "馬場 哲也", "")), 2),
        # A list without traits: the name alone cannot tell two rows apart.
        ((("氏名", "所属"), ("山田 太郎", "総務課"), ("山田 太郎", "税務課")), 1),
    ],
)
def test_rows_of_one_list_with_other_traits_are_other_people(both_paths: BothPaths, rows: tuple[tuple[str, ...], ...],
                                                               persons: int) -> None:
    small, big = both_paths(Document("xlsx", tables=(Table(rows=rows),)), "x.xlsx")
    assert small.persons == big.persons == persons


def test_an_age_on_a_dated_row_keeps_a_namesake_voter_apart() -> None:
    voters = (("氏名", "生年月日", "住所"), ("遠藤 豊", "昭和7年12月18日", "大阪府堺市堺区南瓦町3-1"))
    bookings = (("受付番号", "申込日", "氏名", "年齢", "連絡先"), ("0001", "2015/04/17", "遠藤 豊", "62", "090-7185-0349"))
    same = (("受付番号", "申込日", "氏名", "年齢", "連絡先"), ("0001", "2015/04/17", "遠藤 豊", "82", "090-7185-0349"))
    undated = (("氏名", "年齢", "連絡先"), ("遠藤 豊", "62", "090-7185-0349"))

    def together(*tables: tuple[tuple[str, ...], ...]) -> int:
        return analyze(Document("xlsx", tables=tuple(Table(rows=t, name=str(i)) for i, t in enumerate(tables))),
                       KM, "x.xlsx").persons

    assert together(voters, bookings) == 2  # 62 in 2015 is not someone born in 1932
    assert together(voters, same) == 1  # 82 in 2015 is
    assert together(voters, undated) == 1  # without the row's day an age says nothing


def test_a_participant_a_year_older_on_a_later_date_is_the_same_person(both_paths: BothPaths) -> None:
    rows = (("参加日", "氏名", "年齢", "連絡先"), ("2014/08/02", "山田 太郎", "45", "090-1234-5678"),
            ("2015/08/01", "山田 太郎", "46", ""), ("2015/08/01", "山田 太郎", "72", "072-228-7411"))
    small, big = both_paths(Document("xlsx", tables=(Table(rows=rows),)), "log.xlsx")
    assert small.persons == big.persons == 2  # 45 then 46 is one man; 72 in 2015 is another


def test_traits_count_inside_one_table_not_across_the_tables_of_a_document() -> None:
    header = ("氏名", "年齢", "性別")
    doc = Document("docx", tables=(Table(rows=(header, ("山田 太郎", "45", "男")), name="table 1"),
                                   Table(rows=(header, ("山田 太郎", "46", "男")), name="table 2")))
    assert analyze(doc, KM, "参加者_2014_2015.docx").persons == 1  # last year's list and this year's
    one = Document("docx", tables=(Table(rows=(header, ("山田 太郎", "45", "男"), ("山田 太郎", "72", "男")), name="t"),))
    assert analyze(one, KM, "健診.docx").persons == 2
