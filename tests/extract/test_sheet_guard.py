"""The grid-size guard refuses sheets that would expand to billions of cells, before calamine runs."""

from __future__ import annotations

import io
import zipfile

import pytest
import xlsxwriter

from mamori.errors import TooLarge
from mamori.extract.sheet_guard import MAX_GRID_CELLS, check_grid_sizes
from mamori.synth.render.ods import MIMETYPE


def xlsx(cells: list[tuple[int, int]]) -> zipfile.ZipFile:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for row, col in cells:
        sheet.write_string(row, col, "x")
    book.close()
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


def ods(rows: int, cols: int, *, empty: bool = False) -> zipfile.ZipFile:
    cell = (
        f'<table:table-cell table:number-columns-repeated="{cols}"/>'
        if empty
        else f'<table:table-cell office:value-type="string" table:number-columns-repeated="{cols}">'
        "<text:p>x</text:p></table:table-cell>"
    )
    content = (
        f'<office:document-content><table:table table:name="a"><table:table-row>{cell}</table:table-row>'
        f'<table:table-row table:number-rows-repeated="{rows}">{cell}</table:table-row></table:table>'
        "</office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", MIMETYPE)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


@pytest.mark.parametrize(
    ("archive", "fmt", "refused"),
    [
        (xlsx([(0, 0), (50_000, 20)]), "xlsx", False),
        (xlsx([(0, 0), (1_048_575, 16_383)]), "xlsx", True),
        (xlsx([(0, 0), (70_000, 255)]), "xlsm", True),
        (ods(1_000_000, 1_000), "ods", True),
        (ods(10, 5), "ods", False),
        (ods(1_048_000, 1_024, empty=True), "ods", False),  # LibreOffice's padding is empty
        (xlsx([(1_048_575, 16_383)]), "xls", False),  # BIFF8 grids are bounded by the format
    ],
)
def test_guard(archive: zipfile.ZipFile, fmt: str, refused: bool) -> None:
    if refused:
        with pytest.raises(TooLarge, match="too big"):
            check_grid_sizes(archive, fmt)
    else:
        check_grid_sizes(archive, fmt)


def test_rows_without_references_are_counted() -> None:
    rows = "<row/>" * (MAX_GRID_CELLS // 1000) + "<row>" + "<c><v>1</v></c>" * 2000 + "</row>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "xl/worksheets/sheet1.xml", f"<worksheet><sheetData>{rows}</sheetData></worksheet>", zipfile.ZIP_DEFLATED
        )
    with pytest.raises(TooLarge):
        check_grid_sizes(zipfile.ZipFile(io.BytesIO(out.getvalue())), "xlsx")
