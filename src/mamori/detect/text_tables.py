"""Tables written as text: tab-separated lines, or columns aligned with spaces in a monospace layout.

Plain-text exports, mail bodies and the text layer of PDFs (``extract.pdf`` puts a tab where cells
are far apart) carry lists of people as lines. A run of consecutive lines that each split into three
or more cells is read back into a grid, so it is classified column first like any other table.
Aligned columns are found by display position (a full-width character is two columns wide): a
column starts where many lines start a cell; an empty cell then stays in its column.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

#: Cells of an aligned line are separated by two or more spaces (half- or full-width) or a tab.
_GAP = re.compile(r"[ \u3000]{2,}|\t")
_MIN_CELLS = 3
_MIN_LINES = 2
#: Share of a run's lines that must start a cell at a position for it to be a column start.
_COLUMN_SHARE = 0.4
_MAX_LINE = 2000
#: Lines (the first among them) that must start a cell at a position the first line starts one at.
_HEADED_COLUMN = 2


@dataclass(frozen=True)
class TextTable:
    """Rows of cells read from lines ``first``..``last`` (0-based, inclusive) of a text."""

    first: int
    last: int
    rows: tuple[tuple[str, ...], ...]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cells(line: str) -> int:
    if len(line) > _MAX_LINE:
        return 0
    if "\t" in line:
        return sum(1 for c in line.split("\t") if c.strip())
    return len(_GAP.split(line.strip(" \u3000")))


def _is_row(line: str) -> bool:
    return _cells(line) >= _MIN_CELLS


def _tab_rows(lines: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(c.strip(" \u3000") for c in line.split("\t")) for line in lines)


def _aligned_rows(lines: list[str]) -> tuple[tuple[str, ...], ...]:
    segments = [_exact_segments(line) for line in lines]
    counts = Counter(start for line in segments for start in {s for s, _ in line})
    # The first line (a header, as a rule) names every column: a start it shares with a few other lines
    # is a column even when most rows leave it empty (住所 given on the household head's row only).
    first = {s for s, _ in segments[0]} if segments else set()
    starts = sorted(s for s, n in counts.items()
                    if n >= max(2, _COLUMN_SHARE * len(lines)) or (s in first and n >= _HEADED_COLUMN))
    if len(starts) < _MIN_CELLS:
        return tuple(tuple(text for _, text in line) for line in segments)
    rows = []
    for line in segments:
        cells = [""] * len(starts)
        for start, text in line:
            column = max(0, sum(1 for s in starts if s <= start + 1) - 1)
            cells[column] = f"{cells[column]} {text}".strip() if cells[column] else text
        rows.append(tuple(cells))
    return tuple(rows)


def _exact_segments(line: str) -> list[tuple[int, str]]:
    """Like ``_segments`` with exact display positions (the gap's real width counted)."""
    out: list[tuple[int, str]] = []
    pos = 0
    last = 0
    for m in _GAP.finditer(line):
        part = line[last : m.start()]
        _add(out, pos, part)
        pos += _width(part) + _width(m.group())
        last = m.end()
    _add(out, pos, line[last:])
    return out


def _add(out: list[tuple[int, str]], pos: int, part: str) -> None:
    stripped = part.strip(" \u3000")
    if stripped:
        lead = len(part) - len(part.lstrip(" \u3000"))
        out.append((pos + _width(part[:lead]), stripped))


def find_text_tables(text: str) -> list[TextTable]:
    """The runs of table-like lines in *text*, read as grids."""
    lines = text.split("\n")
    out: list[TextTable] = []
    i = 0
    while i < len(lines):
        if not _is_row(lines[i]):
            i += 1
            continue
        j = i
        # A row whose last cells are empty (no phone) splits into fewer cells: inside a run, or ending it,
        # it is still a row, else the run breaks in two and the row between is lost to the table.
        while j + 1 < len(lines) and _cells(lines[j + 1]) >= _MIN_CELLS - 1:
            j += 1
        while j > i and not _is_row(lines[j]) and not _is_row(lines[j - 1]):
            j -= 1  # two short lines in a row end it: label/value lines below a table are not rows
        if j - i + 1 >= _MIN_LINES:
            run = [line.rstrip("\r") for line in lines[i : j + 1]]
            tabbed = sum(1 for line in run if "\t" in line) * 2 > len(run)
            out.append(TextTable(i, j, _tab_rows(run) if tabbed else _aligned_rows(run)))
        i = j + 1
    return out
