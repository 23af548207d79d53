"""Big sheets: read whole, column-wise, with exactly the texts the row-wise reading gives."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import python_calamine
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.extract import spreadsheet
from mamori.models import ColumnRows

value = st.one_of(
    st.text(max_size=6), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(), st.none(), st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2030, 1, 1)),
)


def book(cells: dict[tuple[int, int], Any]) -> Any:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet()
    for (row, col), cell in cells.items():
        if cell is None:
            continue
        if isinstance(cell, dt.date):
            sheet.write_datetime(row, col, cell, dates)
        elif isinstance(cell, str):
            sheet.write_string(row, col, cell)
        else:
            sheet.write(row, col, cell)
    workbook.close()
    return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue()))


def both(cells: dict[tuple[int, int], Any]) -> tuple[Any, Any]:
    """The sheet read row-wise and column-wise (the threshold moved so that one small sheet takes both paths)."""
    workbook = book(cells)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(spreadsheet, "BIG_SHEET_CELLS", 10**12)
        rows = spreadsheet._read_sheet(workbook.get_sheet_by_index(0))
        patch.setattr(spreadsheet, "BIG_SHEET_CELLS", 1)
        patch.setattr(spreadsheet, "_SLICE_ROWS", 3)  # several slices
        columns = spreadsheet._read_sheet(workbook.get_sheet_by_index(0))
    return rows, columns


@settings(max_examples=60, deadline=None)
@given(grid=st.lists(st.lists(value, min_size=1, max_size=5), min_size=1, max_size=12),
       top=st.integers(0, 4), left=st.integers(0, 3))
def test_column_wise_reading_gives_the_row_wise_texts(grid: list[list[Any]], top: int, left: int) -> None:
    cells = {(top + r, left + c): v for r, line in enumerate(grid) for c, v in enumerate(line)}
    if all(v is None or v == "" for v in cells.values()):
        return
    rows, columns = both(cells)
    assert isinstance(columns, ColumnRows)
    assert list(columns) == [tuple(row) for row in rows]


@pytest.mark.parametrize("top", [0, 3, spreadsheet.MAX_LEADING_ROWS + 5])
def test_leading_empty_area_is_kept_or_dropped_alike(top: int) -> None:
    cells = {(top + r, 2 + c): f"{r}.{c}" for r in range(7) for c in range(3)}
    rows, columns = both(cells)
    assert list(columns) == list(rows)
    assert len(rows) == (7 if top > spreadsheet.MAX_LEADING_ROWS else top + 7)


@pytest.mark.slow
def test_no_budget_cuts_a_workbook() -> None:
    """Two sheets of 1.08 million cells each, more than the two million a workbook was once cut at:
    every row of both is read."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    rows = 360_000
    for name in ("a", "b"):
        sheet = workbook.add_worksheet(name)
        for r in range(rows):
            sheet.write_row(r, 0, (f"{name}{r}", r, "x"))
    workbook.close()
    document = spreadsheet.SpreadsheetExtractor().extract(io.BytesIO(out.getvalue()), _item(out.getvalue()))
    assert [len(t.rows) for t in document.tables] == [rows, rows]
    assert not document.problems
    assert document.tables[1].rows[rows - 1] == (f"b{rows - 1}", str(rows - 1), "x")


def _item(data: bytes) -> Any:
    from mamori.models import Item

    return Item(path="big.xlsx", size=len(data), sha256="", data=data)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 5).flatmap(lambda width: st.lists(st.lists(value, min_size=width, max_size=width),
                                                         min_size=1, max_size=20).map(lambda rows: (width, rows))))
def test_rows_transposed_are_zip(case: tuple[int, list[list[Any]]]) -> None:
    width, rows = case
    assert spreadsheet._transposed(rows, width) == [list(column) for column in zip(*rows, strict=True)]


def test_a_row_of_another_width_is_an_error_as_before() -> None:
    with pytest.raises(ValueError):
        spreadsheet._transposed([["a", "b"], ["c"]], 2)  # not ["c", "c"], as numpy would broadcast it
