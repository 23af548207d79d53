"""Header-less tables read by the shape of their values: combined bank cells, pay beside job titles,
grades beside a school, event dates that are not birth dates, office lines, 国保 記号・番号, titles above
the rows, two-row registers and representatives written with their role."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mamori.detect.columns import classify
from mamori.detect.engine import Analysis, analyze
from mamori.models import Document, Table
from mamori.people.keys import KeyMaker

BothPaths = Callable[[Document, str], tuple[Analysis, Analysis]]  # the both_paths fixture (conftest)

KM = KeyMaker(b"s" * 32)
NAMES = ("中村　杏", "青木　俊介", "杉山　豊", "三浦　祐介", "井上　浩", "清水　和樹")
BANKS = ("大阪信用金庫 北花田支店 普通 7314950", "三井住友銀行 堺支店 普通 2451593", "三菱UFJ銀行 堺支店 普通 7733873",
         "りそな銀行 堺東支店 普通 3391886", "ゆうちょ銀行 四〇八支店 普通 6879866", "池田泉州銀行 鳳支店 当座 0080132")
POSTS = ("課長補佐", "技師", "主査", "主事", "会計年度任用職員", "係長")
SECTIONS = ("総務課", "健康推進課", "税務課", "会計室", "保険年金課", "学務課")


def kinds(rows: tuple[tuple[str, ...], ...]) -> dict[int, str]:
    layout = classify(Table(rows))
    return {c.index: c.kind for c in layout.columns if c.kind}


def staff(pay: tuple[str, ...], bank: tuple[str, ...] = BANKS, posts: tuple[str, ...] = POSTS) -> tuple[tuple[str, ...], ...]:
    return tuple((f"{924500 + i}", SECTIONS[i], NAMES[i], posts[i], pay[i], bank[i]) for i in range(len(NAMES)))


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # 職員番号 | 所属 | 氏名 | 職名 | 給料月額 | 振込口座, no header: the ID is not pay, the amounts are.
        (staff(("440,000", "385,000", "214,000", "448,000", "330,000", "339,000")),
         {2: "name", 4: "salary", 5: "bank_account"}),
        (staff(("¥440000", "¥385000", "¥214000", "¥448000", "¥330000", "¥339000")),
         {2: "name", 4: "salary", 5: "bank_account"}),
        (staff(("44万円", "38.5万円", "21.4万円", "44.8万円", "33万円", "33.9万円")), {2: "name", 4: "salary", 5: "bank_account"}),
        # Allowances of a few thousand yen are not pay; bare numbers without a money mark are not amounts.
        (staff(("10,000", "15,000", "10,000", "5,000", "15,000", "10,000")), {2: "name", 5: "bank_account"}),
        (staff(("440000", "385000", "214000", "448000", "330000", "339000")), {2: "name", 5: "bank_account"}),
        # Without job titles, amounts beside an account are a payment (児童手当, 給付金), not a salary.
        (staff(("440,000", "385,000", "214,000", "448,000", "330,000", "339,000"), posts=("",) * 6),
         {2: "name", 5: "bank_account"}),
    ],
)
def test_staff_pay_lists_without_a_header(rows: tuple[tuple[str, ...], ...], expected: dict[int, str]) -> None:
    assert kinds(rows) == expected


SCHOOL = "堺市立浜寺中学校"
PUPILS = (("金子　結翔", "20061122"), ("小林　蒼太", "20070317"), ("小林　悠斗", "20070128"), ("坂本　凛", "20070522"),
          ("中野　琉生", "20071103"))


@pytest.mark.parametrize(
    ("rows", "age_column"),
    [
        # 学校名 | 学年 | 組 | 番 | 氏名 | 生年月日: a grade agrees with the birth year as well as an age would.
        (tuple((SCHOOL, "9", "2", str(i + 1), n, d) for i, (n, d) in enumerate(PUPILS)), False),
        (tuple((SCHOOL, str(3 + i % 2), "1", str(i + 1), n, d) for i, (n, d) in enumerate(PUPILS)), False),
        # Without a school column the same numbers agree with the birth dates: ages.
        (tuple((str(19 - (i > 0)), n, d) for i, (n, d) in enumerate(PUPILS)), True),
        # A school column does not turn real ages (over 9) into grades.
        (tuple((SCHOOL, str(14 - (i > 0)), n, d) for i, (n, d) in enumerate(PUPILS)), True),
    ],
)
def test_grades_beside_a_school_are_not_ages(rows: tuple[tuple[str, ...], ...], age_column: bool) -> None:
    assert ("age" in kinds(rows).values()) is age_column


APPLICANTS = (("0001", "2022/01/02", "中島律子", "74", "09096106584", "2"),
              ("0002", "2022/01/02", "松浦翼", "16", "09039730537", "1"),
              ("0003", "2022/01/02", "福田裕美", "28", "09096136400", "1"),
              ("0004", "2022/01/02", "菅原恵", "30", "09031198025", "3"),
              ("0005", "2022/01/02", "太田大輔", "47", "", "3"))


def test_one_application_date_is_not_a_birth_date_for_ages() -> None:
    got = kinds(APPLICANTS)
    assert got.get(3) == "age" and 5 not in got  # 参加人数 1–4 + the application year is not a birth year


def test_party_sizes_under_a_header_are_not_ages() -> None:
    rows = (("受付番号", "申込日", "氏名", "連絡先", "参加人数"), *((r[0], r[1], r[2], r[4], r[5]) for r in APPLICANTS))
    assert kinds(rows) == {2: "name", 3: "phone"}


DIRECTORY = (("総務課", "主事", "鈴木久美子", "2980", "072-228-7000"), ("会計室", "主査", "小林美代子", "7633", "072-228-7259"),
             ("税務課", "課長", "佐々木幸雄", "7055", "072-228-7333"), ("健康推進課", "課長補佐", "竹内裕子", "2860", "072-228-7370"))


@pytest.mark.parametrize(
    ("rows", "phone"),
    [
        (DIRECTORY, False),  # direct lines of one exchange beside job titles: the sections' phones
        (DIRECTORY + DIRECTORY[:1] * 3, False),
        # Mobiles of staff (an emergency call list) are their own.
        (tuple((*r[:4], f"090-{1234 + i}-{5678 + i}") for i, r in enumerate(DIRECTORY)), True),
        # A residents' list without job titles keeps its phones, shared in a household or not.
        (tuple(("", "", r[2], "", "072-228-7000") for r in DIRECTORY), True),
    ],
)
def test_office_lines_in_a_staff_list(rows: tuple[tuple[str, ...], ...], phone: bool) -> None:
    assert ("phone" in kinds(rows).values()) is phone


def test_symbol_numbers_of_national_health_insurance() -> None:
    rows = (("国民健康保険・国民年金 被保険者一覧", "", "", "", ""), ("", "", "", "", ""),
            ("堺77-099349", "0481-146639", "藤川 沙織", "S46.10.2", "大阪府堺市南区泉田中１９－２０"),
            ("堺70-338842", "9974-386132", "松村 明", "S37.3.15", "大阪府堺市堺区六条通２４－９"),
            ("堺49-627221", "8353-674511", "鈴木 翔太", "H3.5.16", "大阪府堺市中区毛穴町１１１７"))
    assert kinds(rows) == {0: "insurance_number", 1: "pension_number", 2: "name", 3: "birth_date", 4: "address"}


def test_a_title_above_header_less_rows_is_no_person() -> None:
    rows = (("平成27年度 大阪府知事選挙 選挙人名簿", "", "", ""), ("", "", "", ""),
            ("伊藤　京子", "F", "昭和34年12月01日", "東京都新宿区四谷４丁目１３番２３号"),
            ("久保　紀子", "F", "昭和28年07月05日", "大阪府堺市美原区今井２０番２２号"),
            ("上田　孝", "M", "昭和18年05月11日", "大阪府堺市北区百舌鳥赤畑町４丁目１９番１５号"))
    layout = classify(Table(rows))
    assert layout.first_row == 2
    assert analyze(Document("xls", tables=(Table(rows),)), KM, "a.xls").persons == 3


def test_a_two_row_register_without_a_header() -> None:
    rows = (("中尾健", "1981/2/16", "堺市堺区浅香山町４丁目１７番１号", "横領", "懲役1年 執行猶予3年", "平成23年9月20日"),
            ("清水裕美", "1982/3/18", "堺市北区船堂町６番２０号", "窃盗", "懲役3年 執行猶予3年", "平成23年9月20日"))
    assert kinds(rows) == {0: "name", 1: "birth_date", 2: "address", 3: "criminal_record", 4: "criminal_record"}


def test_two_rows_of_words_are_not_classified_by_one_lucky_value() -> None:
    rows = (("会議", "本庁", "山田 太郎"), ("研修", "北区役所", "資料配布"))
    assert kinds(rows) == {}


@pytest.mark.parametrize(
    ("cell", "same_as"),
    [("会長　近藤正男", "近藤正男"), ("代表 小野明", "小野明"), ("代表者：山田 太郎", "山田 太郎")],
)
def test_a_representative_with_a_role_is_the_person(cell: str, same_as: str) -> None:
    def keys(name: str) -> tuple[tuple[bytes, ...], ...]:
        rows = (("No", "団体名", "代表者名", "代表者住所"), ("1", "檜尾防犯協会支部", name, "大阪府堺市南区檜尾379番地"))
        return analyze(Document("csv", tables=(Table(rows),)), KM, "a.csv").person_keys

    assert keys(cell) == keys(same_as) and keys(cell)


@pytest.mark.parametrize(
    ("header", "kind"),
    [("障害福祉課", "other"), ("保険年金課", "other"), ("管理係", "other"), ("参加人数", "other"), ("世帯人数", "other"),
     ("代表者名", "name"), ("代表者住所", "address"), ("代表番号", ""), ("障害者手帳", "disability")],
)
def test_header_words(header: str, kind: str) -> None:
    from mamori.detect.column_headers import header_kind

    assert header_kind(header) == kind


def test_a_first_row_holding_only_a_name_is_a_person() -> None:
    rows = (("山田　太郎", "", "", ""),
            ("伊藤　京子", "F", "昭和34年12月01日", "東京都新宿区四谷４丁目１３番２３号"),
            ("久保　紀子", "F", "昭和28年07月05日", "大阪府堺市美原区今井２０番２２号"),
            ("上田　孝", "M", "昭和18年05月11日", "大阪府堺市北区百舌鳥赤畑町４丁目１９番１５号"))
    assert classify(Table(rows)).first_row == 0


def test_roles_are_stripped_the_same_in_big_tables(both_paths: BothPaths) -> None:
    rows = (("No", "団体名", "代表者名", "代表者住所"), ("1", "檜尾防犯協会支部", "会長　近藤正男", "大阪府堺市南区檜尾379番地"),
            ("2", "石津北老人クラブ", "代表：小野明", "大阪府堺市堺区石津北町1073番地"),
            ("3", "永代自治会", "大塚正雄", "大阪府堺市堺区永代町6丁目14番3号"))
    small, big = both_paths(Document("csv", tables=(Table(rows),)), "a.csv")
    assert small.persons == big.persons == 3
