"""CSV, TSV and other delimited text → one Table holding every row as written.

The bytes are decoded first and split afterwards: CP932 trail bytes include ``|``, ``\\``, ``[``, ``{``
(ソ is 0x83 0x5C, ポ is 0x83 0x7C), so splitting bytes would cut characters in half. Splitting is
the C ``csv`` module over decoded lines, streamed from the item, so 100 MB voter lists stay fast.
The full-width comma ``，`` is not a delimiter: official Japanese prose uses it as a comma.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import BinaryIO, ClassVar

from mamori.extract.encoding import TextStream, text_sample
from mamori.i18n import said
from mamori.models import Document, Gap, Item, Location, Problem, Table

DELIMITERS = (",", "\t", ";", "|")
#: Extensions that are delimited text whatever the content looks like (as long as it is text).
SUFFIX_DELIMITERS = {".csv": ",", ".tsv": "\t", ".tab": "\t", ".psv": "|"}
FORMATS = {",": "csv", "\t": "tsv"}
SNIFF_LINES = 50
#: Malformed rows reported one by one; past this the file is read no further.
MAX_PROBLEMS = 100
#: A quoted field that was closed counts as a stray quote only when it took in at least this many full rows.
MIN_SWALLOWED_ROWS = 5
#: The longest field read (``csv`` stops at 128 KiB by default, and would skip the row and read the rest
#: of a long quoted note as rows of its own: a 備考 with a pasted letter, a cell holding an image as text).
MAX_FIELD_CHARS = 16 * 1024 * 1024
#: Budgets that bound a reader's memory whatever the file holds (each reached is a ``too_large`` gap):
#: characters one physical line may hold (a file that is one enormous line), fields one row may hold
#: (Excel's column limit), and bytes of a file read row by row (bigger files are read column-wise or
#: in parts; one that falls back to rows costs about ten times its size in memory).
MAX_LINE_CHARS = 1 << 20
MAX_ROW_FIELDS = 16_384
MAX_ROW_WISE_BYTES = 64 * 1024 * 1024

csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD_CHARS))


def _field_counts(lines: list[str], delimiter: str) -> list[int]:
    try:
        return [len(row) for row in csv.reader(lines, delimiter=delimiter, strict=False) if row]
    except csv.Error:
        return []


def sniff_delimiter(lines: list[str], preferred: str | None = None) -> tuple[str, int, float] | None:
    """(delimiter, usual field count, share of rows with it) of the best-splitting delimiter, or None.

    A *preferred* delimiter (the one the extension names) wins whenever it splits the rows consistently.
    """
    best: tuple[str, int, float] | None = None
    best_key: tuple[bool, int, float, int] | None = None
    order = (preferred, *DELIMITERS) if preferred else DELIMITERS
    for delimiter in order:
        counts = _field_counts(lines, delimiter)
        if not counts:
            continue
        fields, freq = Counter(counts).most_common(1)[0]
        if fields < 2:
            continue
        share = freq / len(counts)
        if delimiter == preferred and share >= 0.8:
            return delimiter, fields, share
        key = (share >= 0.8, min(len(counts), 3), share, fields)
        if best_key is None or key > best_key:
            best, best_key = (delimiter, fields, share), key
    return best


def _complete_lines(text: str, at_end: bool) -> list[str]:
    lines = text.splitlines(keepends=True)[:SNIFF_LINES]
    if lines and not at_end and len(lines) < SNIFF_LINES and not lines[-1].endswith(("\n", "\r")):
        lines.pop()  # cut off by the end of the sample
    return lines


def looks_delimited(text: str, *, at_end: bool) -> bool:
    """Clearly a table: 3+ rows, 80 % of them with the same field count (3+ unless split by tabs)."""
    lines = _complete_lines(text, at_end)
    found = sniff_delimiter(lines)
    if found is None:
        return False
    delimiter, fields, share = found
    rows = sum(1 for line in lines if line.strip())
    return rows >= 3 and share >= 0.8 and (fields >= 3 or delimiter == "\t")


class DelimitedExtractor:
    """Delimited text (CSV/TSV/PSV/semicolon), quoted fields with line breaks, ragged rows kept."""

    name: ClassVar[str] = "delimited"
    priority: ClassVar[int] = 0

    def sniff(self, head: bytes, item: Item) -> bool:
        """A .csv/.tsv/.psv that is text, or any text whose first lines clearly split into columns."""
        text = text_sample(head)
        if text is None:
            return False
        if item.suffix in SUFFIX_DELIMITERS:
            return True
        return looks_delimited(text, at_end=len(head) >= item.size)

    def extract(self, stream: BinaryIO, item: Item) -> Document:
        """Every row as a tuple of cell texts, in order; blank lines as empty rows."""
        decoded = TextStream(stream)
        lines = decoded.lines(MAX_LINE_CHARS, cut=True)
        head = list(islice(lines, SNIFF_LINES))
        preferred = SUFFIX_DELIMITERS.get(item.suffix)
        found = sniff_delimiter(head, preferred)
        delimiter = found[0] if found else preferred or ","
        budget = MAX_ROW_WISE_BYTES if item.size > MAX_ROW_WISE_BYTES else None
        rows, problems = _read_rows(chain(head, lines), delimiter, found[1] if found else 0, budget)
        return Document(
            format=FORMATS.get(delimiter, "dsv"),
            tables=(Table(rows=tuple(rows), location=Location()),) if rows else (),
            encoding=decoded.encoding,
            problems=tuple(decoded.problems) + tuple(problems),
        )


def _read_rows(lines: Iterable[str], delimiter: str, width: int = 0,
               budget: int | None = None) -> tuple[list[tuple[str, ...]], list[Problem]]:
    """The rows of *lines*; *width* is the usual field count (0: unknown), *budget* the characters to
    read at most (None: all; the file is small enough)."""
    raw: list[str] = []  # the physical lines of the row being read, to tell a closed quote from a stray one

    def recorded(source: Iterable[str]) -> Iterator[str]:
        for line in source:
            raw.append(line)
            yield line

    reader = csv.reader(recorded(lines), delimiter=delimiter, strict=False)
    rows: list[tuple[str, ...]] = []
    problems: list[Problem] = []
    last = 0  # the physical line the previous row ended on
    wide = 0
    while True:
        try:
            for row in reader:
                unclosed = len(raw) > 1 and sum(line.count('"') for line in raw) % 2 == 1
                raw.clear()
                if reader.line_num - last > 1 and width >= 3 and (split := _swallowed(row, delimiter, width,
                                                                                       unclosed)):
                    if not any(p.code == "delimited.stray_quote" for p in problems):
                        problems.append(Problem("delimited.stray_quote", said("problem.stray_quote", line=last + 1),
                                                Location(line=last + 1)))
                    rows.extend(split)
                else:
                    if len(row) > MAX_ROW_FIELDS:
                        wide += 1
                        row = row[:MAX_ROW_FIELDS]
                    rows.append(tuple(row))
                last = reader.line_num
                if budget is not None:
                    budget -= sum(map(len, row)) + len(row)
                    if budget < 0:
                        problems.append(Problem("delimited.truncated",
                                                said("problem.chars_read", limit=MAX_ROW_WISE_BYTES),
                                                Location(line=last), Gap.LIMIT))
                        return rows, problems
            break
        except csv.Error as exc:  # the C reader resumes on the next line
            raw.clear()
            problems.append(Problem("delimited.bad_row",
                                    said("problem.row_skipped", error=str(exc)), Location(line=reader.line_num),
                                    Gap.UNREAD))
            last = reader.line_num
            if len(problems) >= MAX_PROBLEMS:
                problems.append(Problem("delimited.gave_up",
                                        said("problem.gave_up", limit=MAX_PROBLEMS), gap=Gap.UNREAD))
                return rows, problems
    if wide:
        problems.append(Problem("delimited.wide",
                                said("problem.wide_rows", rows=wide, limit=MAX_ROW_FIELDS), gap=Gap.LIMIT))
    return rows, problems


def _swallowed(row: list[str], delimiter: str, width: int, unclosed: bool) -> list[tuple[str, ...]] | None:
    """*row*'s lines read one by one when a quoted field in it took in whole rows (a stray quote), else None.

    A quoted field may hold line breaks (an address or a note over two lines), but not lines that each
    carry a full row's delimiters: those are the rows after a quote someone forgot to close. A quote still open
    at the row's end (*unclosed*: it ran to the end of the file) is stray for sure; a closed one only when it took
    in more full rows than a note could hold (:data:`MIN_SWALLOWED_ROWS`).
    """
    for k, field in enumerate(row):
        if "\n" not in field and "\r" not in field:
            continue
        first, *more = field.splitlines()
        full = sum(line.count(delimiter) >= width - 1 for line in more)
        if not more or full * 2 < len(more) or (not unclosed and full < MIN_SWALLOWED_ROWS):
            return None
        out: list[tuple[str, ...]] = [(*row[:k], first)]
        for line in more[:-1]:
            out.append(tuple(next(csv.reader([line], delimiter=delimiter, strict=False), [])))
        out.append((*next(csv.reader([more[-1]], delimiter=delimiter, strict=False), []), *row[k + 1:]))
        return out
    return None
