"""How one value is written differently from file to file: dates, house numbers, names, phones, gender.

Every function is pure; the style names are the public vocabulary the document generators draw from.
"""

from __future__ import annotations

import re
from datetime import date

import jaconv

from mamori.errors import ConfigError
from mamori.synth.eras import era_of

_FULLWIDTH = str.maketrans("0123456789-()/.: ", "０１２３４５６７８９－（）／．：　")


def fullwidth(text: str) -> str:
    """ASCII digits, hyphens, brackets, slashes, dots, colons and spaces as full-width characters."""
    return text.translate(_FULLWIDTH)


DATE_STYLES = (
    "wareki", "wareki_fw", "wareki_pad", "wareki_short", "letter_dot", "letter_slash",
    "letter_dot_pad", "code7", "iso", "slash", "slash_nopad", "compact", "kanji_greg",
)


def format_date(day: date, style: str) -> str:
    """*day* written in one of ``DATE_STYLES`` (``昭和45年3月2日``, ``S45.3.2``, ``1970/03/02`` …)."""
    y, m, d = day.year, day.month, day.day
    greg = {
        "iso": f"{y:04d}-{m:02d}-{d:02d}",
        "slash": f"{y:04d}/{m:02d}/{d:02d}",
        "slash_nopad": f"{y}/{m}/{d}",
        "compact": f"{y:04d}{m:02d}{d:02d}",
        "kanji_greg": f"{y}年{m}月{d}日",
    }
    if style in greg:
        return greg[style]
    era, ey = era_of(day)
    year_word = "元" if ey == 1 else str(ey)
    wareki = {
        "wareki": f"{era.name}{year_word}年{m}月{d}日",
        "wareki_fw": fullwidth(f"{era.name}{year_word}年{m}月{d}日"),
        "wareki_pad": f"{era.name}{year_word}年{m:02d}月{d:02d}日",
        "wareki_short": f"{era.name[0]}{ey}.{m}.{d}",
        "letter_dot": f"{era.letter}{ey}.{m}.{d}",
        "letter_slash": f"{era.letter}{ey:02d}/{m:02d}/{d:02d}",
        "letter_dot_pad": f"{era.letter}{ey:02d}.{m:02d}.{d:02d}",
        "code7": f"{era.code}{ey:02d}{m:02d}{d:02d}",
    }
    try:
        return wareki[style]
    except KeyError:
        raise ConfigError(f"unknown date style {style!r}; known: {', '.join(DATE_STYLES)}") from None


_DIGITS = "〇一二三四五六七八九"


def kanji_number(n: int) -> str:
    """*n* (0 ≤ n < 10000) in kanji numerals as addresses write them: 12 → 十二, 105 → 百五."""
    if not 0 <= n < 10000:
        raise ConfigError(f"kanji_number takes 0..9999, got {n}")
    if n == 0:
        return "〇"
    out = []
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, value)
        if q:
            out.append(("" if q == 1 else _DIGITS[q]) + unit)
    if n:
        out.append(_DIGITS[n])
    return "".join(out)


