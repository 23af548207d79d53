"""Refuse workbooks whose sheets or shared strings would expand past memory before calamine sees them.

calamine turns every sheet into a dense grid spanning its used cells: one value at A1 and
one at XFD1048576 make 17 billion cells, and a Rust allocation failure aborts the whole
process. A few kilobytes of zipped XML can claim that, so the sheet XML is scanned first
(streamed, tags only) and the workbook refused when a sheet's grid is too big.

Regular sheet XML (what Excel and the usual writers make) is scanned by ``sheet_refs`` with numpy
over the raw bytes, at about the speed of inflating it; only a part that is not regular comes here.
The shared-strings table calamine loads whole before any sheet is refused by its size: the zip's
declared size, its declared counts and the bytes it really inflates to (counted, never kept).

The declared ``<dimension ref>`` is not trusted (calamine sizes the grid from the cells it
reads, whatever the header says), so every cell reference is looked at — by whole-chunk
regex passes; Python runs per row (ods) or per chunk (xlsx), not per cell. Those regexes
read tags right only while no attribute value holds ``<``, ``>`` or ``=`` (calamine's XML
reader accepts all three there); a part where one does is read again tag by tag, quotes
and all.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from functools import partial
from operator import itemgetter
from typing import IO

from mamori.errors import TooLarge
from mamori.i18n import said

#: Cells one sheet's grid may span: the size of a full BIFF8 (.xls) sheet, 65,536 × 256.
MAX_GRID_CELLS = 65_536 * 256
_CHUNK = 1 << 20

# Read as calamine reads them: any namespace prefix on the element, the attribute exactly ``r`` in
# either quotes with spaces around "=", lower-case letters, references past Excel's limits, and
# of an attribute given twice the last.
_PREFIX = rb"(?:[A-Za-z_][\w.\-]*:)?"
_XLSX_TAG = re.compile(rb"<" + _PREFIX + rb"(row|c)(?=[\s/>])([^>]*)>")
_XLSX_REF = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{0,7})([0-9]{1,10})["']""")
#: Each cell tag with its last reference (greedy: linear however many a tag repeats), or ("", "").
_CELL_REF = rb"""c(?=[\s/>])(?:[^>]*\sr\s*=\s*["']([A-Za-z]{1,7})([0-9]{1,10})["'])?"""
_XLSX_CELL_REF = re.compile(rb"<" + _CELL_REF)
_XLSX_ANY_CELL_REF = re.compile(rb"<" + _PREFIX + _CELL_REF)  # three times slower: only when needed
_XLSX_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.\-]*:c[\s/>]")
_ODS_STRUCTURE = re.compile(rb"<(table:table|table:table-row)(?=[\s/>])([^>]*)>")
_ODS_CELL = re.compile(rb"<(?:table:table-cell|table:covered-table-cell)(?=[\s/>])([^>]*)>")
_ROWS_REPEATED = re.compile(rb"""table:number-rows-repeated\s*=\s*["']([0-9]{1,12})["']""")
_COLS_REPEATED = re.compile(rb"""table:number-columns-repeated\s*=\s*["']([0-9]{1,12})["']""")
#: An attribute value holding "<", ">" or "=" (or text that looks like one): the regexes could misread it.
_SUSPICIOUS = re.compile(rb"""=\s*+(?:"[^"<>=]*+[<>=]|'[^'<>=]*+[<>=])""")
#: One piece of markup as an XML reader sees it; group 1 names a start tag, group 2 its attributes.
#: Every construct also ends at the end of the data, so a match never fails after a long scan
#: (an unterminated comment repeated a million times stays linear).
_MARKUP = re.compile(
    rb"""<(?:!--.*?(?:-->|\Z)|!\[CDATA\[.*?(?:\]\]>|\Z)|[/?!][^>]*+(?:>|\Z)|"""
    rb"""([^\s/>"'=<]++)((?:[^>"']++|"[^"]*+(?:"|\Z)|'[^']*+(?:'|\Z))*+)(?:>|\Z))""",
    re.S,
)
_ATTRIBUTE = re.compile(rb"""([^\s=/"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REFERENCE = re.compile(rb"([A-Za-z]{0,7})([0-9]{1,10})")
_NUMBER = re.compile(rb"[0-9]{1,12}")
#: The shared-strings table, inflated: calamine holds all of it (and a string object per entry).
MAX_SHARED_STRINGS_BYTES = 512 * 1024 * 1024
#: Memory one shared-strings entry costs a reader beyond its text (a string object), and the most a table may need.
SHARED_STRING_BYTES = 24
MAX_SHARED_STRINGS_MEMORY = 768 * 1024 * 1024
#: Entries a shared-strings table may declare (``count``, ``uniqueCount``): a reader may reserve that many.
MAX_SHARED_STRINGS = 4 * MAX_GRID_CELLS
_LOCAL_HEADER = 30  # bytes of a zip member's local header before its name and extra field
_SST_COUNTS = re.compile(rb"""\s(count|uniqueCount)\s*=\s*["']\s*([0-9]+)""")
#: Largest part read whole when it has to be read tag by tag.
MAX_CAREFUL_BYTES = 64 * 1024 * 1024


class _Suspicious(Exception):
    """A chunk holds an attribute value the whole-chunk regexes could misread."""


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    """*stream* in pieces of about a megabyte, each ending at a tag end (``>``) so no tag is split.

    Raises _Suspicious for a piece where that may not hold (a ">" in an attribute value).
    """
    pending = b""
    while True:
        chunk = stream.read(_CHUNK)
        data = pending + chunk
        cut = len(data) if not chunk else data.rfind(b">") + 1
        if cut:
            if _SUSPICIOUS.search(data, 0, cut):
                raise _Suspicious
            yield data[:cut]
        pending = data[cut:]
        if not chunk:
            return
        if len(pending) > _CHUNK:  # text alone can go; a tag that long is no cell of a real sheet
            start = pending.rfind(b"<")
            if start < 0:
                pending = b""
            elif len(pending) - start > _CHUNK:
                raise TooLarge(said("reason.extract.sheet_holds_xml_tag"))
            else:
                pending = pending[start:]


def _tags(stream: IO[bytes], pattern: re.Pattern[bytes]) -> Iterator[tuple[bytes, bytes]]:
    """(name, attributes) of each start tag matched by *pattern*, reading *stream* in chunks."""
    for chunk in _chunks(stream):
        for match in pattern.finditer(chunk):
            yield match[1], match[2]


def _careful_tags(stream: IO[bytes]) -> Iterator[tuple[bytes, dict[bytes, list[bytes]], bool]]:
    """(name, attribute values by name, self-closing) of each start tag, quotes respected; whole part read."""
    data = stream.read(MAX_CAREFUL_BYTES + 1)
    if len(data) > MAX_CAREFUL_BYTES:
        raise TooLarge(said("reason.extract.sheet_part_with_markup", max_careful_bytes=MAX_CAREFUL_BYTES))
    for match in _MARKUP.finditer(data):
        if match[1] is None:
            continue
        attributes: dict[bytes, list[bytes]] = {}
        for key, double, single in _ATTRIBUTE.findall(match[2]):
            attributes.setdefault(key, []).append(double or single)
        yield match[1], attributes, match[2].rstrip().endswith(b"/")


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


class _Box:
    """The bounding box of a sheet's cells, in 1-based rows and columns."""

    def __init__(self) -> None:
        self.rows = 0
        self.cols = 0

    def add(self, row: int, col: int) -> None:
        if row > self.rows:
            self.rows = row
        if col > self.cols:
            self.cols = col

    @property
    def cells(self) -> int:
        return self.rows * self.cols


def _xlsx_box_exact(stream: IO[bytes]) -> _Box:
    """Tag by tag, following rows and cells that leave their reference out (``row + 1``, ``col + 1``).

    A tag with several references (not well-formed, but read) counts the largest.
    """
    box, row, col = _Box(), 0, 0
    for name, attrs in _tags(stream, _XLSX_TAG):
        refs = _XLSX_REF.findall(attrs)
        number = max((int(digits) for _, digits in refs), default=0)
        if name == b"row":
            row, col = (number if refs else row + 1), 0
        else:
            col = max((_column(letters) for letters, _ in refs if letters), default=col + 1)
            box.add(max(row, number), col)
    return box


def _xlsx_box_fast(stream: IO[bytes]) -> _Box | None:
    """The box from whole-chunk regex passes, or None when some cell has no reference.

    calamine places a cell by its own reference, whatever its row says, so when every cell has
    one the box is the largest row and the largest column over all references.
    """
    box = _Box()
    for chunk in _chunks(stream):
        prefixed = b":c" in chunk and _XLSX_PREFIXED_CELL.search(chunk) is not None
        refs = (_XLSX_ANY_CELL_REF if prefixed else _XLSX_CELL_REF).findall(chunk)
        if not refs:
            continue
        letters = set(map(itemgetter(0), refs))
        if b"" in letters:
            return None
        widest = max({column.upper() for column in letters}, key=lambda s: (len(s), s))
        box.add(max(map(int, set(map(itemgetter(1), refs)))), _column(widest))
    return box


def _xlsx_box_careful(stream: IO[bytes]) -> _Box:
    """As _xlsx_box_exact, with tags and attributes split as an XML reader splits them."""
    box, row, col = _Box(), 0, 0
    for name, attributes, _ in _careful_tags(stream):
        kind = name.rpartition(b":")[2]
        if kind not in (b"row", b"c"):
            continue
        refs = [m.groups() for v in attributes.get(b"r", ()) if (m := _REFERENCE.fullmatch(v.strip()))]
        number = max((int(digits) for _, digits in refs), default=0)
        if kind == b"row":
            row, col = (number if refs else row + 1), 0
        else:
            col = max((_column(letters) for letters, _ in refs if letters), default=col + 1)
            box.add(max(row, number), col)
    return box


def _xlsx_box(open_part: Callable[[], IO[bytes]]) -> _Box:
    from mamori.extract import sheet_refs  # numpy: imported when a workbook is read, not at start-up

    try:
        with open_part() as stream:
            regular = _Box()
            regular.rows, regular.cols = sheet_refs.regular_box(stream)
            return regular
    except sheet_refs.Irregular:
        pass
    try:
        with open_part() as stream:
            box = _xlsx_box_fast(stream)
        if box is None:
            with open_part() as stream:
                box = _xlsx_box_exact(stream)
    except _Suspicious:
        with open_part() as stream:
            box = _xlsx_box_careful(stream)
    return box


def _ods_cells(chunk: bytes, start: int, end: int, row: int, col: int, box: _Box) -> int:
    """Count the cells in ``chunk[start:end]`` (all in one row) into *box*; returns the column reached."""
    cells = _ODS_CELL.findall(chunk, start, end)
    if not cells:
        return col
    if chunk.find(b"number-columns-repeated", start, end) < 0:
        for index in range(len(cells) - 1, -1, -1):
            if _filled(cells[index]):
                box.add(row, col + index + 1)
                break
        return col + len(cells)
    for attrs in cells:
        repeat = _COLS_REPEATED.search(attrs)
        col += int(repeat[1]) if repeat else 1
        if _filled(attrs):
            box.add(row, col)
    return col


def _filled(attrs: bytes) -> bool:
    # empty cells (self-closing, no value) do not count: LibreOffice pads every sheet with them
    return not attrs.endswith(b"/") or b"office:value-type" in attrs


def _ods_boxes(stream: IO[bytes]) -> Iterator[_Box]:
    box, row, col = _Box(), 0, 0
    for chunk in _chunks(stream):
        pos = 0
        for match in _ODS_STRUCTURE.finditer(chunk):
            col = _ods_cells(chunk, pos, match.start(), row, col, box)
            pos = match.end()
            if match[1] == b"table:table":
                yield box
                box, row = _Box(), 0
            else:
                repeat = _ROWS_REPEATED.search(match[2])
                row, col = row + (int(repeat[1]) if repeat else 1), 0
        col = _ods_cells(chunk, pos, len(chunk), row, col, box)
    yield box


def _ods_boxes_careful(stream: IO[bytes]) -> Iterator[_Box]:
    """As _ods_boxes, with tags and attributes split as an XML reader splits them."""
    box, row, col = _Box(), 0, 0
    for name, attributes, closed in _careful_tags(stream):
        if name == b"table:table":
            yield box
            box, row = _Box(), 0
        elif name == b"table:table-row":
            row, col = row + _repeat(attributes.get(b"table:number-rows-repeated", ())), 0
        elif name in (b"table:table-cell", b"table:covered-table-cell"):
            col += _repeat(attributes.get(b"table:number-columns-repeated", ()))
            if not closed or b"office:value-type" in attributes:
                box.add(row, col)
    yield box


def _repeat(values: tuple[bytes, ...] | list[bytes]) -> int:
    numbers = [int(m[0]) for v in values if (m := _NUMBER.fullmatch(v.strip()))]
    return max(numbers, default=1)


def _ods_sheet_boxes(open_content: Callable[[], IO[bytes]]) -> list[_Box]:
    try:
        with open_content() as stream:
            return list(_ods_boxes(stream))
    except _Suspicious:
        with open_content() as stream:
            return list(_ods_boxes_careful(stream))


class _Tags:
    """Counts one tag's openings (``<si``, ``<x:si``) in text that arrives in pieces."""

    def __init__(self, tag: bytes) -> None:
        self.plain, self.prefixed = b"<" + tag, b":" + tag
        self.count = 0
        self._tail = b""

    def feed(self, data: bytes) -> None:
        text = self._tail + data
        # an opening split between two pieces is counted once: in the piece that completes it
        self.count += sum(text.count(t) - self._tail.count(t) for t in (self.plain, self.prefixed))
        self._tail = text[-len(self.prefixed):]


def _inflated_size(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int,
                   tags: _Tags | None = None) -> tuple[int, bytes]:
    """(bytes the member really inflates to, up to *limit* + 1; its first KiB), whatever its header declares.

    *tags*, if given, counts a tag's openings in what was inflated."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        with archive.open(info) as stream:  # another method: zipfile reads it (and stops at the declared size)
            head = stream.read(1024)
            size = len(head)
            if tags is not None:
                tags.feed(head)
            while size <= limit and (chunk := stream.read(1 << 20)):
                size += len(chunk)
                if tags is not None:
                    tags.feed(chunk)
            return size, head
    fp = archive.fp
    assert fp is not None
    fp.seek(info.header_offset)
    local = fp.read(_LOCAL_HEADER)
    if len(local) < _LOCAL_HEADER or local[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    fp.seek(int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little"), 1)
    left = info.compress_size
    inflate = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    size, head = 0, b""
    while left > 0 and size <= limit:
        raw = fp.read(min(left, 1 << 20))
        if not raw:
            break
        left -= len(raw)
        while raw and size <= limit:
            out = inflate.decompress(raw, 16 << 20) if inflate else raw
            raw = inflate.unconsumed_tail if inflate else b""
            if len(head) < 1024:
                head += out[: 1024 - len(head)]
            if tags is not None:
                tags.feed(out)
            size += len(out)
            if inflate is not None and inflate.eof:
                return size, head
    return size, head


def check_shared_strings(archive: zipfile.ZipFile) -> None:
    """Raise TooLarge when the workbook's shared-strings table would take too much memory to load."""
    for info in archive.infolist():
        if not info.filename.lower().endswith("sharedstrings.xml"):
            continue
        too_big = f"its shared-strings table {{}} (limit {MAX_SHARED_STRINGS_BYTES:,} bytes); too big to read safely"
        if info.file_size > MAX_SHARED_STRINGS_BYTES:
            raise TooLarge(too_big.format(f"declares {info.file_size:,} bytes"))
        entries = _Tags(b"si")
        size, head = _inflated_size(archive, info, MAX_SHARED_STRINGS_BYTES, entries)
        if size > MAX_SHARED_STRINGS_BYTES:
            raise TooLarge(too_big.format(f"inflates to more than {MAX_SHARED_STRINGS_BYTES:,} bytes"))
        # A reader keeps every entry as a string object: tens of millions of empty ones cost far more than
        # their 13 bytes of XML each (40 M of them: 0.5 GB of XML, 1 GB in the reader).
        needs = size + SHARED_STRING_BYTES * entries.count
        if needs > MAX_SHARED_STRINGS_MEMORY:
            raise TooLarge(f"its shared-strings table holds {entries.count:,} entries in {size:,} bytes, about "
                           f"{needs >> 20:,} MiB to load (limit {MAX_SHARED_STRINGS_MEMORY >> 20:,} MiB); "
                           "too big to read safely")
        start = head.find(b"sst")
        tag = head[start : head.find(b">", start) + 1] if start >= 0 else b""
        for name, number in _SST_COUNTS.findall(tag):
            if int(number) > MAX_SHARED_STRINGS:
                raise TooLarge(said("reason.extract.shared_strings_table_declares",
                                    value1=str(name.decode()), value2=int(number),
                                    max_shared_strings=MAX_SHARED_STRINGS))


def check_grid_sizes(archive: zipfile.ZipFile, fmt: str) -> None:
    """Raise TooLarge when a sheet of the xlsx/xlsm/ods in *archive* spans too many cells, or the
    shared strings of an xlsx/xlsm would not fit in memory."""
    if fmt in ("xlsx", "xlsm"):
        check_shared_strings(archive)
        parts = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        boxes: Iterator[_Box] = (_xlsx_box(partial(archive.open, part)) for part in parts)
    elif fmt == "ods" and "content.xml" in archive.namelist():
        boxes = iter(_ods_sheet_boxes(partial(archive.open, "content.xml")))
    else:
        return
    for box in boxes:
        if box.cells > MAX_GRID_CELLS:
            raise TooLarge(
                said("reason.extract.sheet_spans_rows_columns",
                     rows=box.rows, cols=box.cols, cells=box.cells, max_grid_cells=MAX_GRID_CELLS)
            )
