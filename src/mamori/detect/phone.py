"""Japanese phone numbers: landline, mobile, IP phone, free dial, navi dial, +81 forms.

A number is accepted only when it is allocated: non-geographic prefixes by rule, landlines by
the area-code list in ``data/area_codes.txt`` (area code + local exchange = 6 digits).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

from mamori.detect.base import PatternDetector
from mamori.normalize.text import digits

# Non-geographic prefixes → total digits (with the leading 0).
_NON_GEOGRAPHIC: tuple[tuple[str, int], ...] = (
    ("0120", 10), ("0800", 11), ("0570", 10), ("0180", 10), ("0990", 10),
    ("070", 11), ("080", 11), ("090", 11), ("050", 11), ("020", 11),
)
_GROUPS = re.compile(r"\d+")


@lru_cache(maxsize=1)
def area_codes() -> frozenset[str]:
    """The allocated geographic area codes (with their leading 0)."""
    text = files("mamori.detect").joinpath("data/area_codes.txt").read_text(encoding="utf-8")
    return frozenset(line.split()[0] for line in text.splitlines() if line.strip() and not line.startswith("#"))


def national_digits(number: str) -> str:
    """The digits of *number* in national form (+81 72… → 072…)."""
    d = digits(number)
    if number.lstrip().startswith("+81") or (d.startswith("81") and not d.startswith("0")):
        d = d[2:]
        d = d if d.startswith("0") else "0" + d
    return d


def _landline_allocated(d: str) -> bool:
    codes = area_codes()
    return any(d[:n] in codes for n in (2, 3, 4, 5))


def is_allocated_jp_number(number: str) -> bool:
    """True when *number* has the length and an allocated prefix of the Japanese numbering plan."""
    d = national_digits(number)
    if not d.startswith("0") or d.startswith("00"):
        return False
    for prefix, length in _NON_GEOGRAPHIC:
        if d.startswith(prefix):
            return len(d) == length
    if len(d) != 10 or d.startswith(("010", "030", "040", "060")):
        return False
    return _landline_allocated(d)


def _grouping_ok(number: str) -> bool:
    """Written groups must fit the plan: a landline's first two groups make 6 digits."""
    text = number.replace("(0)", "") if number.startswith("+") else number
    groups = _GROUPS.findall(text)
    if len(groups) < 3 or groups[0] == "81":
        return True  # unseparated or +81 forms: length and prefix decide
    d = national_digits(number)
    if d.startswith(("070", "080", "090", "050", "020", "0120", "0800", "0570", "0180", "0990")):
        return True
    return len(d) == 10 and len(groups) == 3 and len(groups[0]) + len(groups[1]) == 6 and len(groups[2]) == 4


def is_valid_phone(value: str) -> bool:
    """Cell check: *value* (a whole cell, NFKC or not) is one allocated Japanese phone number."""
    v = value.strip()
    if not v or len(v) > 24 or not _WHOLE.fullmatch(v.translate(_WIDTH)):
        return False
    return is_allocated_jp_number(v) and _grouping_ok(v.translate(_WIDTH))


# Kept for callers of the first version.
is_plausible_jp_number = is_allocated_jp_number

_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "－": "-", "ー": "-", "‐": "-",
                        "−": "-", "―": "-", "‑": "-", "–": "-", "—": "-", "（": "(", "）": ")", "＋": "+",
                        "\u3000": " ", "〓": "-"})
_WHOLE = re.compile(r"(?:TEL|Tel|tel|電話)?[:: ]*\+?[\d() -]{9,20}")

#: Group separators: a space, a hyphen, or 〓 — the geta mark a failed conversion leaves for a dash.
_SEP = r"[ \-〓]"
_PHONE = re.compile(
    r"(?<![\d+\-.,/〓])"
    rf"(?P<v>(?:\+81[ -]?(?:\(0\)[ -]?)?\d{{1,4}}|\(0\d{{0,4}}\)|0\d{{1,4}})"
    rf"(?:{_SEP}|\){_SEP}?|{_SEP}?\()?\d{{1,4}}(?:{_SEP}|\){_SEP}?)?\d{{3,4}})"
    r"(?![\d\-〓]|\.\d|,\d{3})"
)


#: Words before a number on its line that make it an office's number (a letter's footer, a section's line).
_ORGANISATION = ("問い合わせ", "問合せ", "問合わせ", "役所", "役場", "支所", "出張所", "センター", "事務所", "事務局",
                 "担当課", "担当係", "窓口", "代表", "直通", "内線", "課", "係")
#: Words that make it a person's number even on such a line.
_PERSONAL = ("携帯", "自宅", "本人", "緊急", "様", "さん", "氏名", "保護者", "家族")
_LINE_WINDOW = 30


def _organisation_line(text: str, start: int) -> bool:
    """True when the words before *start* on its line say the number is an office's, not a person's."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[max(line_start, start - _LINE_WINDOW) : start]
    return any(w in before for w in _ORGANISATION) and not any(w in before for w in _PERSONAL)


class PhoneJp(PatternDetector):
    """Phone numbers, formatted or bare; a bare digit run needs a label to count as a phone."""

    name = "phone_jp"
    category = "phone"
    # every pattern holds a digit
    prefilter = (re.compile(r"\d"),)
    patterns = (_PHONE,)
    context = ("電話", "tel", "携帯", "連絡先", "fax", "ファクス", "ファックス", "問合せ", "問い合わせ",
               "フリーダイヤル")
    context_window = 16
    base_confidence = 0.7

    def validate(self, candidate: str) -> bool:
        candidate = candidate.replace("〓", "-")
        return is_allocated_jp_number(candidate) and _grouping_ok(candidate)

    def confidence(self, text: str, match: re.Match[str]) -> float | None:
        value = match.group("v")
        if not self.validate(value) or _organisation_line(text, match.start()):
            return None
        labelled = self.has_context(text, match.start())
        if labelled:
            return self.context_confidence
        # An unseparated digit run is as likely an invoice or ID number as a phone number.
        return self.base_confidence if re.search(r"\D", value) else 0.4
