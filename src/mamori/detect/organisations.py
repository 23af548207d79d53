"""Organisations, facilities and places written where a person's name could be: 法人格 (株式会社,
一般社団法人 …) and their readings (ｶﾌﾞｼｷｶﾞｲｼｬ), facility words (図書館, 保育園), municipalities.

A corporation list, a facility list or a list of municipalities has a name column and a reading
column like a list of people; its rows are not people. Used by the column classifier (a column of
such values is no name column) and row by row (a row naming one is no person).
"""

from __future__ import annotations

import re
import unicodedata

from mamori.detect.places import MUNICIPALITY_ENDS, PREFECTURES, gazetteer

#: 法人格 and their short forms, written before or after the name.
LEGAL_FORMS = (
    "株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "相互会社", "一般社団法人", "一般財団法人",
    "公益社団法人", "公益財団法人", "社会福祉法人", "医療法人", "学校法人", "宗教法人", "特定非営利活動法人",
    "NPO法人", "独立行政法人", "地方独立行政法人", "国立大学法人", "公立大学法人", "社会医療法人", "弁護士法人",
    "税理士法人", "司法書士法人", "行政書士法人", "監査法人", "農事組合法人", "協同組合", "生活協同組合",
    "農業協同組合", "漁業協同組合", "信用金庫", "信用組合", "労働組合", "(株)", "(有)", "(同)", "(社)", "(財)",
    "(医)", "(福)", "(学)", "(特非)", "㈱", "㈲",
)
#: The same 法人格 as read (NFKC, katakana): a reading column of a corporation list.
LEGAL_READINGS = (
    "カブシキガイシャ", "カブシキカイシャ", "ユウゲンガイシャ", "ユウゲンカイシャ", "ゴウドウガイシャ",
    "ゴウシガイシャ", "ゴウメイガイシャ", "イッパンシャダンホウジン", "イッパンザイダンホウジン",
    "コウエキシャダンホウジン", "コウエキザイダンホウジン", "シャカイフクシホウジン", "イリョウホウジン",
    "ガッコウホウジン", "シュウキョウホウジン", "トクテイヒエイリカツドウホウジン", "ドクリツギョウセイホウジン",
    "キョウドウクミアイ", "シンヨウキンコ", "(カ)", "(ユ)",
)
#: Words a facility's, a shop's or an office's name ends with.
FACILITY_ENDS = (
    "図書館", "体育館", "公民館", "会館", "美術館", "博物館", "記念館", "資料館", "文化センター", "センター", "ホール",
    "公園", "保育園", "保育所", "幼稚園", "こども園", "小学校", "中学校", "高等学校", "高校", "大学", "学園", "学校",
    "病院", "医院", "クリニック", "診療所", "薬局", "歯科", "市役所", "区役所", "町役場", "村役場", "役場", "役所",
    "支所", "出張所", "事務所", "営業所", "支店", "本店", "工場", "駅", "郵便局", "消防署", "警察署", "交番",
    "温泉", "旅館", "ホテル", "プール", "グラウンド", "球場", "広場", "墓地", "霊園", "寺", "神社", "教会",
    "施設", "ホーム", "庁舎", "会社", "商店", "商会", "商事", "工業", "建設", "産業", "製作所",
    "組合", "協会", "連合会", "委員会", "議会", "自治会", "町内会", "クラブ",
)
#: Readings that end a facility's or a place's name (ﾄｼｮｶﾝ, ｻｯﾎﾟﾛｼ): only with a table's other signs.
_SPACES = re.compile(r"[\s\u3000]+")


def _norm(value: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", value))


def is_organisation(value: str) -> bool:
    """A company, association or other body: it holds a 法人格 or its reading."""
    text = _norm(value)
    if not text:
        return False
    return any(form in text for form in LEGAL_FORMS) or any(form in text for form in LEGAL_READINGS)


def is_facility(value: str) -> bool:
    """A facility, shop or office: a name of at least three characters ending with a facility word."""
    text = _norm(value)
    return len(text) >= 3 and text.endswith(FACILITY_ENDS)


def is_place(value: str) -> bool:
    """A prefecture or a municipality the gazetteer knows (札幌市, 札幌市中央区, 北海道)."""
    text = _norm(value)
    if not text or (text[-1] not in MUNICIPALITY_ENDS and text[-1] not in "都道府県"):
        return False
    if text in PREFECTURES:
        return True
    municipalities = gazetteer().municipalities
    if text in municipalities:
        return True
    pref = next((p for p in PREFECTURES if text.startswith(p)), "")
    return bool(pref) and text[len(pref):] in municipalities


def is_not_person(value: str) -> bool:
    """A value that names an organisation, a facility or a place rather than a person."""
    return is_organisation(value) or is_facility(value) or is_place(value)


def share_not_person(values: list[str]) -> float:
    """The share of non-empty *values* that name organisations, facilities or places."""
    sample = [v for v in values if v.strip()]
    if not sample:
        return 0.0
    return sum(1 for v in sample if is_not_person(v)) / len(sample)
