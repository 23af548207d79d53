"""Refuse workbooks whose sheets would expand past memory before calamine sees them.

calamine turns every sheet into a dense grid spanning its used cells: one value at A1 and
one at XFD1048576 make 17 billion cells, and a Rust allocation failure aborts the whole
process. A few kilobytes of zipped XML can claim that, so the sheet XML is scanned first
(streamed, tags only) and the workbook refused when a sheet's grid is too big.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from typing import IO

from mamori.errors import TooLarge

#: Cells one sheet's grid may span: the size of a full BIFF8 (.xls) sheet, 65,536 × 256.
MAX_GRID_CELLS = 65_536 * 256
_CHUNK = 1 << 20

_XLSX_TAG = re.compile(rb"<(row|c)(?=[\s/>])([^>]*)>")
_XLSX_REF = re.compile(rb'\br="([A-Z]{0,3})([0-9]{1,7})"')
_ODS_TAG = re.compile(rb"<(table:table|table:table-row|table:table-cell|table:covered-table-cell)(?=[\s/>])([^>]*)>")
_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="([0-9]{1,9})"')
_COLS_REPEATED = re.compile(rb'table:number-columns-repeated="([0-9]{1,9})"')


def _tags(stream: IO[bytes], pattern: re.Pattern[bytes]) -> Iterator[tuple[bytes, bytes]]:
    """(name, attributes) of each start tag matched by *pattern*, reading *stream* in chunks."""
    pending = b""
    while True:
        chunk = stream.read(_CHUNK)
        data = pending + chunk
        cut = len(data) if not chunk else data.rfind(b">") + 1
        for match in pattern.finditer(data, 0, cut):
            yield match[1], match[2]
        pending = data[cut:]
        if not chunk:
            return
        if len(pending) > _CHUNK:  # a tag longer than a megabyte is not a cell; skip it
            pending = b""


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


class _Box:
    """The bounding box of a sheet's cells, in 1-based rows and columns."""

    def __init__(self) -> None:
        self.rows = 0
        self.cols = 0

    def add(self, row: int, col: int) -> None:
        self.rows, self.cols = max(self.rows, row), max(self.cols, col)

    @property
    def cells(self) -> int:
        return self.rows * self.cols


def _xlsx_box(stream: IO[bytes]) -> _Box:
    box, row, col = _Box(), 0, 0
    for name, attrs in _tags(stream, _XLSX_TAG):
        ref = _XLSX_REF.search(attrs)
        if name == b"row":
            row, col = (int(ref[2]) if ref else row + 1), 0
        else:
            col = _column(ref[1]) if ref and ref[1] else col + 1
            box.add(max(row, int(ref[2]) if ref else 0), col)
    return box


def _ods_boxes(stream: IO[bytes]) -> Iterator[_Box]:
    box, row, col, row_repeat = _Box(), 0, 0, 1
    for name, attrs in _tags(stream, _ODS_TAG):
        if name == b"table:table":
            yield box
            box, row = _Box(), 0
        elif name == b"table:table-row":
            repeat = _ROWS_REPEATED.search(attrs)
            row_repeat = int(repeat[1]) if repeat else 1
            row, col = row + row_repeat, 0
        else:
            repeat = _COLS_REPEATED.search(attrs)
            col += int(repeat[1]) if repeat else 1
            # empty cells (self-closing, no value) do not count: LibreOffice pads every sheet with them
            if not attrs.endswith(b"/") or b"office:value-type" in attrs:
                box.add(row, col)
    yield box


def check_grid_sizes(archive: zipfile.ZipFile, fmt: str) -> None:
    """Raise TooLarge when a sheet of the xlsx/xlsm/ods in *archive* spans too many cells."""
    if fmt in ("xlsx", "xlsm"):
        parts = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        boxes: Iterator[_Box] = (_xlsx_box(archive.open(part)) for part in parts)
    elif fmt == "ods" and "content.xml" in archive.namelist():
        boxes = _ods_boxes(archive.open("content.xml"))
    else:
        return
    for box in boxes:
        if box.cells > MAX_GRID_CELLS:
            raise TooLarge(
                f"a sheet spans {box.rows:,} rows × {box.cols:,} columns ({box.cells:,} cells, "
                f"limit {MAX_GRID_CELLS:,}); too big to read safely"
            )
