"""Header words: what a table's header cell says its column holds (Japanese and English).

Exact words match the whole cell (spaces removed, NFKC, upper case); the others match inside it,
first listed first. Words for columns that are *not* personal (施設名, 所在地, 人口, 日付) matter too:
they make a row a header row, so a facility list's header is not read as data.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Column kinds beyond the categories: the halves of a split name and of a split reading.
FAMILY_NAME = "family_name"
GIVEN_NAME = "given_name"
FAMILY_KANA = "family_kana"
GIVEN_KANA = "given_kana"
#: A header word that names something other than personal data (still marks a header row).
OTHER = "other"
#: A date that is an event (申請日, 開催日), never a birth date.
EVENT_DATE = "event_date"

_EXACT: dict[str, str] = {
    "姓": FAMILY_NAME, "氏": FAMILY_NAME, "苗字": FAMILY_NAME, "名字": FAMILY_NAME, "名": GIVEN_NAME,
    "姓(カナ)": FAMILY_KANA, "名(カナ)": GIVEN_KANA, "セイ": FAMILY_KANA, "メイ": GIVEN_KANA,
    "姓カナ": FAMILY_KANA, "名カナ": GIVEN_KANA, "姓(フリガナ)": FAMILY_KANA, "名(フリガナ)": GIVEN_KANA,
    "性": "gender", "歳": "age", "TEL": "phone", "電話": "phone", "〒": "postal_code", "NAME": "name",
    "FULLNAME": "name", "FULL NAME": "name", "FIRSTNAME": GIVEN_NAME, "GIVENNAME": GIVEN_NAME,
    "LASTNAME": FAMILY_NAME, "SURNAME": FAMILY_NAME, "FAMILYNAME": FAMILY_NAME, "SEX": "gender",
    "GENDER": "gender", "AGE": "age", "DOB": "birth_date", "ZIP": "postal_code", "NO": OTHER, "NO.": OTHER,
    "番号": OTHER, "連番": OTHER, "ID": OTHER, "区分": OTHER, "備考": OTHER, "件数": OTHER, "合計": OTHER,
    "摘要": OTHER, "内容": OTHER, "用途": OTHER, "種別": OTHER, "状況": OTHER, "結果": OTHER, "数": OTHER,
    "日": EVENT_DATE, "日時": EVENT_DATE, "日付": EVENT_DATE, "DATE": EVENT_DATE, "時間": OTHER,
    # Legacy exports write headers in (half-width) katakana: ｼﾒｲ, ｾｲﾈﾝｶﾞｯﾋﾟ (compared after NFKC).
    "シメイ": "name", "カナシメイ": "name_kana", "シメイカナ": "name_kana", "セイネンガッピ": "birth_date",
    "ジュウショ": "address", "デンワ": "phone", "デンワバンゴウ": "phone", "セイベツ": "gender", "ネンレイ": "age",
    "ユウビンバンゴウ": "postal_code", "セイ(カナ)": FAMILY_KANA, "メイ(カナ)": GIVEN_KANA,
}
_CONTAINS: tuple[tuple[str, str], ...] = (
    ("血液型", OTHER),
    # Names of bodies and places (and their readings: 法人名カナ, 市区町村名（カナ）) before the name words.
    ("法人名", OTHER), ("会社名", OTHER), ("団体名", OTHER), ("企業名", OTHER), ("事業所名", OTHER),
    ("都道府県名", OTHER), ("市区町村名", OTHER), ("市町村名", OTHER), ("町域名", OTHER), ("施設名", OTHER),
    ("生年月日", "birth_date"), ("誕生日", "birth_date"), ("生年", "birth_date"), ("BIRTH", "birth_date"),
    ("フリガナ", "name_kana"), ("ふりがな", "name_kana"), ("カナ", "name_kana"), ("かな", "name_kana"),
    ("ヨミ", "name_kana"), ("よみ", "name_kana"), ("KANA", "name_kana"),
    ("町名", OTHER), ("町丁", OTHER), ("地区", OTHER), ("校区", OTHER), ("自治会", OTHER),
    ("マイナンバー", "my_number"), ("個人番号", "my_number"), ("住民票コード", "resident_code"),
    ("法人番号", OTHER), ("郵便番号", "postal_code"), ("POSTAL", "postal_code"), ("ZIP", "postal_code"),
    ("被保険者番号", "insurance_number"), ("保険者番号", "insurance_number"), ("保険証", "insurance_number"),
    ("基礎年金番号", "pension_number"), ("年金番号", "pension_number"), ("口座名義", "name"), ("名義人", "name"),
    ("名義", "name"), ("口座番号", "bank_account"), ("通帳記号", "bank_account"), ("口座", "bank_account"),
    ("記号番号", "insurance_number"), ("国保番号", "insurance_number"), ("免許証", "drivers_license"),
    ("旅券", "passport"), ("パスポート", "passport"),
    ("PASSPORT", "passport"), ("カード番号", "credit_card"),
    ("世帯主", "name"), ("氏名", "name"), ("名前", "name"), ("姓名", "name"), ("お名前", "name"),
    ("申込者", "name"), ("申請者", "name"), ("被保険者名", "name"), ("児童名", "name"), ("生徒名", "name"),
    ("保護者", "name"), ("受給者", "name"), ("患者名", "name"), ("利用者名", "name"), ("担当者", "name"),
    ("NAME", "name"),
    ("住所", "address"), ("居所", "address"), ("現住所", "address"), ("本籍", "address"), ("ADDRESS", "address"),
    ("年齢", "age"), ("性別", "gender"), ("男女", "gender"),
    ("電話", "phone"), ("携帯", "phone"), ("TEL", "phone"), ("PHONE", "phone"), ("連絡先", "phone"),
    ("FAX", OTHER), ("メール", "email"), ("E-MAIL", "email"), ("EMAIL", "email"), ("MAIL", "email"),
    # After 住所/電話/メール: 代表者住所 is an address, 代表者名 a name.
    ("代表者", "name"), ("会長名", "name"),
    ("要介護", "care_need"), ("介護度", "care_need"), ("要支援", "care_need"), ("認定区分", "care_need"),
    ("障害", "disability"), ("障がい", "disability"), ("手帳", "disability"), ("等級", "disability"),
    ("病名", "health"), ("傷病", "health"), ("診断", "health"), ("既往", "health"), ("健診", "health"),
    ("病歴", "health"), ("服薬", "health"), ("アレルギー", "health"), ("疾患", "health"), ("症状", "health"),
    ("所見", "health"), ("身長", "health"), ("体重", "health"), ("血圧", "health"), ("HBA1C", "health"),
    ("BMI", "health"), ("血糖", "health"), ("腹囲", "health"), ("中性脂肪", "health"), ("コレステロール", "health"),
    ("尿酸", "health"), ("心電図", "health"), ("検査結果", "health"), ("受診結果", "health"),
    ("犯罪", "criminal_record"), ("前科", "criminal_record"), ("逮捕", "criminal_record"), ("罪名", "criminal_record"),
    ("刑名", "criminal_record"), ("刑期", "criminal_record"), ("犯歴", "criminal_record"), ("前歴", "criminal_record"),
    ("判決", "criminal_record"), ("刑罰", "criminal_record"),
    # 支給額 and 手当 are also what a city pays residents (児童手当): only pay words are salary.
    ("給与", "salary"), ("給料", "salary"), ("基本給", "salary"), ("年収", "salary"), ("月給", "salary"),
    ("報酬月額", "salary"), ("俸給", "salary"), ("所得", "salary"),
    ("学校", "school"), ("学年", "school"), ("学歴", "school"), ("在籍", "school"), ("出身校", "school"),
    ("所在地", OTHER), ("人数", OTHER), ("人口", OTHER), ("世帯数", OTHER), ("面積", OTHER), ("金額", OTHER),
    ("単価", OTHER),
    ("数量", OTHER), ("品名", OTHER), ("品番", OTHER), ("商品", OTHER), ("会場", OTHER), ("場所", OTHER),
    ("施設", OTHER), ("件名", OTHER), ("事業", OTHER), ("所属", OTHER), ("部署", OTHER), ("役職", OTHER),
    ("課", OTHER), ("内容", OTHER), ("開催", EVENT_DATE), ("実施日", EVENT_DATE), ("受付日", EVENT_DATE),
    ("申請日", EVENT_DATE), ("交付日", EVENT_DATE), ("届出日", EVENT_DATE), ("異動日", EVENT_DATE),
    ("年月日", EVENT_DATE), ("期日", EVENT_DATE), ("予定日", EVENT_DATE), ("作成日", EVENT_DATE),
    ("更新日", EVENT_DATE), ("登録日", EVENT_DATE), ("日程", EVENT_DATE), ("曜日", OTHER), ("時刻", OTHER),
)
#: Headers naming a thing, not a person, although they contain a person-column word (施設名, 町名).
_NOT_PERSON = ("施設", "会社", "法人", "団体", "事業所", "店", "品", "商品", "部品", "町名", "地区", "学校名",
               "課", "名称", "件名", "地名", "駅", "物件", "会場", "組織", "病院名", "医療機関",
               # Places and bodies: 市区町村名(カナ), 都道府県名カナ, 町域名, 企業名, 商号, 屋号.
               "都道府県", "市区町村", "市町村", "区町村", "町域", "自治体", "企業", "社名", "商号", "屋号", "店舗")
#: Words that make a header a person's name whatever else it says (施設管理者氏名, 法人代表者名).
_A_PERSONS_NAME = ("氏名", "者名", "者の氏名", "者フリガナ", "者カナ")
_SPACES = re.compile(r"[\s\u3000]+")
#: Endings of a document's title (a cell above the table), never of a column header.
_TITLE_ENDS = ("一覧", "一覧表", "名簿", "台帳", "リスト", "名簿抄本", "交付簿", "登録簿", "受付票", "結果表")
#: 氏名(姓) | 氏名(名), フリガナ(セイ): one half of a split name under a whole-name word.
_NAME_PART = re.compile(r"(.{2,8})\((姓|氏|名|セイ|メイ)\)")
_MAX_HEADER = 24
#: Endings of an organisational unit (障害福祉課, 管理係, 事務局): a cell naming one is no column of personal data.
_UNIT_ENDS = ("課", "係", "局", "センター", "事務所")


def clean(cell: str) -> str:
    """A header cell as compared: NFKC, no spaces, upper case."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", cell)).upper()


