"""The hostile-input suite: files built to make a reader skip content or blow up memory.

Each case says which statuses are right; in every case no item that was not read in full says
``pii: false``, and the summary's ``not_inspected`` counts every such item, members included.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mamori.models import ItemResult, Status
from mamori.scan.inspect import not_inspected
from mamori.scan.runner import Scan, ScanOptions
from mamori.synth import hostile

CASES = list(hostile.cases())


def _scan(path: Path) -> tuple[list[ItemResult], Scan]:
    scan = Scan([path], ScanOptions(workers=1))
    return list(scan.results()), scan


def _param(case: hostile.HostileCase) -> object:
    marks = [pytest.mark.xfail(strict=False, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.name, marks=marks)


@pytest.mark.slow
@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_hostile_case(case: hostile.HostileCase, tmp_path: Path) -> None:
    path = tmp_path / case.name
    case.write(path)
    results, scan = _scan(path)
    top = results[0]
    assert top.status.value in case.statuses, (top.status, top.reason, top.problems[:3])
    assert top.pii in case.pii, top
    for result in results:
        if not result.status.inspected:
            assert result.pii is not False, result
        assert result.partial == (result.pii is True and not result.status.inspected)
    assert scan.summary is not None
    assert scan.summary.not_inspected == not_inspected(results)


def test_stray_quote_reads_every_person_with_a_note(tmp_path: Path) -> None:
    stray = tmp_path / "stray.csv"
    stray.write_bytes(hostile.csv_stray_quote(100))
    closed = tmp_path / "closed.csv"
    closed.write_bytes(hostile.csv_stray_quote(100).replace("備考あり".encode(), "備考あり\"".encode()))
    (got,), _ = _scan(stray)
    (want,), _ = _scan(closed)
    assert got.status is Status.OK and got.persons == want.persons >= 100
    assert any(p.code == "delimited.stray_quote" for p in got.problems)


def test_a_locked_member_counts_in_not_inspected(tmp_path: Path) -> None:
    path = tmp_path / "mixed.zip"
    path.write_bytes(hostile.zip_encrypted_member())
    results, scan = _scan(path)
    assert results[0].pii is True  # the readable list holds people …
    assert scan.summary is not None and scan.summary.not_inspected == 1  # … and the locked member still counts
    assert [r.status for r in results if not r.status.inspected] == [Status.ENCRYPTED]


def test_guard_counts_members_not_inspected(tmp_path: Path) -> None:
    from mamori.guard.exports.scanning import scan_files

    path = tmp_path / "mixed.zip"
    path.write_bytes(hostile.zip_encrypted_member())
    outcome = scan_files([(path, "mixed.zip")])
    assert outcome.files[0].pii is True
    assert outcome.not_inspected == 1


def test_one_enormous_line_is_cut_not_held(tmp_path: Path) -> None:
    path = tmp_path / "line.csv"
    hostile.write_csv_one_line(path, 3)
    (result,), _ = _scan(path)
    assert result.status is Status.TOO_LARGE and result.pii is True and result.partial
    assert any(p.code == "text.line_cut" for p in result.problems)


_MEMORY_ERROR_IN_DETECTION = """
import json, sys
import mamori.scan.inspect as inspect_module
from mamori.scan.runner import Scan, ScanOptions

def exhausted(*_):
    raise MemoryError

inspect_module.analyze = exhausted
scan = Scan([sys.argv[1]], ScanOptions(workers=1))
print(json.dumps([[r.status.value, r.pii] for r in scan.results()] + [scan.summary.not_inspected]))
"""


def test_a_memory_error_in_detection_is_that_items_error(tmp_path: Path) -> None:
    # In a fresh process: the helper that inspects is forked from it, so it inherits the patched analyze
    # (a process whose Polars pool has run, as pytest's may have, starts its helper from the fork server).
    (tmp_path / "a.txt").write_text("\n".join(hostile.person_line(r) for r in hostile.people(3)), encoding="utf-8")
    (tmp_path / "b.csv").write_bytes(hostile.csv_stray_quote(5))
    run = subprocess.run([sys.executable, "-c", _MEMORY_ERROR_IN_DETECTION, str(tmp_path)], capture_output=True,
                         text=True, check=True)
    *results, not_inspected_count = json.loads(run.stdout)
    assert results == [["error", None], ["error", None]]
    assert not_inspected_count == 2