def _kanji_to_int(text: str) -> int:
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS.index(ch)
        else:
            total += (current or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            current = 0
    return total + current


def block_numbers(block: str) -> tuple[int, ...]:
    """The numbers of a house-number string in order, whatever its style (``一丁目二番三号`` → 1, 2, 3)."""
    text = jaconv.z2h(block, kana=False, digit=True, ascii=True)
    parts = re.findall(r"[0-9]+|[〇一二三四五六七八九十百千]+", text)
    return tuple(int(p) if p.isdigit() else _kanji_to_int(p) for p in parts)


BLOCK_STYLES = ("marks", "hyphen", "kanji", "chome_hyphen", "fullwidth", "fullwidth_hyphen")


def format_block(block: str, style: str) -> str:
    """Re-write a house number (``1丁目2番3号`` / ``2番3号`` / ``123番地``) in one of ``BLOCK_STYLES``."""
    nums = block_numbers(block)
    chome = "丁目" in block or len(nums) == 3
    if "番地" in block or len(nums) == 1:
        marks = f"{nums[0]}番地" + (f"{nums[1]}" if len(nums) > 1 else "")
        hyphen = "-".join(map(str, nums))
        kanji = f"{kanji_number(nums[0])}番地" + (kanji_number(nums[1]) if len(nums) > 1 else "")
    elif chome:
        c, b, g = nums[:3]
        marks, hyphen = f"{c}丁目{b}番{g}号", f"{c}-{b}-{g}"
        kanji = f"{kanji_number(c)}丁目{kanji_number(b)}番{kanji_number(g)}号"
    else:
        b, g = nums[:2]
        marks, hyphen = f"{b}番{g}号", f"{b}-{g}"
        kanji = f"{kanji_number(b)}番{kanji_number(g)}号"
    styles = {
        "marks": marks,
        "hyphen": hyphen,
        "kanji": kanji,
        "chome_hyphen": f"{nums[0]}丁目" + "-".join(map(str, nums[1:])) if chome else hyphen,
        "fullwidth": fullwidth(marks),
        "fullwidth_hyphen": fullwidth(hyphen),
    }
    try:
        return styles[style]
    except KeyError:
        raise ConfigError(f"unknown block style {style!r}; known: {', '.join(BLOCK_STYLES)}") from None


def format_address(prefecture: str, city: str, town: str, block: str, building: str = "", *,
                   block_style: str = "marks", with_prefecture: bool = True, postal_code: str = "",
                   building_sep: str = "") -> str:
    """A one-line address: optional ``〒590-0078 ``, optional prefecture, city, town, block, building."""
    head = f"〒{postal_code} " if postal_code else ""
    pref = prefecture if with_prefecture else ""
    tail = f"{building_sep}{building}" if building else ""
    return f"{head}{pref}{city}{town}{format_block(block, block_style)}{tail}"


NAME_STYLES = ("fw_space", "hw_space", "nospace")
KANA_STYLES = ("katakana", "katakana_hw_space", "hiragana", "halfwidth", "katakana_nospace")


def format_name(family: str, given: str, style: str) -> str:
    """A name in one cell: ``山田　太郎`` (fw_space), ``山田 太郎`` (hw_space), ``山田太郎`` (nospace)."""
    seps = {"fw_space": "　", "hw_space": " ", "nospace": ""}
    if style not in seps:
        raise ConfigError(f"unknown name style {style!r}; known: {', '.join(NAME_STYLES)}")
    return f"{family}{seps[style]}{given}"


def format_kana(family: str, given: str, style: str) -> str:
    """A katakana reading re-written: ``ヤマダ　タロウ``, ``やまだ　たろう``, ``ﾔﾏﾀﾞ ﾀﾛｳ`` …"""
    if style == "katakana":
        return f"{family}　{given}"
    if style == "katakana_hw_space":
        return f"{family} {given}"
    if style == "katakana_nospace":
        return family + given
    if style == "hiragana":
        return jaconv.kata2hira(f"{family}　{given}")
    if style == "halfwidth":
        return str(jaconv.z2h(f"{family} {given}", kana=True, digit=False, ascii=False))
    raise ConfigError(f"unknown kana style {style!r}; known: {', '.join(KANA_STYLES)}")


PHONE_STYLES = ("hyphen", "fullwidth", "paren", "paren_area", "nodash", "chouon", "u2010", "fw_minus")


def format_phone(number: str, style: str) -> str:
    """A ``072-228-7907`` style number re-written (``072(228)7907``, ``０７２－２２８－７９０７`` …)."""
    parts = number.split("-")
    if len(parts) != 3:
        raise ConfigError(f"phone numbers are given as AAA-BBB-CCCC, got {number!r}")
    a, b, c = parts
    styles = {
        "hyphen": number,
        "fullwidth": fullwidth(number),
        "paren": f"{a}({b}){c}",
        "paren_area": f"({a}){b}-{c}",
        "nodash": a + b + c,
        "chouon": "ー".join(parts),
        "u2010": "‐".join(parts),
        "fw_minus": "－".join(parts),
    }
    try:
        return styles[style]
    except KeyError:
        raise ConfigError(f"unknown phone style {style!r}; known: {', '.join(PHONE_STYLES)}") from None


GENDER_STYLES = ("kanji", "kanji_sei", "code", "letter")


def format_gender(gender: str, style: str) -> str:
    """``男``/``女`` as ``男``/``女``, ``男性``/``女性``, ``1``/``2`` or ``M``/``F``."""
    male = gender == "男"
    styles = {"kanji": gender, "kanji_sei": gender + "性", "code": "1" if male else "2",
              "letter": "M" if male else "F"}
    try:
        return styles[style]
    except KeyError:
        raise ConfigError(f"unknown gender style {style!r}; known: {', '.join(GENDER_STYLES)}") from None


def age_on(birth: date, day: date) -> int:
    """Age in completed years on *day*."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


#: What legacy systems print for characters their code page lacks (外字): a known substitute or 〓.
_LEGACY_FALLBACK = {"𠮷": "吉", "﨑": "崎", "髙": "高", "德": "徳", "濵": "濱", "栁": "柳"}


def legacy_safe(text: str, encoding: str) -> str:
    """*text* with every character *encoding* cannot hold replaced as a legacy system would."""
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        pass
    if encoding.lower().replace("_", "-").startswith("iso-2022"):
        text = str(jaconv.h2z(text, kana=True, ascii=False, digit=False))  # mailers widen ｶﾅ for JIS
    out = []
    for ch in text:
        try:
            ch.encode(encoding)
            out.append(ch)
        except UnicodeEncodeError:
            sub = _LEGACY_FALLBACK.get(ch, "〓")
            out.append(sub if _encodable(sub, encoding) else "〓")
    return "".join(out)


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True
