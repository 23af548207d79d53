"""The grid-size guard refuses sheets that would expand to billions of cells, before calamine runs."""

from __future__ import annotations

import io
import re
import time
import zipfile
from typing import Any

import pytest
import python_calamine
import xlsxwriter

from mamori.errors import TooLarge
from mamori.extract.sheet_guard import MAX_GRID_CELLS, _xlsx_box_exact, _xlsx_box_fast, check_grid_sizes
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
    return ods_archive(content)


def ods_archive(content: str) -> zipfile.ZipFile:
    """An ODS package holding *content* as its content.xml."""
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


def sheet(sheet_data: str) -> zipfile.ZipFile:
    """A zip holding only one worksheet part with *sheet_data*: all the guard reads."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            ' xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{sheet_data}</sheetData></worksheet>",
            zipfile.ZIP_DEFLATED,
        )
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


A1 = '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'


@pytest.mark.parametrize(
    "far_cell",
    [
        '<row r="1048576"><c r="XFD1048576"/></row>',
        "<row r='1048576'><c r='XFD1048576'/></row>",  # single quotes
        '<row r="1048576"><c r = "XFD1048576"/></row>',  # spaces around "="
        '<row r="1048576"><c r="xfd1048576"/></row>',  # lower case
        '<row r="2"><c r="Z12345678"/></row>',  # past Excel's last row
        '<row r="2"><c r="AAAA20000"/></row>',  # four letters
        '<x:row r="1048576"><x:c r="XFD1048576"/></x:row>',  # a namespace prefix
        '<row r="2"><c x:r="A2" r="XFD1048576"/></row>',  # a decoy in another namespace
        '<row r="2"><c r="A2" r="XFD1048576"/></row>',  # given twice: calamine takes the last
        '<row r="2"><c r="A2"/><c/></row><row/>' * 2 + '<row><c r="XFD1048576"/></row>',  # exact walk
        '<row r="2"><c foo=">" r="XFD1048576"/></row>',  # ">" in a value does not end the tag
        '<row r="2"><c foo="<" r="XFD1048576"/></row>',
        """<row r="2"><c r="XFD1048576" foo=' r="A2"'/></row>""",  # a reference inside a value is text
        """<row r="2"><c foo=">" r="A2"/><c/><c/></row><row/>""" + "<row/>" * 70_000 + '<row><c r="XFD1"/></row>',
    ],
)
def test_references_are_read_as_calamine_reads_them(far_cell: str) -> None:
    with pytest.raises(TooLarge, match="too big"):
        check_grid_sizes(sheet(A1 + far_cell), "xlsx")


@pytest.mark.parametrize(
    "rows",
    [
        A1 + '<row r="1048576" ht="30" customHeight="1"/>',  # a formatted empty row far below the data
        A1 + '<row r="1048576"><c r="B3"/></row>',  # a cell is placed by its own reference
        A1 + '<row r="2" spans="1:3"><c r="C2" s="1"/><c r="B2"/></row>',
        A1 + """<row r="2"><c r="B2" foo="a > b = c" bar='"'/></row>""",  # read tag by tag, still small
    ],
)
def test_small_sheets_pass(rows: str) -> None:
    check_grid_sizes(sheet(rows), "xlsx")


def test_calamine_places_a_cell_by_its_own_reference() -> None:
    """The fast scan's premise: a referenced cell's row attribute does not move it (checked on calamine)."""
    base = xlsx([(0, 0)])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in base.namelist():
            data = base.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<sheetData>.*</sheetData>", b'<sheetData><row r="900"><c r="B2" t="inlineStr">'
                              b"<is><t>b</t></is></c></row></sheetData>", data, flags=re.S)
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            archive.writestr(name, data)
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue()))
    found = book.get_sheet_by_name(book.sheet_names[0])
    assert (found.start, found.end) == ((1, 1), (1, 1))


def test_fast_scan_matches_the_exact_walk() -> None:
    cells = [(r, c) for r in range(0, 3000, 7) for c in (0, 3, 25, 700)] + [(65_000, 2)]
    archive = xlsx(cells)
    part = "xl/worksheets/sheet1.xml"
    with archive.open(part) as stream:
        fast = _xlsx_box_fast(stream)
    with archive.open(part) as stream:
        exact = _xlsx_box_exact(stream)
    assert fast is not None and (fast.rows, fast.cols) == (exact.rows, exact.cols) == (65_001, 701)


@pytest.mark.parametrize("quote", ['"', "'"])
def test_ods_repeats_in_either_quotes(quote: str) -> None:
    content = (
        f"<table:table table:name={quote}a{quote}><table:table-row table:number-rows-repeated = {quote}1000000{quote}>"
        f"<table:table-cell office:value-type={quote}string{quote} table:number-columns-repeated={quote}1000{quote}>"
        "<text:p>x</text:p></table:table-cell></table:table-row></table:table>"
    )
    with pytest.raises(TooLarge):
        check_grid_sizes(ods_archive(content), "ods")


def test_ods_markup_in_values_is_read_as_xml() -> None:
    content = (
        '<table:table table:name="a"><table:table-row table:number-rows-repeated="100000">'
        '<table:table-cell text:x="> table:number-columns-repeated=\'1\'" table:number-columns-repeated="1000" '
        'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>'
    )
    with pytest.raises(TooLarge):
        check_grid_sizes(ods_archive(content), "ods")


def test_a_megabyte_long_tag_is_refused_not_skipped() -> None:
    padding = " " * (2 << 20)
    with pytest.raises(TooLarge, match="longer than a megabyte"):
        check_grid_sizes(sheet(A1 + f'<row r="1048576"><c{padding} r="XFD1048576"/></row>'), "xlsx")


HOSTILE_MARKUP = {
    "one tag, many references": lambda n: "<c" + ' r="A1"' * n + ">",
    "unterminated comments": lambda n: '<c foo="<"/>' + "<!--" * (5 * n),
    "unterminated quotes": lambda n: '<c foo="<"/>' + '<c a="' * (3 * n),
}


@pytest.mark.parametrize("build", list(HOSTILE_MARKUP.values()), ids=list(HOSTILE_MARKUP))
def test_hostile_markup_is_scanned_in_linear_time(build: Any) -> None:
    def cpu_seconds(n: int) -> float:
        data = sheet(build(n))
        start = time.process_time()
        check_grid_sizes(data, "xlsx")
        return time.process_time() - start

    # Four times the markup costs about four times the work when linear, sixteen when quadratic; CPU time of two
    # runs in one process, compared with each other, does not depend on how busy the machine is.
    small, large = min(cpu_seconds(25_000) for _ in range(3)), min(cpu_seconds(100_000) for _ in range(3))
    assert large / max(small, 1e-3) < 10
