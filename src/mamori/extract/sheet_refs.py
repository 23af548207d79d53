"""The bounding box of an xlsx sheet's cells at the speed of inflating it (numpy over the raw XML bytes).

What Excel, LibreOffice, openpyxl and XlsxWriter write is regular: every cell tag starts
``<c r="A1"`` and names its place once. On such text the largest row and column are read from
the bytes themselves, thousands of cells per numpy step, with no Python object per cell. A piece
that is not regular in exactly this way (a cell without a reference, attributes in another order,
a namespace prefix, a second ``r``, quotes or spaces elsewhere) makes the caller read the part with
the careful scanners of ``sheet_guard``; so does anything this scanner cannot parse. Counting a
``<c r=`` that an XML reader would not see as a cell (in a comment, in text) only makes the box
bigger, never smaller, so a bomb cannot hide behind it.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Iterator
from typing import IO

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from mamori.errors import TooLarge
from mamori.i18n import said

_READ = 4 << 20
_AHEAD = 2  # pieces inflated ahead of the scan (4 MiB each)
#: Text between two tags longer than this is no cell of a real sheet (Excel keeps 32,767 characters).
MAX_TEXT_RUN = 32 << 20
_REF = 19  # at most 7 letters, 10 digits and the closing quote after ``<c r="``
_WIDTH = 4 + _REF  # a window: ' r="' and the reference
_PAD = 8 + _REF + _WIDTH
_MAX_ROW_DIGITS = 10
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.\-]*:c[\s/>]")


_FRONT = 16  # zeros before: a reference is read back from its end, an attribute from before it
_BLOCK = 4 + _REF  # ' r="' and the reference
_AT = np.arange(_REF, dtype=np.int64)


class Irregular(Exception):
    """A piece of the part is not in the regular form: read it with the careful scanners."""


def _pieces(stream: IO[bytes]) -> Iterator[bytes]:
    """*stream* in pieces of about 4 MiB, each cut just before a ``<`` so no ``<c r="…"`` is split."""
    pending = b""
    while True:
        chunk = stream.read(_READ)
        data = pending + chunk if pending else chunk
        if not chunk:
            if data:
                yield data
            return
        cut = data.rfind(b"<")
        if cut <= 0:
            if len(data) > MAX_TEXT_RUN:
                raise TooLarge(said("reason.extract.sheet_holds_more_than", value1=str(MAX_TEXT_RUN >> 20)))
            pending = data
            continue
        yield data[:cut]
        pending = data[cut:]


def _space(block: np.ndarray) -> np.ndarray:
    space: np.ndarray = (block == 32) | (block == 9) | (block == 10) | (block == 13)
    return space


def _row_tags(data: np.ndarray, r_at: np.ndarray) -> int:
    """How many of the ``r`` attributes at *r_at* are ``<row r="``."""
    return int(((data[r_at - 5] == ord("<")) & (data[r_at - 4] == ord("r")) & (data[r_at - 3] == ord("o"))
                & (data[r_at - 2] == ord("w")) & (data[r_at - 1] == 32) & (data[r_at + 1] == ord("="))
                & (data[r_at + 2] == 34)).sum())


