"""The mandatory-report rule table, the 区分 of attachment 1 and the timeline SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mamori.investigate import LeakedFile
from mamori.report.case.ppc import reporting_rules, verdict
from mamori.report.case.table import group_of, group_spans, leak_rows
from mamori.report.case.timeline import Lane, Mark, timeline_svg

TZ = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(("persons", "categories", "unlawful", "public", "expected"), [
    (101, ("name", "address"), None, True, True),            # more than 100 people (public body)
    (100, ("name", "address"), False, True, False),          # exactly 100 is not "more than"
    (100, ("name", "address"), None, True, None),            # unlawful act unknown → 要確認
    (3, ("name", "disability"), False, True, True),          # any special care-required data
    (1, ("name", "health"), None, True, True),
    (5, ("name", "credit_card"), False, True, True),         # risk of financial damage
    (5, ("name", "bank_account"), False, True, True),
    (5, ("name",), True, True, True),                        # an unlawful act
    (999, ("name", "phone"), False, False, False),           # businesses: more than 1,000
    (1001, ("name", "phone"), False, False, True),
    (0, (), False, True, False),
])
def test_mandatory_report_rule_table(persons: int, categories: tuple[str, ...], unlawful: bool | None,
                                     public: bool, expected: bool | None) -> None:
    assert verdict(reporting_rules(persons, categories, unlawful=unlawful, public_body=public)) is expected


def _leak(path: str, evidence: str = "", uploaded: str = "2015-04-01T10:00:00+09:00") -> LeakedFile:
    return LeakedFile(server_path=path, evidence=(evidence,) if evidence else (), categories=("name",), persons=1,
                      special_care=False, external_accesses=1, crawler_accesses=0, external_ips=("192.0.2.1",),
                      url_path=path, uploaded_at=uploaded)


@pytest.mark.parametrize(("path", "evidence", "group"), [
    ("/h/data/H23府知事選_選挙人名簿.csv", "", "g.election"),
    ("/h/data/list.csv", "work_pc/業務/選挙/list.csv", "g.election"),
    ("/h/data/施設管理.csv", "portable_hdd/持出/選挙/施設管理.csv", "g.election"),  # election wins over facilities
    ("/h/data/要介護者.csv", "", "g.welfare"),
    ("/h/kids/体験参加者.csv", "work_pc/事業団/2014/体験参加者.csv", "g.education"),
    ("/h/x/ｾﾝﾀｰ.xlsx", "", "g.community"),                   # half-width katakana folded by NFKC
    ("/h/x/給与.xlsx", "", "g.staff"),
    ("/h/x/data.csv", "pc/misc/data.csv", "g.business"),
])
def test_group_of(path: str, evidence: str, group: str) -> None:
    assert group_of(_leak(path, evidence)) == group


def test_rows_grouped_numbered_and_repeats_written_as_same_as() -> None:
    leaked = [_leak("/h/kids/体験.csv", "pc/事業団/体験.csv", "2015-05-01T10:00:00+09:00"),
              _leak("/h/misc.csv", "pc/misc.csv"),
              _leak("/h/kids/体験.csv", "pc/事業団/体験.csv", "2015-04-01T10:00:00+09:00"),
              _leak("/h/senkyo/名簿.csv", "pc/選挙/名簿.csv")]
    rows = leak_rows(leaked, "ja")
    assert [r.group for r in rows] == ["選挙関係", "教育関係", "教育関係", "業務ファイル"]
    assert [r.number for r in rows] == [1, 2, 3, 4]
    assert rows[2].content == "同上　※2とアップロード日時が異なるもの"
    assert group_spans(rows) == [1, 2, 0, 1]


def test_timeline_empty_without_times() -> None:
    assert timeline_svg([Lane("a", None, None)], TZ) == ""


_T0 = datetime(2015, 4, 1, tzinfo=UTC)


@given(st.lists(st.tuples(st.text(max_size=60), st.integers(0, 90 * 24), st.integers(1, 90 * 24),
                          st.lists(st.tuples(st.sampled_from(["external", "crawler", "owner"]),
                                             st.integers(0, 90 * 24), st.integers(1, 5), st.text(max_size=20)),
                                   max_size=4)), min_size=1, max_size=70))
def test_timeline_is_well_formed_xml_for_any_names(lanes: list[tuple[str, int, int, list[tuple[str, int, int, str]]]]
                                                   ) -> None:
    built = [Lane(label, _T0 + timedelta(hours=s), _T0 + timedelta(hours=s + d),
                  tuple(Mark(k, _T0 + timedelta(hours=h), _T0 + timedelta(hours=h), n, who) for k, h, n, who in marks))
             for label, s, d, marks in lanes]
    # XML 1.0 cannot carry most control characters at all; the page is HTML, so check those are the only failures
    svg = timeline_svg(built, TZ)
    clean = "".join(ch for ch in svg if ch in "\t\n\r" or ord(ch) >= 0x20)
    root = ET.fromstring(clean)
    assert root.tag.endswith("svg")
    assert "<script" not in svg
