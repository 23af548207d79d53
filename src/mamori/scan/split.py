"""Whether a big delimited file can be read in parts by several workers, and where the parts start.

Decided in the main process from the file's first MiB, before anything is sent to a worker. The
columns are classified here, once, from that head (classification only ever looks at the first
rows); every part reads its rows with that one layout. The parts are byte ranges that start right
after a ``\n``: in the encodings allowed here (UTF-8, CP932, EUC-JP) the bytes ``\n`` and ``"``
never occur inside a multibyte character, so a range decodes on its own. A quoted field may still
hold a line break, so each part checks that an even number of quotes precedes it
(``parts.key_part``) and the whole file is read in one piece if not. Anything unusual (old Mac
line ends, a replaced or stateful encoding, a head that is blank or holds no people) means no
plan: the ordinary single-worker path reads the file.
"""

from __future__ import annotations

import io
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from mamori.detect.columns import HEADER_SCAN, SAMPLE_ROWS, TableLayout, classify
from mamori.evidence.archives import is_archive
from mamori.evidence.files import FileRef
from mamori.evidence.limits import MIB, Limits
from mamori.extract.delimited import FORMATS, SNIFF_LINES, SUFFIX_DELIMITERS, sniff_delimiter
from mamori.extract.encoding import HEAD_SIZE, TextStream
from mamori.extract.registry import choose
from mamori.models import ColumnRows, Item, Location, Problem, Table
from mamori.scan.columnar import BIG_DELIMITED_BYTES, parse_columns, sample_width

#: Files at least this big are split (each part at least half of it).
SPLIT_BYTES = 2 * BIG_DELIMITED_BYTES
#: The most of a file one part holds. Keying a part takes about ten times its size in memory, so a
#: worker stays near 1 GiB however big the file: a 1 GB list is read in a dozen parts, each worker
#: taking the next as it finishes (and a single process reads them one after another).
MAX_PART_BYTES = 96 * MIB
#: Encodings in which a ``\n`` or ``"`` byte is always that character.
SPLITTABLE_CODECS = frozenset({"utf-8", "utf-8-sig", "cp932", "euc_jp", "euc_jis_2004"})
#: The head: what the encoding is decided on and the columns are classified from.
HEAD_BYTES = HEAD_SIZE
#: Rows the head must hold so that classifying it is classifying the file (header search + sample).
_HEAD_ROWS = HEADER_SCAN + 2 + SAMPLE_ROWS
_SEEK_WINDOW = 4 * MIB  # how far past a cut a line end (or one outside quotes) is looked for
_COUNT_CHUNK = 8 * MIB


@dataclass(frozen=True)
class SplitPlan:
    """How to read one big delimited file in parts; ``ranges`` are [start, end) byte offsets."""

    fs_path: Path
    path: str  # as reported (the identity-key scope)
    encoding: str  # the codec the head was decided in (TextStream's decision)
    problems: tuple[Problem, ...]
    delimiter: str
    width: int  # fields in the widest of the first lines (as the column-wise reader samples)
    ranges: tuple[tuple[int, int], ...]
    layout: TableLayout  # of the head, whose columns are the table's
    header: tuple[tuple[str, ...], ...]  # the head's rows above the first body row, put in front of later parts

    @property
    def format(self) -> str:
        return FORMATS.get(self.delimiter, "dsv")