@lru_cache(maxsize=4096)
def header_kind(cell: str) -> str:
    """The kind a header cell names (a category, a name part, OTHER, EVENT_DATE) or ""."""
    text = clean(cell)
    if not text or len(text) > _MAX_HEADER or text.endswith(_TITLE_ENDS):
        return ""  # 申込者一覧 is a title above a table, not a column's header
    if text in _EXACT:
        return _EXACT[text]
    if text.endswith(_UNIT_ENDS):
        return OTHER
    part = _NAME_PART.fullmatch(text)
    if part and header_kind(part.group(1)) in ("name", "name_kana"):
        kana = header_kind(part.group(1)) == "name_kana" or part.group(2) in ("セイ", "メイ")
        family = part.group(2) in ("姓", "氏", "セイ")
        return (FAMILY_KANA if family else GIVEN_KANA) if kana else (FAMILY_NAME if family else GIVEN_NAME)
    for word, kind in _CONTAINS:
        if word in text:
            if kind in ("name", "name_kana") and any(n in text for n in _NOT_PERSON) \
                    and not any(w in text for w in _A_PERSONS_NAME):
                return OTHER  # 施設名, 法人名カナ; but 施設管理者氏名 names the facility's manager
            return kind
    return ""


def is_personal_kind(kind: str) -> bool:
    """True for kinds that are personal data (or a part of a name)."""
    return bool(kind) and kind not in (OTHER, EVENT_DATE)
