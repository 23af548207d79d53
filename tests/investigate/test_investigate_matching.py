"""Matching server file versions to evidence: masks in UTF-8 and CP932, size, time, copies, ambiguity."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mamori.investigate.evidence_index import EvidenceFile
from mamori.investigate.history import Segment, Version
from mamori.investigate.matching import EvidenceIndex, match_version, recover_real_paths
from mamori.logs.names import mask_name

UP = datetime(2015, 4, 10, tzinfo=UTC)
BEFORE = datetime(2015, 4, 1, tzinfo=UTC).timestamp()
AFTER = datetime(2015, 5, 1, tzinfo=UTC).timestamp()


def version(path: str, size: int | None, mask: str = "") -> Version:
    return Version(id=1, logged_path=path, path=path, size=size, uploaded_at=UP, upload_ip="1.2.3.4", ended_at=None,
                   ended_by=None, mask=mask, segments=(Segment(path, UP, None),))


def f(label: str, size: int, sha: str, mtime: float = BEFORE) -> EvidenceFile:
    evidence, _, rel = label.partition("/")
    return EvidenceFile(evidence, rel, size, mtime, sha)


EVIDENCE = [
    f("work_pc/選挙/名簿.csv", 100, "A"), f("portable_hdd/bk/名簿.csv", 100, "A"),
    f("work_pc/x/台帳.csv", 100, "B"), f("home_pc/名簿.csv", 55, "C"),
    f("work_pc/メモ.txt", 30, "M1"), f("home_pc/メモ.txt", 30, "M2"),
    f("work_pc/v1/報告.txt", 40, "R1"), f("home_pc/v2/報告.txt", 40, "R2", AFTER),
    f("work_pc/my file.csv", 7, "S"),
]


def _match(path: str, size: int | None, mask: str = ""):  # type: ignore[no-untyped-def]
    return match_version(version(path, size, mask), EvidenceIndex(EVIDENCE), lambda e: e)


def test_same_mask_same_size_different_content_is_ambiguous() -> None:
    m = _match(mask_name("/w/名簿.csv", "cp932"), 100, "high_bytes")
    assert m.match == "ambiguous" and "2 different recovered files" in m.reason
    assert len(m.candidates) == 3


def test_exact_name_picks_copies() -> None:
    m = _match("/w/名簿.csv", 100)
    assert m.match == "exact" and m.sha256 == "A"
    assert m.evidence == ("portable_hdd/bk/名簿.csv", "work_pc/選挙/名簿.csv")


@pytest.mark.parametrize(("path", "size", "match", "reason"), [
    ("/w/名簿.csv", 55, "exact", "name and size"),
    ("/w/名簿.csv", 999, "none", "none has the uploaded size of 999 bytes"),
    ("/w/ない.csv", 100, "none", "no recovered file is named"),
    ("/w/メモ.txt", 30, "ambiguous", "2 different recovered files fit by name and size"),
    ("/w/報告.txt", 40, "exact", "name and size and time"),  # the v2 copy was modified after the upload
    ("/w/名簿.csv", None, "ambiguous", "name only"),
])
def test_match_table(path: str, size: int | None, match: str, reason: str) -> None:
    m = _match(path, size)
    assert m.match == match and reason in m.reason


def test_xferlog_spaces_mask() -> None:
    m = _match("/w/my_file.csv", 7, "spaces")
    assert m.match == "exact" and m.evidence == ("work_pc/my file.csv",)


def test_real_names_from_evidence_and_urls() -> None:
    logged = mask_name("/w/データ/名簿.csv", "cp932")
    v = version(logged, 100, "high_bytes")
    m = match_version(version(mask_name("/w/データ/名簿.csv", "utf-8"), 55, "high_bytes"), EvidenceIndex(EVIDENCE),
                      lambda e: e)
    assert m.real_name == "名簿.csv"
    assert recover_real_paths([v], {1: m}, ["/w/データ/名簿.csv", "/w/index.html"]) == {1: "/w/データ/名簿.csv"}
    assert recover_real_paths([v], {1: m}, []) == {1: mask_name("/w/データ", "cp932") + "/名簿.csv"}
