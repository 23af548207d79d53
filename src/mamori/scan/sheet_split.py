"""A big one-sheet workbook keyed over all the workers, like a big CSV.

Parsing a workbook is one process's work (calamine reads a sheet whole), but keying its people is
most of the rest, and that splits. So one worker reads the workbook exactly as the inspector does
(same guards, same cell texts) and, when it is one big sheet with nothing else to report, writes that
sheet as a UTF-8 CSV into the scan's private hand-off directory. The main process then plans and keys
that CSV in parts (``split``, ``parts``) and reports the result as the workbook's. Anything else (more
than one sheet with rows, a problem to report, a sheet kept as row tuples, any error) means no CSV:
the workbook is inspected the ordinary way, which also reports why it could not be read.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import polars as pl

from mamori.evidence.files import FileRef, load_file
from mamori.evidence.limits import MIB, Limits
from mamori.extract.registry import choose
from mamori.models import ColumnRows

#: Workbooks at least this big are worth splitting (a sheet kept column-wise is at least this big).
BIG_WORKBOOK_BYTES = 8 * MIB
_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xls", ".ods"})


def wants_sheet_split(ref: FileRef, workers: int) -> bool:
    """True when *ref* may be a workbook big enough to key over *workers* processes."""
    if workers < 2 or ref.skip_reason is not None or ref.fs_path.suffix.lower() not in _SUFFIXES:
        return False
    try:
        return os.stat(ref.fs_path).st_size >= BIG_WORKBOOK_BYTES
    except OSError:
        return False


def sheet_to_csv(ref: FileRef, limits: Limits, directory: str) -> tuple[str, str] | None:
    """(path of a UTF-8 CSV of the workbook's one sheet, the workbook's format), or None (runs in a worker)."""
    try:
        item = load_file(ref, limits)
        if item.status is not None:
            return None
        extractor = choose(item, item.read_head(), generic=False)
        if extractor is None or extractor.name != "spreadsheet":
            return None
        with item.open() as stream:
            document = extractor.extract(stream, item)
    except Exception:  # noqa: BLE001 - the ordinary path reads it again and reports why it failed
        return None
    tables = [table for table in document.tables if len(table.rows)]
    if len(tables) != 1 or document.problems or not isinstance(tables[0].rows, ColumnRows):
        return None
    columns = tables[0].rows.columns
    frame = pl.DataFrame({f"c{i}": column for i, column in enumerate(columns)})
    fd, path = tempfile.mkstemp(prefix="sheet-", suffix=".csv", dir=directory)
    os.close(fd)
    try:
        frame.write_csv(path, include_header=False, quote_style="necessary")
    except Exception:  # noqa: BLE001 - no room in the hand-off directory: read the ordinary way
        Path(path).unlink(missing_ok=True)
        return None
    return path, document.format
