"""Detector prefilters are necessary conditions: the engine skipping a detector never loses a finding."""

from __future__ import annotations

import re
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mamori.detect import engine
from mamori.detect.base import Finding
from mamori.detect.categories import BY_ID
from mamori.detect.registry import detectors
from mamori.models import Location
from mamori.normalize.text import nfkc
from mamori.synth.documents import DOC_KINDS, make_document
from mamori.synth.residents import generate_residents

WITH_PREFILTER = [d for d in detectors() if getattr(d, "prefilter", ())]
#: What may make a pattern depend on text outside the line searched: a prefilter must have none of it.
_CONTEXTUAL = re.compile(r"\(\?[<=!]|\\[bBAZ]|\$|(?<!\[)\^")


def _naive(text: str, location: Location) -> list[list[Finding]]:
    """The engine's loop before prefilters: every detector on every non-blank line."""
    out: list[list[Finding]] = []
    for line in nfkc(text).split("\n"):
        found: list[Finding] = []
        if line.strip():
            for detector in detectors():
                found.extend(f for f in detector.find(line, location) if f.category in BY_ID)
        out.append(found)
    return out


@cache
def _synthetic_lines() -> tuple[str, ...]:
    """Lines of every kind of synthetic document: paragraphs, and table rows written as text."""
    people = generate_residents(200, 5)
    lines: list[str] = []
    for i, kind in enumerate(DOC_KINDS):
        doc = make_document(kind.name, people[i: i + 60], rows=12, seed=i)
        lines.extend(doc.title_rows)
        lines.extend(p for paragraph in doc.paragraphs for p in paragraph.split("\n"))
        lines.extend("\t".join(row) for row in ((doc.header or ()), *doc.rows))
    return tuple(line for line in lines if line.strip())


def test_the_detectors_that_matter_have_prefilters() -> None:
    assert len(WITH_PREFILTER) >= 20


@pytest.mark.parametrize("detector", WITH_PREFILTER, ids=lambda d: d.name)
def test_prefilters_are_plain_searches(detector: object) -> None:
    for pattern in detector.prefilter:  # type: ignore[attr-defined]
        assert not _CONTEXTUAL.search(pattern.pattern), pattern.pattern


FRAGMENTS = st.sampled_from([
    "0", "1", "2", "3", "7", "9", "12", "-", "-", " ", "\u3000", "(", ")", "〒", ":", "年", "月", "日", "歳", "才", "生",
    "昭和", "平成", "元", "令和", "S", "H", "三", "十", "性別", "男", "女", "電話", "TEL", "@", "a", "x.jp", ".",
    "様", "さん", "氏", "本人", "要介護", "要支援", "介護度", "認定結果", "身体障害者手帳", "療育手帳", "等級", "区分",
    "懲役", "罰金", "万", "円", "窃盗", "逮捕", "前科", "被害", "糖尿病", "病名", "血圧", "小学校", "3年", "2組", "卒業",
    "市", "区", "町", "村", "郡", "堺市", "大阪府", "北区", "住所", "送付先", "基本給", "口座番号", "普通", "被保険者番号",
    "基礎年金番号", "マイナンバー", "個人番号", "運転免許", "旅券", "AB", "法人番号", "カード", "生年月日", "birth", "DOB",
    "住民票コード", "山田", "太郎", "、", "。", "\t",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRAGMENTS, min_size=1, max_size=30).map("".join))
def test_a_finding_implies_its_prefilter(text: str) -> None:
    line = nfkc(text)
    for detector in WITH_PREFILTER:
        if any(True for _ in detector.find(line, Location())):
            assert detector.may_find(line), (detector.name, line)  # type: ignore[attr-defined]


def test_prefilters_hold_on_every_synthetic_line() -> None:
    for line in map(nfkc, _synthetic_lines()):
        for detector in WITH_PREFILTER:
            if any(True for _ in detector.find(line, Location())):
                assert detector.may_find(line), (detector.name, line)  # type: ignore[attr-defined]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.integers(0, 10_000), st.lists(FRAGMENTS, max_size=12).map("".join)), min_size=1,
                max_size=12))
def test_engine_lines_equal_the_loop_without_prefilters(parts: list[int | str]) -> None:
    lines = _synthetic_lines()
    text = "\n".join(lines[p % len(lines)] if isinstance(p, int) else p for p in parts)
    where = Location(part="body")
    assert engine._line_findings(text, where) == _naive(text, where)