def part_count(size: int, workers: int) -> int:
    """How many parts a file of *size* bytes is read in: one per worker, or a multiple of the workers
    when parts would be bigger than ``MAX_PART_BYTES``."""
    return max(1, workers) * max(1, -(-size // (max(1, workers) * MAX_PART_BYTES)))


def plan_split(ref: FileRef, limits: Limits, workers: int) -> SplitPlan | None:
    """A plan to read *ref* in parts over *workers* processes, or None when it is read the ordinary way."""
    if workers < 1 or ref.skip_reason is not None or ref.address is not None:
        return None
    try:
        st = os.stat(ref.fs_path)
        if not stat.S_ISREG(st.st_mode) or not SPLIT_BYTES <= st.st_size <= limits.max_file_bytes:
            return None
        parts = part_count(st.st_size, workers)
        if parts < 2:
            return None
        with open(ref.fs_path, "rb") as stream:
            return _plan(ref, st.st_size, stream, parts)
    except Exception:  # noqa: BLE001 - any doubt: the ordinary path reads the file and reports problems
        return None


def _plan(ref: FileRef, size: int, stream: io.BufferedReader, parts: int) -> SplitPlan | None:
    head = stream.read(HEAD_BYTES)
    item = Item(ref.path, size, "", fs_path=ref.fs_path)
    # The same choice the inspector makes: only files the delimited extractor would read.
    if choose(item, head[:8192], generic=False) is not None or is_archive(item, head[:8192]):
        return None
    extractor = choose(item, head[:8192], generic=True)
    if extractor is None or extractor.name != "delimited":
        return None
    decoded = TextStream(io.BytesIO(head + stream.read(1)), head_size=len(head))  # decides as on the whole file
    if decoded.encoding not in SPLITTABLE_CODECS or any(p.code != "encoding.ambiguous" for p in decoded.problems):
        return None
    text = next(decoded.chunks(), "")
    if "\r" in text and "\n" not in text:
        return None  # old Mac line ends
    lines = io.StringIO(text, newline="").readlines()[:SNIFF_LINES]
    found = sniff_delimiter(lines, SUFFIX_DELIMITERS.get(item.suffix))
    if found is None or (width := sample_width(lines, found[0])) < 1:
        return None
    head_end = head.rfind(b"\n") + 1
    if head_end <= 0 or head[:head_end].count(b'"') % 2:
        return None
    columns = parse_columns(io.BytesIO(head[:head_end].decode(decoded.encoding).encode("utf-8", "surrogatepass")),
                            found[0], width)
    if columns is None or len(columns[0]) < _HEAD_ROWS or not any(c.str.contains(r"\S").any() for c in columns):
        return None  # a blank head: the ordinary path decides whether the file is empty
    layout = classify(Table(rows=ColumnRows(columns, len(columns[0])), location=Location()))
    if not layout.people:
        return None  # nothing to key: the ordinary path is as fast, and reports the whole file's problems
    # A file that quotes its fields may hold line breaks inside them: its cuts are moved to lines
    # no quoted field spans (a part starting inside one cannot be read alone).
    quotes = _QuoteCount(stream) if b'"' in head else None
    cuts = [0]
    for k in range(1, parts):
        cut = _line_start(stream, size * k // parts)
        if cut is None or cut <= max(cuts[-1], head_end):
            continue
        if quotes is not None:
            cut = _outside_quotes(stream, quotes, cut)
        if cut is not None and cut < size:
            cuts.append(cut)
    if len(cuts) < 2:
        return None
    ranges = tuple(zip(cuts, [*cuts[1:], size], strict=True))
    header = tuple(zip(*(c.head(layout.first_row).to_list() for c in columns), strict=True))
    return SplitPlan(ref.fs_path, ref.path, decoded.encoding, tuple(decoded.problems), found[0], width, ranges,
                     layout, header)


class _QuoteCount:
    """The quote characters in the file before an offset, counted forward once (cuts come in order)."""

    def __init__(self, stream: io.BufferedReader) -> None:
        self.stream, self.at, self.quotes = stream, 0, 0

    def before(self, offset: int) -> int:
        if offset < self.at:
            self.at, self.quotes = 0, 0  # asked about an earlier place: count again from the start
        self.stream.seek(self.at)
        while self.at < offset:
            chunk = self.stream.read(min(offset - self.at, _COUNT_CHUNK))
            if not chunk:
                break
            self.quotes += chunk.count(b'"')
            self.at += len(chunk)
        return self.quotes


def _outside_quotes(stream: io.BufferedReader, quotes: _QuoteCount, cut: int) -> int | None:
    """The first line start at or after *cut* with an even number of quotes before it (no quoted field
    open there), looked for within ``_SEEK_WINDOW``; None if there is none."""
    odd = quotes.before(cut) % 2
    if not odd:
        return cut
    stream.seek(cut)
    window = stream.read(_SEEK_WINDOW)
    at = 0
    while (end := window.find(b"\n", at)) >= 0:
        odd ^= window.count(b'"', at, end) % 2
        at = end + 1
        if not odd:
            return cut + at
    return None


def _line_start(stream: io.BufferedReader, offset: int) -> int | None:
    """The offset just after the first ``\\n`` at or after *offset*, or None."""
    stream.seek(offset)
    window = stream.read(_SEEK_WINDOW)
    at = window.find(b"\n")
    return None if at < 0 else offset + at + 1
