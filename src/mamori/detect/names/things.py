"""Names the model proposes that are organisations, products or places by their own words.

A foreign name in katakana and a company, a team, a band or an aircraft look alike to a tagger that
sees two morphemes either side. What settles most of them is a word inside the name (マーベル・
コミック, ニューヨーク・ニックス) or right after it (クレメント社, ボールドウィン製, ドルニエ機): an
organisation's, a product's or a place's word, never a person's. Checked on the model's spans only;
the rules' names come with an honorific or a label and keep it.
"""

from __future__ import annotations

import re

from mamori.detect.names.lexicon import GIVEN, SURNAME, fold, lexicon

#: Katakana words that end or make up organisations, products, teams and places, not people.
_THING_PARTS = frozenset((
    "コミック", "コミックス", "プロダクション", "プロダクションズ", "メディア", "モータースポーツ", "モーターズ",
    "エア", "エアライン", "エアラインズ", "エアウェイズ", "ホールディングス", "グループ", "カンパニー",
    "コーポレーション", "インターナショナル", "ミュージック", "レコード", "レコーズ", "フィルム", "フィルムズ",
    "ピクチャーズ", "スタジオ", "スタジオズ", "エンターテインメント", "エンタテインメント", "システムズ",
    "テクノロジーズ", "ラボ", "クラブ", "ユナイテッド", "シティ", "チーム", "バンド", "サウンド", "ホテル",
    "センター", "タワー", "パーク", "ストリート", "アベニュー", "ロード", "スクエア", "ステーション",
    "チャーチ", "カテドラル", "ブリッジ", "モータース", "ショー", "リーグ", "カップ", "フェスティバル",
    "ゲームズ", "ソフト", "ネットワーク", "ニュース", "タイムズ", "ジャーナル", "プレス", "ブックス",
    "アスレチックス", "スポーツ", "ガールズ", "ボーイズ", "ブラザーズ", "ファミリー", "シスターズ",
))
#: Kanji endings of facilities and places (a shrine, a castle, a ruin), never of a person's name.
_FACILITY_ENDS = ("跡", "館", "学園", "灯台", "堰", "神社", "城", "宮", "大社", "古墳", "公園")
#: Katakana words or Latin letters glued after a name that make the whole a thing (梶原プロダクション, 松本山雅FC).
_GLUED_AFTER = re.compile(r"[ 　]?(?P<word>[ァ-ヺー]{2,}|FC|SC|CF)")
_ACRONYM = re.compile(r"[A-Z]{2,6}")
#: Words of apartment and building names, found inside a span (サンハイツ堺, コーポ壱番館).
_BUILDINGS = ("ハイツ", "コーポ", "マンション", "レジデンス", "メゾン", "パレス", "ヴィラ", "ビラ", "アパート",
              "シャトー")
#: Words right after a name that make it a thing: 社 (a company), 製 (made by), 機 (an aircraft) ...
_THING_AFTER = re.compile(
    r"[ 　]?(?:社(?!長|員|主)|製|機|号(?!室)|級|型|式|朝|王朝|軍|党|語|賞|杯|工房|財団|大学|高校|病院|"
    r"シリーズ|ブランド|モデル|ファミリー|グループ|チーム|宣言|南岸|北岸|沿岸|効果|定理|方程式|喜劇)")
_PARTS = re.compile(r"[・=＝ 　]")


def is_thing(name: str, text: str, end: int) -> bool:
    """Whether the span *name* ending at *end* of *text* is an organisation, product or place."""
    if any(word in name for word in _BUILDINGS):
        return True  # サンハイツ堺: a building in an address
    parts = [p for p in _PARTS.split(name) if p]
    if any(p in _THING_PARTS for p in parts) or name.startswith("ザ・") or _ACRONYM.fullmatch(name):
        return True  # マーベル・コミック, ザ・ビートルズ, HSE
    if name.endswith(_FACILITY_ENDS) and text[end:end + 1] not in ("長", "主"):
        return True  # 斎宮跡, 隆文館, 菅島灯台 (嘉納館長 is a person: 館 of 館長)
    glued = _GLUED_AFTER.match(text, end)
    if glued and (glued.group("word") in _THING_PARTS or glued.group("word") in ("FC", "SC", "CF")):
        return True
    return _THING_AFTER.match(text, end) is not None


_KANJI = re.compile(r"[\u4e00-\u9fff々]")
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]")
_HIRAGANA_ONLY = re.compile(r"[\u3041-\u309f]+")
_KANA_WORDS = re.compile(r"[\u30a1-\u30fa\u30fc]+[ 　][\u30a1-\u30fa\u30fc 　]+")


def whole_word(name: str, text: str, start: int, end: int) -> bool:
    """Whether a span the model proposes stands as a word: not cut from a longer kanji word (祉法 of 福祉法人),
    not glued inside a katakana word, not a reading in hiragana or katakana words split by spaces (a
    フリガナ column read as text: foreign names are joined by ・ or ＝, not spaces)."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if _KANJI.match(name[:1]) and before and after and _KANJI.match(before) and _KANJI.match(after):
        return False
    if _KATAKANA.match(name[:1]) and before and _KATAKANA.match(before):
        return False
    if _KANA_WORDS.fullmatch(name):
        # A reading: a person's (ナカニシ シュウイチ beside 中西 修一) when it reads as a surname and a given
        # name, else a place's or a company's (チヨダク マルノウチ…, a postal-code row).
        parts = name.split()
        words = lexicon().words
        return len(parts) == 2 and bool(words.get(fold(parts[0]), 0) & SURNAME) and bool(
            words.get(fold(parts[1]), 0) & GIVEN)
    return not _HIRAGANA_ONLY.fullmatch(name)
