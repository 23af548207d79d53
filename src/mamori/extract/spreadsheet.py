"""Spreadsheets (xlsx, xlsm, xlsb, xls, ods) → one Table per sheet, via python-calamine.

Cells read as a person sees them: whole numbers without ``.0``, dates as ISO ``YYYY-MM-DD``,
text (``0722287907`` stored as text) untouched, empty cells ``""``. Title rows and merged
cells stay rows; a merged range keeps its value in its first cell.

Every sheet is read whole: a sheet too big to hold is refused before it is parsed
(``sheet_guard``: the item is ``too_large``), never cut. A big sheet's rows are kept as string
columns (``ColumnRows``, like a big CSV), built a slice of rows at a time, so the Python objects
of a million-row sheet never exist at once.
"""

from __future__ import annotations

import io
import math
import zipfile
from datetime import date, datetime, time, timedelta
from typing import Any, BinaryIO, ClassVar

import msoffcrypto
import polars as pl
import python_calamine

from mamori.errors import CorruptFile, Encrypted, MamoriError
from mamori.extract.office_crypto import CFB_MAGIC, is_encrypted_ooxml, ole_stream_names
from mamori.extract.sheet_guard import check_grid_sizes
from mamori.models import ColumnRows, Document, Gap, Item, Location, Problem, Table

#: Sheets with at least this many cells are kept column-wise (``ColumnRows``); smaller ones as row tuples.
BIG_SHEET_CELLS = 200_000
_SLICE_ROWS = 1 << 16  # rows turned into Python objects at once while a big sheet becomes columns
#: A leading empty area bigger than this is dropped rather than filled with blank cells.
MAX_LEADING_ROWS = 1_000
MAX_LEADING_COLUMNS = 100

_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_SUFFIX_FORMATS = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsm",
    ".xltx": "xlsx",
    ".xltm": "xlsm",
    ".xlsb": "xlsb",
    ".xls": "xls",
    ".xlt": "xls",
    ".ods": "ods",
    ".ots": "ods",
}
_READABLE_TYPES = (
    python_calamine.SheetTypeEnum.WorkSheet,
    python_calamine.SheetTypeEnum.MacroSheet,
    python_calamine.SheetTypeEnum.DialogSheet,
)


def cell_text(value: object) -> str:
    """A cell value as the text a person sees in the sheet."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return f"{value:.15g}" if math.isfinite(value) else str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
        return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return "" if value is None else str(value)


def _zip_format(head: bytes, item: Item) -> str | None:
    if head[30:38] == b"mimetype" and _ODS_MIME in head[38:120]:
        return "ods"
    try:
        with item.open() as stream, zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except Exception:  # noqa: BLE001  a damaged zip: claim it only when it says it is a workbook
        broken = b"xl/workbook." in head or item.suffix in _SUFFIX_FORMATS
        return _SUFFIX_FORMATS.get(item.suffix, "xlsx") if broken else None
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "xl/workbook.xml" in names:
        return "xlsm" if item.suffix in (".xlsm", ".xltm") else "xlsx"
    if mimetype.startswith(_ODS_MIME):
        return "ods"
    return None


def _cfb_format(item: Item) -> str | None:
    streams = ole_stream_names(item)
    if not streams:  # a damaged CFB named like a workbook is still ours to report as corrupt
        return "xls" if _SUFFIX_FORMATS.get(item.suffix) == "xls" else None
    if is_encrypted_ooxml(streams) or "Workbook" in streams or "Book" in streams:
        return "xls"
    return None


def detect_format(head: bytes, item: Item) -> str | None:
    """ "xlsx", "xlsm", "xlsb", "xls" or "ods" when *item* is a workbook, else None."""
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(head, item)
    if head.startswith(CFB_MAGIC):
        return _cfb_format(item)
    return None


def _check_xls_encryption(data: bytes) -> None:
    try:
        encrypted = msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted()
    except Exception:  # noqa: BLE001  not an xls msoffcrypto understands; calamine will judge it
        return
    if encrypted:
        raise Encrypted("password-protected Excel 97-2003 file; open it with the password and scan the copy")


def _check_zip(data: bytes, fmt: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_grid_sizes(archive, fmt)
    except MamoriError:
        raise
    except Exception as exc:  # noqa: BLE001  BadZipFile, zlib.error, EOFError, ...: a broken zip
        raise CorruptFile(f"cannot open the workbook (damaged or truncated zip): {_short(exc)}") from None


def _open(data: bytes) -> Any:
    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise Encrypted("password-protected workbook; open it with the password and scan the copy") from None
    except BaseException as exc:  # noqa: BLE001  Rust panics are BaseExceptions
        _reraise_unless_library_failure(exc)
        raise CorruptFile(f"cannot open the workbook (damaged or truncated): {_short(exc)}") from None


def _reraise_unless_library_failure(exc: BaseException) -> None:
    # calamine's Rust panics surface as pyo3 PanicException, a BaseException; treat them as
    # damaged input, but let interpreter exits and interrupts through.
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        raise exc
    if isinstance(exc, MamoriError):
        raise exc


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0][:200] if text else "") or type(exc).__name__


def _read_sheet(sheet: Any) -> tuple[tuple[str, ...], ...] | ColumnRows:
    """The sheet's rows as texts, all of them."""
    start, end = sheet.start, sheet.end
    if start is None or end is None:
        return ()
    keep_leading = start[0] <= MAX_LEADING_ROWS and start[1] <= MAX_LEADING_COLUMNS
    first_row, first_col = (0, 0) if keep_leading else start
    if (end[0] - first_row + 1) * (end[1] - first_col + 1) >= BIG_SHEET_CELLS:
        return _read_columns(sheet, start, end, keep_leading)
    raw = sheet.to_python(skip_empty_area=not keep_leading)
    return tuple(tuple(map(cell_text, row)) for row in raw)


