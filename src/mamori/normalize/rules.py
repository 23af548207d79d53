"""Normalisation rules written once as data, applied to one value (``re``) or a whole column (Polars).

A rule is a step of one of four kinds: ``nfkc``; ``map`` (single characters → strings, i.e.
``str.translate`` / Polars ``replace_many``); ``sub`` (a regular expression and a ``${1}``-style
replacement, in the subset where Python ``re`` and Rust ``regex`` agree: no look-around, explicit
ASCII character classes); ``rstrip`` (characters removed from the end). Keeping the steps as data is
what makes the scalar path (a letter, a small table) and the vectorised path (a 680,000-row voter list)
produce the very same identity keys.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Step:
    """One normalisation step; ``arg``/``repl`` depend on ``kind``."""

    kind: str  # "nfkc" | "map" | "replace" | "sub" | "rstrip"
    arg: str = ""
    repl: str = ""
    table: tuple[tuple[str, str], ...] = ()
    guard: str = ""  # a regex: the step changes nothing in values it does not match (a speed hint)


#: Characters NFKC never changes: printable ASCII, hiragana, katakana, CJK ideographs, 々〆ヶ ー.
_NFKC_STABLE = "\x20-\x7e\u3041-\u3096\u30a1-\u30fa\u30fc\u4e00-\u9fff\u3005\u3006\u30f6"


def nfkc_step() -> Step:
    return Step("nfkc", guard=f"[^{_NFKC_STABLE}]")


def map_step(table: dict[str, str]) -> Step:
    return Step("map", table=tuple(sorted(table.items())))


def replace_step(pairs: Sequence[tuple[str, str]]) -> Step:
    """Literal strings replaced left to right, the first listed winning where several start at one place."""
    return Step("replace", table=tuple(pairs))


def sub_step(pattern: str, repl: str = "", guard: str = "") -> Step:
    return Step("sub", pattern, repl, guard=guard)


def rstrip_step(chars: str) -> Step:
    return Step("rstrip", chars)


# Characters NFKC leaves alone that mean the same thing in identity values.
DASHES = "‐‑‒–—―−ー－ｰ─━〓"  # 〓: what legacy encoders write for a dash they cannot map
#: Spaces and separators dropped from names and addresses (NFKC has already made U+3000 a space).
SPACE_CLASS = r"[ \t\n\r\f\v\u00a0\u3000\u2028\u2029\u200b・=]"
#: Variant (itaiji) forms folded to their common form so 髙橋 and 高橋 match.
VARIANTS: dict[str, str] = {
    "髙": "高", "﨑": "崎", "嵜": "崎", "𠮷": "吉", "德": "徳", "濵": "浜", "濱": "浜", "邊": "辺",
    "邉": "辺", "齋": "斉", "齊": "斉", "斎": "斉", "澤": "沢", "櫻": "桜", "廣": "広", "國": "国",
    "眞": "真", "嶋": "島", "嶌": "島", "槇": "槙", "冨": "富", "惠": "恵", "榮": "栄", "實": "実",
    "壽": "寿", "藏": "蔵", "與": "与", "龍": "竜", "黑": "黒", "淺": "浅", "巖": "巌", "曽": "曾",
    "舘": "館", "峯": "峰", "埜": "野", "穗": "穂", "邨": "村", "髮": "髪", "吿": "告", "瀧": "滝",
    "澁": "渋", "渕": "淵", "舩": "船", "萬": "万", "驒": "騨", "籠": "篭", "條": "条", "來": "来",
    "戶": "戸", "靜": "静", "步": "歩", "淸": "清",
}
#: Hiragana → katakana, so a reading written either way gives one key.
HIRAGANA_TO_KATAKANA: dict[str, str] = {chr(c): chr(c + 0x60) for c in range(ord("ぁ"), ord("ゖ") + 1)}
KANJI_DIGITS: dict[str, str] = dict(zip("〇一二三四五六七八九", "0123456789", strict=True))
PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)

_D = "[0-9]"
#: Kanji numerals as addresses write them (二十五, 百三, 千二百) → digits: digit kanji are mapped first,
#: then a multiplier with no digit before it gets an explicit 1, then each multiplier becomes the zeros
#: its place needs. Town names with numerals (三国ヶ丘, 千代田) change too, but the same way every time.
KANJI_NUMBER_RULES: tuple[Step, ...] = (
    map_step(KANJI_DIGITS),
    # Twice: a match consumes the character before the multiplier, so 千百 needs a second pass.
    sub_step("(^|[^0-9])([十百千])", "${1}1${2}", guard="[十百千]"),
    sub_step("(^|[^0-9])([十百千])", "${1}1${2}", guard="[十百千]"),
    sub_step(f"({_D})十({_D})", "${1}${2}", guard="十"), sub_step("十", "0", guard="十"),
    sub_step(f"百({_D}{_D})", "${1}", guard="百"), sub_step(f"百({_D})", "0${1}", guard="百"),
    sub_step("百", "00", guard="百"),
    sub_step(f"千({_D}{_D}{_D})", "${1}", guard="千"), sub_step(f"千({_D}{_D})", "0${1}", guard="千"),
    sub_step(f"千({_D})", "00${1}", guard="千"), sub_step("千", "000", guard="千"),
)

#: An honorific after a name and a post before it (森本直人殿, 会長丸山稔): the cell, not the name.
_NAME_HONORIFIC = "(?:様|殿|さま|さん|君|くん|ちゃん)$"
_NAME_POST = "^(?:副?会長|代表者?|副?理事長|副?委員長|副?部長|副?課長|係長|所長|室長|事務局長|会計|監事|幹事)"
NAME_RULES: tuple[Step, ...] = (
    nfkc_step(), sub_step(SPACE_CLASS + "+"),
    sub_step(_NAME_HONORIFIC, guard=_NAME_HONORIFIC), sub_step(_NAME_POST, guard=_NAME_POST),
    map_step({**VARIANTS, **HIRAGANA_TO_KATAKANA}),
)

# Guards name what a step needs to find (most addresses have no space, no dash before a word, no
# building): a guarded step reads only the values that have it.
ADDRESS_RULES: tuple[Step, ...] = (
    nfkc_step(),
    sub_step(SPACE_CLASS + "+", guard=SPACE_CLASS),
    map_step({**VARIANTS, **{d: "-" for d in DASHES}, "ヶ": "ケ", "ヵ": "ケ"}),
    # A postal code in front, then a prefecture: one pass (both optional, so either alone goes too).
    sub_step(f"^(?:(?:〒|郵便番号:?)?{_D}{{3}}-?{_D}{{4}}|〒)?(?:" + "|".join(PREFECTURES) + ")?"),
    *KANJI_NUMBER_RULES,
    sub_step(f"({_D})[のノ之]({_D})", "${1}-${2}", guard="[のノ之]"),
    replace_step([("大字", ""), ("丁目", "-"), ("丁", "-"), ("番地の", "-"), ("番地ノ", "-"), ("番地", "-"),
                  ("番の", "-"), ("番ノ", "-"), ("番", "-"), ("号", "-")]),
    sub_step("--+", "-", guard="--"),
    sub_step(f"({_D})-([^0-9])", "${1}${2}", guard="-[^0-9]"),
    rstrip_step("-"),
)
#: The address *key* ends with the house number: the first number of two or more parts (3-12-5), or a
#: single number (25) when a building follows it; the building and room are dropped, since files write
#: them or leave them out.
_BUILDING_START = "(?:[ァ-ヺー]|ビル|マンション|荘|寮|団地|住宅|アパート|コーポ|ハイツ|ハイム|レジデンス|号室|室|階|F)"
ADDRESS_KEY_RULES: tuple[Step, ...] = (
    sub_step(f"({_D}+(?:-{_D}+)+).*$", "${1}"),
    sub_step(f"({_D}){_BUILDING_START}.*$", "${1}", guard=_BUILDING_START),
)

PHONE_RULES: tuple[Step, ...] = (
    nfkc_step(), map_step({d: "-" for d in DASHES}), sub_step(r"^[ ]*\+81[- ]*(?:\(0\))?[- ]*", "0"),
    sub_step("[^0-9]+"),
)
DIGIT_RULES: tuple[Step, ...] = (nfkc_step(), sub_step("[^0-9]+"))
EMAIL_RULES: tuple[Step, ...] = (
    nfkc_step(), sub_step(r"[ \t\r\n]+"), map_step({c: c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}),
)

_GROUP_REF = re.compile(r"\$\{(\d+)\}")


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _python_repl(repl: str) -> str:
    return _GROUP_REF.sub(lambda m: f"\\g<{m.group(1)}>", repl.replace("\\", "\\\\"))


@cache
def _translation(table: tuple[tuple[str, str], ...]) -> dict[int, str]:
    return {ord(k): v for k, v in table if len(k) == 1}


@cache
def _alternation(table: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    return re.compile("|".join(re.escape(k) for k, _ in table)), dict(table)


def _replace_literals(table: tuple[tuple[str, str], ...], value: str) -> str:
    pattern, lookup = _alternation(table)
    return pattern.sub(lambda m: lookup[m.group(0)], value)


def apply(steps: Sequence[Step], value: str) -> str:
    """*value* through *steps*, the scalar way."""
    for step in steps:
        if step.kind == "nfkc":
            value = unicodedata.normalize("NFKC", value)
        elif step.kind == "map":
            value = value.translate(_translation(step.table))
        elif step.kind == "replace":
            value = _replace_literals(step.table, value)
        elif step.kind == "sub":
            value = _compiled(step.arg).sub(_python_repl(step.repl), value)
        elif step.kind == "rstrip":
            value = value.rstrip(step.arg)
    return value


def scalar(steps: Sequence[Step]) -> Callable[[str], str]:
    """A function applying *steps* to one value."""
    frozen = tuple(steps)
    return lambda value: apply(frozen, value)
