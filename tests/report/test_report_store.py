"""The reports read the case store only through its typed API, and can be written from the store alone."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from report_case import Investigated

import mamori.report
from mamori.errors import CaseError
from mamori.investigate.case_records import CaseRecords
from mamori.investigate.findings import Findings
from mamori.investigate.records import RECORD_VERSION, decode, encode, payload
from mamori.investigate.store import CaseStore
from mamori.report.case.reports import write_reports, write_reports_from_store

NOW = datetime(2015, 12, 14, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


def test_reports_from_the_typed_store_alone_equal_the_in_memory_ones(investigated: Investigated,
                                                                      tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(investigated.out, a)
    shutil.copytree(investigated.out, b)
    write_reports(investigated.findings, a, investigated.case, now=NOW, pdf=False)
    written = write_reports_from_store(b, investigated.case, now=NOW, pdf=False)
    assert not written.warnings
    for name in ("report.html", "accesses.csv", "ppc_report.md"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    with CaseRecords.open(b) as records:
        assert records.findings() == investigated.findings  # accesses and hourly counts included
        assert records.findings().contract() == investigated.findings.contract()


def test_no_report_module_reads_the_store_tables() -> None:
    folder = Path(mamori.report.__file__).parent
    for path in folder.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "duckdb" not in text and not re.search(r"\bSELECT\b|\.execute\(|\.con\b", text), path.name


def test_records_round_trip_and_refuse_other_versions(investigated: Investigated, tmp_path: Path) -> None:
    findings = investigated.findings
    # the per-address rows live in the store's own tables, not in the findings record
    assert decode(Findings, encode(findings)) == replace(findings, accesses=(), hourly=())
    assert "accesses" not in encode(findings)
    with pytest.raises(CaseError, match="lacks the field 'server_path'"):
        decode(Findings, {**encode(findings), "server_files": [{"version_id": 1}]})
    with pytest.raises(CaseError, match="expected int"):
        bad = encode(findings)
        bad["unique_persons_leaked"] = "many"
        decode(Findings, bad)
    out = tmp_path / "old"
    shutil.copytree(investigated.out, out)
    with CaseStore(out) as store:
        store.save_stage("findings", "", {**payload(findings=findings), "record_version": RECORD_VERSION - 1})
    with pytest.raises(CaseError, match="run `mamori investigate` into it again"):
        write_reports_from_store(out)


def test_store_missing_is_a_case_error_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="run `mamori investigate"):
        CaseRecords.open(tmp_path)


def test_review_files_are_counted_in_the_summary(investigated: Investigated) -> None:
    findings = investigated.findings
    assert findings.needs_review  # the synthetic case has an ambiguous match that was fetched
    assert findings.contract()["summary"]["needs_review"] == len(findings.needs_review)
    empty = replace(findings, needs_review=())
    assert empty.contract()["summary"]["needs_review"] == 0