def _texts(values: tuple[Any, ...]) -> pl.Series:
    """A column's cells as texts; a column of text only goes to Polars as it is (checked there, in Rust)."""
    try:
        return pl.Series(values, dtype=pl.String, strict=True)
    except (TypeError, pl.exceptions.PolarsError):
        return pl.Series(list(map(cell_text, values)), dtype=pl.String)


def _read_columns(sheet: Any, start: tuple[int, int], end: tuple[int, int], keep_leading: bool) -> ColumnRows:
    """A big sheet as string columns, a slice of rows at a time (``iter_rows`` yields the rows from the
    sheet's first row, or from its first used row, and the columns from its first used column)."""
    width = end[1] - start[1] + 1
    pad = start[1] if keep_leading else 0
    chunks: list[list[pl.Series]] = [[] for _ in range(pad + width)]
    rows = 0
    batch: list[list[Any]] = []

    def flush() -> None:
        if not batch:
            return
        columns = list(zip(*batch, strict=True))
        for index in range(pad + width):
            chunks[index].append(pl.Series([""] * len(batch), dtype=pl.String) if index < pad
                                 else _texts(columns[index - pad]))
        batch.clear()

    for row in sheet.iter_rows():
        batch.append(row)
        rows += 1
        if len(batch) >= _SLICE_ROWS:
            flush()
    flush()
    series = [pl.concat(parts, rechunk=False) if parts else pl.Series([], dtype=pl.String) for parts in chunks]
    leading = rows - (end[0] - start[0] + 1)  # the empty rows above the first used one, if yielded
    if keep_leading and leading == 0 and start[0]:
        series = [pl.concat([pl.Series([""] * start[0], dtype=pl.String), column]) for column in series]
    elif not keep_leading and leading > 0:
        series = [column.slice(leading) for column in series]
    return ColumnRows(series, len(series[0]) if series else 0)


def _read_workbook(book: Any, fmt: str) -> Document:
    tables: list[Table] = []
    problems: list[Problem] = []
    failures: list[str] = []
    for meta in book.sheets_metadata:
        name = str(meta.name)
        where = Location(sheet=name)
        if meta.typ not in _READABLE_TYPES:
            continue
        if meta.visible != python_calamine.SheetVisibleEnum.Visible:
            problems.append(Problem("hidden_sheet", f"sheet '{name}' is hidden; it was read", where))
        try:
            rows = _read_sheet(book.get_sheet_by_name(name))
        except BaseException as exc:  # noqa: BLE001  Rust panics are BaseExceptions
            _reraise_unless_library_failure(exc)
            failures.append(name)
            problems.append(Problem("sheet_unreadable", f"sheet '{name}' is damaged: {_short(exc)}", where,
                                    Gap.UNREAD))
            continue
        tables.append(Table(rows=rows, location=where, name=name))
    if failures and not tables:
        raise CorruptFile(f"no sheet could be read (damaged workbook): {problems[-1].message}")
    return Document(format=fmt, tables=tuple(tables), problems=tuple(problems))


class SpreadsheetExtractor:
    """Excel (xlsx, xlsm, xlsb, xls) and OpenDocument (ods) workbooks: every sheet, hidden ones too."""

    name: ClassVar[str] = "spreadsheet"
    priority: ClassVar[int] = 60

    def sniff(self, head: bytes, item: Item) -> bool:
        """A zip holding xl/workbook.xml|bin or an ODF spreadsheet mimetype; a CFB with a Workbook stream."""
        return detect_format(head, item) is not None

    def extract(self, stream: BinaryIO, item: Item) -> Document:
        """Every sheet as a Table named after it; raises Encrypted or CorruptFile when unreadable."""
        data = stream.read()
        head = data[:8192]
        probe = Item(path=item.path, size=len(data), sha256=item.sha256, data=data)
        fmt = detect_format(head, probe) or _SUFFIX_FORMATS.get(item.suffix, "xlsx")
        if head.startswith(CFB_MAGIC):
            streams = ole_stream_names(probe)
            if streams is not None and is_encrypted_ooxml(streams):
                raise Encrypted("password-protected Excel file; open it with the password and scan the copy")
            _check_xls_encryption(data)
        if head.startswith(b"PK\x03\x04"):
            _check_zip(data, fmt)
        book = _open(data)
        try:
            return _read_workbook(book, fmt)
        finally:
            try:
                book.close()
            except BaseException as exc:  # noqa: BLE001  Rust panics are BaseExceptions
                _reraise_unless_library_failure(exc)
