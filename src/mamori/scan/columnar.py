"""Big delimited files read column-wise: decode once, split with Polars' CSV reader, keep columns.

A 680,000-row voter list is 75 MB; the row-wise extractor turns it into five million Python strings
in tuples, which costs seconds and most of a gigabyte. Here the text is decoded by the same
``TextStream`` (same encoding decision, same problems), re-encoded as UTF-8 and split by Polars into
string columns, and the table's rows stay columns (``ColumnRows``). Whenever the fast reader might
read the file differently from the row-wise extractor (old Mac line ends, rows wider than the
sample, a parse error), it steps aside and the ordinary extractor reads the file.
"""

from __future__ import annotations

import csv
import io
import tempfile
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:  # Polars only for column work: a scan of small files never loads it
    import polars as pl

from mamori.extract.delimited import FORMATS, SNIFF_LINES, SUFFIX_DELIMITERS, sniff_delimiter
from mamori.extract.encoding import TextStream
from mamori.models import ColumnRows, Document, Item, Location, Table

#: Delimited files at least this big are read column-wise.
BIG_DELIMITED_BYTES = 8 * 1024 * 1024
_SPARE_COLUMNS = 4


def sample_width(lines: list[str], delimiter: str) -> int:
    """The most fields any of *lines* splits into (0 when they do not parse)."""
    try:
        return max((len(r) for r in csv.reader(lines, delimiter=delimiter, strict=False)), default=0)
    except csv.Error:
        return 0


def read_columnar(item: Item) -> Document | None:
    """*item* (a delimited text file) as a Document with one column-wise table, or None to fall back."""
    with item.open() as stream:
        decoded = TextStream(stream)
        chunks = decoded.chunks()
        first = next(chunks, "")
        head = io.StringIO(first, newline="").readlines()[:SNIFF_LINES]
        if "\r" in first and "\r\n" not in first and "\n" not in first:
            return None  # old Mac line ends: Polars does not split on a lone CR
        found = sniff_delimiter(head, SUFFIX_DELIMITERS.get(item.suffix))
        if found is None:
            return None
        delimiter = found[0]
        width = sample_width(head, delimiter)
        if width < 1:
            return None
        # Through a temporary UTF-8 file, so the text is never in memory twice (Polars maps the file).
        with tempfile.NamedTemporaryFile(prefix="mamori-", suffix=".csv") as utf8:
            utf8.write(first.encode("utf-8", "surrogatepass"))
            for chunk in chunks:
                utf8.write(chunk.encode("utf-8", "surrogatepass"))
            utf8.flush()
            series = parse_columns(utf8.name, delimiter, width)
    if series is None:
        return None
    height = len(series[0]) if series else 0
    table = Table(rows=ColumnRows(series, height), location=Location())
    return Document(format=FORMATS.get(delimiter, "dsv"), tables=(table,) if height else (),
                    encoding=decoded.encoding, problems=tuple(decoded.problems))


def parse_columns(source: str | IO[bytes] | bytes, delimiter: str, width: int,
                  lossy: bool = True) -> list[pl.Series] | None:
    """UTF-8 delimited text as string columns (at least *width*; trailing empty ones dropped).

    None when the fast reader might read it differently from the row-wise extractor: a row wider
    than the sample said (it may have been cut), or a parse error. *lossy*: the text may hold byte
    sequences that are not UTF-8 (kept as U+FFFD); without it (text known to be valid) the reader
    skips that repair, about twice as fast, and a bad sequence is a parse error.
    """
    columns = width + _SPARE_COLUMNS
    frame = _read(source, delimiter, columns, "utf8-lossy" if lossy else "utf8")
    if frame is None:
        return None
    if frame.height and frame[f"c{columns - 1}"].fill_null("").str.len_bytes().max():
        return None
    used = [c for c in frame.columns if frame[c].fill_null("").str.len_bytes().max()]
    keep = frame.columns[: max(width, int(used[-1][1:]) + 1 if used else 0)]
    return [frame[c].fill_null("") for c in keep]


def _read(source: str | IO[bytes] | bytes, delimiter: str, columns: int, encoding: str) -> pl.DataFrame | None:
    import polars as pl

    try:
        return pl.read_csv(
            source, has_header=False, separator=delimiter, quote_char='"',
            schema={f"c{i}": pl.String for i in range(columns)}, truncate_ragged_lines=True,
            empty_string_is_null=False, raise_if_empty=False, encoding=encoding, missing_columns="insert",
        )
    except Exception:  # noqa: BLE001 - any doubt about the fast reader: the row-wise extractor reads it
        return None


def wants_columnar(item: Item, extractor_name: str) -> bool:
    """True when *item* is a delimited file big enough for the column-wise reader."""
    return extractor_name == "delimited" and item.size >= BIG_DELIMITED_BYTES