def _box(piece: bytes) -> tuple[int, int]:
    """(largest row, largest column) over the cell references in *piece*; raises Irregular."""
    if b":" in piece and _PREFIXED_CELL.search(piece):
        raise Irregular  # a cell tag with a namespace prefix
    # Zeros before (a reference is read back from its end) and after (windows run past the last tag).
    data = np.frombuffer(b"\0" * _FRONT + piece + b"\0" * _PAD, dtype=np.uint8)
    body = data[_FRONT : _FRONT + len(piece)]
    opens = np.flatnonzero((body == ord("<")) & (data[_FRONT + 1 : _FRONT + 1 + len(piece)] == ord("c"))) + _FRONT
    after = data[opens + 2]
    cells = opens[_space(after) | (after == ord("/")) | (after == ord(">"))]
    if not cells.size:
        return 0, 0
    windows = sliding_window_view(data, _WIDTH)
    block = windows[cells + 2]  # ' r="', the reference, what follows it
    if not ((block[:, 0] == 32) & (block[:, 1] == ord("r")) & (block[:, 2] == ord("=")) & (block[:, 3] == 34)).all():
        raise Irregular  # a cell without a reference first, or with it quoted or spaced otherwise
    ref = block[:, 4:_BLOCK]
    letter = ((ref & 0xDF) - 65) < 26  # uint8 arithmetic wraps: only A-Z / a-z stay below 26
    letters = np.argmin(letter, axis=1)  # the first non-letter
    digit = (ref - 48) < 10
    digits = np.argmin(digit | (_AT[None, :_REF] < letters[:, None]), axis=1) - letters
    which = np.arange(cells.size)
    if (letters.min() < 1 or letters.max() > 7 or digits.min() < 1 or digits.max() > _MAX_ROW_DIGITS
            or (ref[which, letters + digits] != 34).any()):
        raise Irregular
    # An ``r`` attribute anywhere but first in a cell tag or in a row tag: perhaps a second reference in
    # a cell (a reader takes the last), spaced or quoted otherwise. Found wherever it is, inside values too.
    r_at = np.flatnonzero(body == ord("r")) + _FRONT
    after_r = data[r_at + 1]
    r_at = r_at[_space(after_r) | (after_r == ord("="))]
    r_at = r_at[_space(data[r_at - 1])]
    if r_at.size != cells.size + _row_tags(data, r_at):
        raise Irregular
    # Right-aligned: the 10 bytes before the quote (the digits, what precedes them zeroed) and the
    # 7 bytes before the digits (the letters, likewise): one matrix product each, no loop over places.
    end_at = cells + 6 + letters + digits
    end_at = cells + 6 + letters + digits
    row = _largest(windows[end_at - _MAX_ROW_DIGITS][:, :_MAX_ROW_DIGITS], digits)
    column = 0
    for letter in _largest(windows[end_at - digits - 7][:, :7] & 0xDF, letters):
        column = column * 26 + letter - 64
    return int(bytes(row)), column


def _largest(right: np.ndarray, lengths: np.ndarray) -> list[int]:
    """The largest of the right-aligned strings in *right* (row *i* is its last ``lengths[i]`` bytes), as
    bytes: the longest first, then place by place (no value computed per cell)."""
    width = right.shape[1]
    longest = int(lengths.max())
    chosen = np.flatnonzero(lengths == longest)
    best = []
    for place in range(width - longest, width):
        values = right[chosen, place]
        top = values.max()
        chosen = chosen[values == top]
        best.append(int(top))
    return best


def regular_box(stream: IO[bytes]) -> tuple[int, int]:
    """(largest row, largest column) of the cells of the sheet part *stream*; raises Irregular.

    A thread inflates the next pieces while this one scans the last (zlib and numpy both let go of the
    GIL): the pre-pass takes about as long as the longer of the two, not their sum. It is stopped and
    joined before this returns or raises, so the caller may open the part again at once.
    """
    pieces: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=_AHEAD)
    stop = threading.Event()

    def inflate() -> None:
        try:
            for piece in _pieces(stream):
                while not stop.is_set():
                    try:
                        pieces.put(piece, timeout=0.05)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            outcome: bytes | BaseException | None = None
        except BaseException as error:  # noqa: BLE001 - handed to the scanning thread, which raises it
            outcome = error
        while not stop.is_set():
            try:
                pieces.put(outcome, timeout=0.05)
                return
            except queue.Full:
                continue

    reader = threading.Thread(target=inflate, name="mamori-sheet-inflate", daemon=True)
    reader.start()
    rows = columns = 0
    try:
        while (piece := pieces.get()) is not None:
            if isinstance(piece, BaseException):
                raise piece
            row, column = _box(piece)
            rows, columns = max(rows, row), max(columns, column)
    finally:
        stop.set()
        reader.join()
    return rows, columns
