"""A big one-sheet workbook keyed over the workers counts what reading it in one process counts."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from mamori.scan import runner, sheet_split, split
from mamori.scan.runner import Scan, ScanOptions
from mamori.synth.corpus import write_voter_list

ROWS = 30_000  # 8 columns: past the 200,000 cells from which a sheet is kept column-wise


@pytest.fixture(scope="module")
def voters_xlsx(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    folder = tmp_path_factory.mktemp("sheet")
    made = write_voter_list(folder / "v.csv", ROWS, seed=5)
    path = folder / "名簿.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("名簿")
    with (folder / "v.csv").open(encoding="cp932", newline="") as stream:
        for r, line in enumerate(csv.reader(stream)):
            for c, value in enumerate(line):
                if r and c == 0:
                    sheet.write_number(r, c, int(value))
                else:
                    sheet.write_string(r, c, value)
    book.close()
    return path, len(set(made.person_ids))


@pytest.mark.slow
def test_a_big_sheet_split_over_workers_counts_exactly(voters_xlsx: tuple[Path, int],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path, truth = voters_xlsx
    monkeypatch.setattr(sheet_split, "BIG_WORKBOOK_BYTES", 1)
    monkeypatch.setattr(split, "SPLIT_BYTES", 1)
    planned: list[str] = []
    plan_split = runner.plan_split

    def spy(ref: Any, *args: Any) -> Any:
        plan = plan_split(ref, *args)
        if plan is not None:
            planned.append(ref.fs_path.suffix)
        return plan

    monkeypatch.setattr(runner, "plan_split", spy)
    split_scan = Scan([path], ScanOptions(workers=2, secret=b"s" * 32))
    (parted,) = list(split_scan.results())
    whole_scan = Scan([path], ScanOptions(workers=1, secret=b"s" * 32))
    (whole,) = list(whole_scan.results())
    assert planned == [".csv"]  # the sheet went through the split path
    assert parted.status.value == "ok" and parted.format == "xlsx" and parted.pii
    assert parted.persons == whole.persons == truth
    assert parted.categories == whole.categories
    assert split_scan.summary is not None and split_scan.summary.unique_persons == truth
    assert not list(Path(split_scan._handoff or "/nonexistent").glob("sheet-*.csv"))


@pytest.mark.slow
def test_a_big_sheet_without_people_is_inspected_by_the_worker_that_read_it(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "計測.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["時刻", "温度", "湿度", "気圧", "風速", "雨量", "日射", "備考"])
    for r in range(1, ROWS):
        sheet.write_row(r, 0, [r, r * 0.5, 40 + r % 50, 1000 + r % 30, r % 17, 0, r % 900, ""])
    book.close()
    monkeypatch.setattr(sheet_split, "BIG_WORKBOOK_BYTES", 1)
    monkeypatch.setattr(split, "SPLIT_BYTES", 1)
    planned: list[str] = []
    plan_split = runner.plan_split

    def spy(ref: Any, *args: Any) -> Any:
        planned.append(ref.fs_path.suffix)
        return plan_split(ref, *args)

    monkeypatch.setattr(runner, "plan_split", spy)
    (parted,) = list(Scan([path], ScanOptions(workers=2, secret=b"s" * 32)).results())
    (whole,) = list(Scan([path], ScanOptions(workers=1, secret=b"s" * 32)).results())
    assert ".csv" not in planned  # no CSV was written for it
    assert parted.status.value == whole.status.value == "ok" and parted.format == "xlsx"
    assert parted.pii is whole.pii is False and parted.persons == whole.persons == 0
