"""Gender: 性別 labels, or 男/女 in brackets beside an age; 男/女 alone in prose are not enough."""

from __future__ import annotations

import re

from mamori.detect.base import PatternDetector

GENDER_VALUES = frozenset({"男", "女", "男性", "女性", "M", "F", "m", "f", "male", "female", "Male", "Female"})


def is_gender_value(value: str) -> bool:
    """Cell check: *value* is one gender value (男, 女性, M, female …)."""
    return value.strip() in GENDER_VALUES


class Gender(PatternDetector):
    """「性別：女」, 「（男・45歳）」."""

    name = "gender"
    category = "gender"
    prefilter = (re.compile(r"性別|\d"),)  # the label, or the age beside 男/女
    patterns = (
        re.compile(r"性別[\s::は]*(?P<v>男性|女性|男|女)"),
        re.compile(r"[(（](?P<v>男|女)(?:性)?[・、,\s]\s*\d{1,3}\s*[歳才]"),
        re.compile(r"\d{1,3}\s*[歳才][・、,\s]?(?P<v>男性|女性|男|女)(?![\u4e00-\u9fff])"),
    )
    base_confidence = 0.85
    context = ("性別",)
    context_window = 4
