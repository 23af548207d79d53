"""A big one-sheet workbook keyed over all the workers, like a big CSV.

Parsing a workbook is one process's work (calamine reads a sheet whole), but keying its people is
most of the rest, and that splits. So one worker reads the workbook exactly as the inspector does
(same guards, same cell texts) and, when it is one big sheet with nothing else to report, writes that
sheet as a UTF-8 CSV into the scan's private hand-off directory. The main process then plans and keys
that CSV in parts (``split``, ``parts``) and reports the result as the workbook's. Anything else (more
than one sheet with rows, a problem to report, a sheet kept as row tuples, a sheet that lists no people,
any error) means no CSV: the worker inspects the workbook the ordinary way, from what it has read
(a failure is read again, so that the result says why).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Polars only for column work: a scan of small files never loads it
    pass

from mamori.detect.columns import classify
from mamori.evidence.files import FileRef, load_file
from mamori.evidence.limits import MIB, Limits
from mamori.extract.registry import choose
from mamori.models import ColumnRows, ItemResult
from mamori.people.keys import KeyMaker
from mamori.scan.inspect import Inspector

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


def sheet_to_csv(ref: FileRef, limits: Limits, secret: bytes, directory: str) -> tuple[str, str] | list[ItemResult]:
    """(path of a UTF-8 CSV of the workbook's one sheet, the workbook's format), or the workbook's results
    when it is not to be split (runs in a worker)."""
    import polars as pl

    inspector = Inspector(limits, KeyMaker(secret))
    try:
        item = load_file(ref, limits)
        if item.status is not None:
            return inspector.inspect(item)
        extractor = choose(item, item.read_head(), generic=False)
        if extractor is None or extractor.name != "spreadsheet":
            return inspector.inspect(item)
        with item.open() as stream:
            document = extractor.extract(stream, item)
    except Exception:  # noqa: BLE001 - read again the ordinary way, which reports why it failed
        return inspector.inspect(load_file(ref, limits))
    tables = [table for table in document.tables if len(table.rows)]
    if (len(tables) != 1 or document.problems or not isinstance(tables[0].rows, ColumnRows)
            or not classify(tables[0]).people):
        return inspector.results(item, document)
    columns = tables[0].rows.columns
    frame = pl.DataFrame({f"c{i}": column for i, column in enumerate(columns)})
    fd, path = tempfile.mkstemp(prefix="sheet-", suffix=".csv", dir=directory)
    os.close(fd)
    try:
        frame.write_csv(path, include_header=False, quote_style="necessary")
    except Exception:  # noqa: BLE001 - no room in the hand-off directory: inspected here instead
        Path(path).unlink(missing_ok=True)
        return inspector.results(item, document)
    return path, document.format
