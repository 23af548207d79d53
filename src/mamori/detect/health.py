"""Health data (要配慮): diagnoses, conditions and check-up findings about a person.

A disease name in a city's plan (健康づくり, がん検診のお知らせ) is not a person's health data, so in
running text a term counts only next to a record label (病名, 既往歴, 服薬 …) or a person word
(様, さん, 患者, 本人 …). Table cells are judged with :func:`is_health_term` by the column classifier.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from importlib.resources import files

from mamori.detect.base import Finding, PatternDetector
from mamori.models import Location

_LABELS = ("病名", "傷病名", "診断名", "既往歴", "既往症", "病歴", "服薬", "服用", "投薬", "処方", "主訴", "持病",
           "疾患名", "障害名", "健診結果", "検査結果", "判定")
_PERSON = ("様", "さん", "氏", "患者", "本人", "利用者", "入所者", "児童", "生徒", "被保険者", "対象者", "罹患",
           "診断", "通院", "入院", "治療", "発症", "服薬", "既往")
# 皆様/みなさん/氏名 address everyone or label a form: they are not a person.
_ANCHORS = re.compile(
    "|".join(map(re.escape, sorted(set(_LABELS + _PERSON) - {"様", "さん", "氏"}, key=len, reverse=True)))
    + r"|(?<![皆各])様|(?<!みな)さん|氏(?!名)"
)
_WINDOW = 24
# Check-up measurements with a value are a person's results wherever they are written.
_MEASURE = re.compile(r"(?:血圧|HbA1c|血糖値?|中性脂肪|LDL|HDL|γ-GTP|尿酸値?|BMI)[\s::は]*\d{1,3}(?:[./]\d{1,3})?")


@lru_cache(maxsize=1)
def health_terms() -> tuple[str, ...]:
    """The shipped health terms, longest first."""
    text = files("mamori.detect").joinpath("data/health_terms.txt").read_text(encoding="utf-8")
    terms = {t.strip() for t in text.splitlines() if t.strip() and not t.startswith("#")}
    return tuple(sorted(terms, key=len, reverse=True))


@lru_cache(maxsize=1)
def _terms_regex() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, health_terms())))


def is_health_term(value: str) -> bool:
    """Cell check: *value* names a diagnosis, condition or check-up finding (糖尿病, 要精密検査, 高血圧症)."""
    v = value.strip()
    return 0 < len(v) <= 60 and bool(_terms_regex().search(v))


class Health(PatternDetector):
    """Terms near a record label or a person word; measurements with values."""

    name = "health"
    category = "health"
    patterns = (_MEASURE,)
    base_confidence = 0.8
    # a measurement, or a label or person word (_ANCHORS without its lookarounds) for the terms' windows
    prefilter = (_MEASURE, re.compile("|".join(map(re.escape, sorted(set(_LABELS + _PERSON), key=len, reverse=True)))))

    def find(self, text: str, location: Location) -> Iterator[Finding]:
        """Measurements, then terms inside the windows around labels and person words."""
        yield from super().find(text, location)
        terms = _terms_regex()
        last_end = 0
        for anchor in _ANCHORS.finditer(text):
            lo = max(last_end, anchor.start() - _WINDOW)
            hi = anchor.end() + _WINDOW
            if hi <= last_end:
                continue
            for m in terms.finditer(text, lo, hi):
                if m.group(0) in _LABELS or m.group(0) in _PERSON:
                    continue  # the anchor itself is not a finding
                labelled = any(w in text[max(0, m.start() - _WINDOW) : m.start()] for w in _LABELS)
                yield Finding(self.category, m.group(0), location, 0.9 if labelled else 0.8, self.name)
            last_end = hi
