"""The numpy scan of regular sheet XML finds the box the careful walk finds, or steps aside."""

from __future__ import annotations

import io
import threading
import zipfile

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.errors import TooLarge
from mamori.evidence.limits import Limits
from mamori.extract import sheet_guard, sheet_refs
from mamori.extract.sheet_guard import _xlsx_box_exact, check_grid_sizes, check_shared_strings
from mamori.extract.sheet_refs import Irregular, regular_box
from mamori.models import Item, Status
from mamori.people.keys import KeyMaker
from mamori.scan.inspect import Inspector


def letters(column: int) -> str:
    out = ""
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


def part(cells: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        f'2006/main" xmlns:r="http://x"><sheetData>{cells}</sheetData></worksheet>'
    ).encode()


_TAILS = ("", ' t="s"', ' s="1" t="inlineStr"', ' t="str" cm="1"')
_BODIES = ("/>", "><v>12</v></c>", '><is><t>r = "x"</t></is></c>', "><is><t>住所 東京都</t></is></c>")

cell = st.tuples(
    st.integers(1, 5_000_000), st.integers(1, 20_000), st.sampled_from(_TAILS), st.sampled_from(_BODIES),
    st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(cells=st.lists(cell, min_size=1, max_size=60), read=st.sampled_from([7, 64, 4096]))
def test_regular_sheets_give_the_careful_walks_box(cells: list[tuple[int, int, str, str, bool]], read: int) -> None:
    text = "".join(
        f'<row r="{row}"><c r="{letters(col).lower() if lower else letters(col)}{row}"{tail}{body}</row>'
        for row, col, tail, body, lower in cells
    )
    data = part(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sheet_refs, "_READ", read)  # pieces cut everywhere
        box = regular_box(io.BytesIO(data))
    exact = _xlsx_box_exact(io.BytesIO(data))
    assert box == (exact.rows, exact.cols) == (max(c[0] for c in cells), max(c[1] for c in cells))


@pytest.mark.parametrize(
    "odd",
    [
        '<row r="2"><c t="s" r="XFD2"/></row>',  # the reference not first
        '<row r="2"><c r="A2" r="XFD2"/></row>',  # given twice
        '<row r="2"><c r="A2"\nr="XFD2"/></row>',
        '<row r="2"><c r="A2" foo=">" r="XFD2"/></row>',
        "<row r='2'><c r='XFD2'/></row>",
        '<row r="2"><c r = "XFD2"/></row>',
        '<row r="2"><x:c r="XFD2"/></row>',
        '<row r="2"><c/></row>',
        '<row r="2"><c r="2"/></row>',  # no letters
        '<row r="2"><c r="ABCDEFGH2"/></row>',  # eight letters
        '<row r="2"><c r="A12345678901"/></row>',  # eleven digits
    ],
)
def test_anything_irregular_steps_aside(odd: str) -> None:
    with pytest.raises(Irregular):
        regular_box(io.BytesIO(part('<row r="1"><c r="A1"/></row>' + odd)))


def _inflating() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "mamori-sheet-inflate"]


def test_the_inflating_thread_is_gone_when_the_scan_steps_aside_early(monkeypatch: pytest.MonkeyPatch) -> None:
    """An irregular first piece stops the scan while many pieces are still to inflate: the thread ends."""
    monkeypatch.setattr(sheet_refs, "_READ", 64)
    rows = "".join(f'<row r="{r}"><c r="A{r}"/></row>' for r in range(2, 2000))
    with pytest.raises(Irregular):
        regular_box(io.BytesIO(part('<row r="1"><c/></row>' + rows)))
    assert not _inflating()
    assert regular_box(io.BytesIO(part(rows))) == (1999, 1)  # many pieces through the queue, in order
    assert not _inflating()


def test_a_huge_run_of_text_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_refs, "MAX_TEXT_RUN", 1000)
    monkeypatch.setattr(sheet_refs, "_READ", 256)
    with pytest.raises(TooLarge, match="text in one place"):
        regular_box(io.BytesIO(part('<row r="1"><c r="A1" t="inlineStr"><is><t>' + "x" * 5000 + "</t></is></c></row>")))


def workbook(shared: bytes, *, declared: int | None = None) -> zipfile.ZipFile:
    """A zip with a one-cell sheet and *shared* as its shared strings; *declared*: the size its headers claim."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", part('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
                         zipfile.ZIP_DEFLATED)
        archive.writestr("xl/sharedStrings.xml", shared, zipfile.ZIP_DEFLATED)
    data = bytearray(out.getvalue())
    if declared is not None:  # a lying header: both the local and the central record say *declared*
        real = len(shared).to_bytes(4, "little")
        name = b"xl/sharedStrings.xml"
        local = data.find(b"PK\x03\x04")
        while local >= 0:
            if data[local + 30 : local + 30 + len(name)] == name and data[local + 22 : local + 26] == real:
                data[local + 22 : local + 26] = declared.to_bytes(4, "little")
            local = data.find(b"PK\x03\x04", local + 4)
        central = data.find(b"PK\x01\x02")
        while central >= 0:
            if data[central + 46 : central + 46 + len(name)] == name:
                data[central + 24 : central + 28] = declared.to_bytes(4, "little")
            central = data.find(b"PK\x01\x02", central + 4)
    return zipfile.ZipFile(io.BytesIO(bytes(data)))


def strings(count: int, unique: int, items: int) -> bytes:
    return (f'<?xml version="1.0"?><sst xmlns="http://x" count="{count}" uniqueCount="{unique}">'
            + "<si><t>x</t></si>" * items + "</sst>").encode()


def test_ordinary_shared_strings_pass() -> None:
    check_grid_sizes(workbook(strings(3, 3, 3)), "xlsx")


@pytest.mark.parametrize(("count", "unique"), [(10**12, 3), (3, 10**12)])
def test_declared_counts_past_the_limit_are_refused(count: int, unique: int) -> None:
    with pytest.raises(TooLarge, match="declares"):
        check_shared_strings(workbook(strings(count, unique, 3)))


def test_a_table_that_inflates_past_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_guard, "MAX_SHARED_STRINGS_BYTES", 10_000)
    data = strings(2000, 2000, 2000)
    with pytest.raises(TooLarge, match="declares"):
        check_shared_strings(workbook(data))
    # headers that say the part is small do not hide it: its real inflated size is counted
    with pytest.raises(TooLarge, match="inflates to more"):
        check_shared_strings(workbook(data, declared=100))


def test_a_shared_strings_bomb_is_too_large_not_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    """A small workbook whose shared strings inflate past the limit: not inspected, never reported clean."""
    xlsx = io.BytesIO()
    book = xlsxwriter.Workbook(xlsx, {"in_memory": True})
    book.add_worksheet().write_string(0, 0, "x")
    book.close()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx.getvalue())) as source, zipfile.ZipFile(out, "w") as bomb:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/sharedStrings.xml":
                data = strings(1, 1, 200_000)  # 3.4 MB of XML, a few kB zipped
            bomb.writestr(name, data, zipfile.ZIP_DEFLATED)
    monkeypatch.setattr(sheet_guard, "MAX_SHARED_STRINGS_BYTES", 1 << 20)
    data = out.getvalue()
    assert len(data) < 64 * 1024
    (result,) = Inspector(Limits(), KeyMaker(b"k" * 32)).inspect(Item(path="bomb.xlsx", size=len(data), sha256="",
                                                                       data=data))
    assert result.status is Status.TOO_LARGE and result.pii is None
