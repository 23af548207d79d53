"""RTF → TextBlocks per paragraph and a Table per run of table rows (``\\trowd … \\cell … \\row``).

A small tokenizer rather than striprtf: striprtf flattens ``\\cell`` to "|" (ambiguous with text),
and tables are where the rosters are. Bytes from ``\\'hh`` escapes and raw 8-bit text are collected
and decoded together in the code page of the current font (``\\fcharset128`` → cp932) or of the
document (``\\ansicpg932``), so double-byte CP932 characters split over two escapes come out whole;
``\\uN`` escapes are honoured with their ``\\ucN`` fallback skipping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import BinaryIO, ClassVar

from striprtf.striprtf import charset_map, destinations

from mamori.extract.encoding import normalize_encoding
from mamori.models import Document, Item, Location, Table, TextBlock

MAGIC = b"{\\rtf"
_TOKEN = re.compile(rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z])|([{}])|[\r\n]+|"
                    rb"([^\\{}\r\n]+)|(\\)")
_SPECIAL = {b"tab": "\t", b"emdash": "\u2014", b"endash": "\u2013", b"bullet": "\u2022", b"lquote": "\u2018",
            b"rquote": "\u2019", b"ldblquote": "\u201c", b"rdblquote": "\u201d", b"emspace": "\u2003",
            b"enspace": "\u2002", b"line": "\n"}
_SYMBOLS = {b"~": "\u00a0", b"_": "\u2011", b"{": "{", b"}": "}", b"\\": "\\"}
_PARAGRAPH = (b"par", b"sect", b"page")
_DESTINATIONS = frozenset(d.encode() for d in destinations) | {b"fonttbl", b"colortbl", b"stylesheet", b"info"}


@dataclass
class _State:
    """What a group inherits and restores: Unicode fallback length, skipping, font code page."""

    ucskip: int = 1
    skip: bool = False
    codec: str | None = None


@dataclass
class _Builder:
    """Collects text into paragraphs, cells, rows and tables as control words arrive."""

    codec: str = "cp1252"
    curskip: int = 0  # fallback bytes still to drop after a \uN
    pending: bytearray = field(default_factory=bytearray)
    text: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    rows: list[tuple[str, ...]] = field(default_factory=list)
    paragraphs: list[TextBlock] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    in_table: bool = False

    def flush(self, codec: str | None) -> None:
        if self.pending:
            self.text.append(bytes(self.pending).decode(codec or self.codec, "replace"))
            self.pending.clear()

    def take(self) -> str:
        text = "".join(self.text).replace("\r", "")
        self.text.clear()
        # \uN escapes of characters beyond the BMP arrive as two surrogates.
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")

    def paragraph(self) -> None:
        if self.in_table:
            self.text.append("\n")
            return
        text = self.take().strip()
        if text:
            self.close_table()
            number = len(self.paragraphs) + 1
            self.paragraphs.append(TextBlock(text, Location(part=f"paragraph {number}")))

    def cell(self) -> None:
        self.cells.append(self.take().strip())

    def row(self) -> None:
        self.take()
        if self.cells:
            self.rows.append(tuple(self.cells))
        self.cells = []

    def close_table(self) -> None:
        if self.rows:
            self.tables.append(Table(rows=tuple(self.rows), location=Location(part=f"table {len(self.tables) + 1}")))
            self.rows = []


def _font_codecs(data: bytes) -> dict[bytes, str]:
    found: dict[bytes, str] = {}
    for match in re.finditer(rb"\\f(\d+)[^;{}]*?\\fcharset(\d+)", data[:200_000]):
        charset = int(match.group(2))
        if charset not in (0, 1):  # ANSI/default: the document code page decides
            found[match.group(1)] = charset_map.get(charset, "cp1252")
    return found


def _control(word: bytes, arg: bytes | None, state: _State, out: _Builder, fonts: dict[bytes, str]) -> int:
    """Apply one control word; returns how many following bytes to skip (\\bin data)."""
    number = int(arg) if arg else 0
    if word == b"bin":
        return max(number, 0)
    if word in _DESTINATIONS:
        state.skip = True
    if word == b"ansicpg":
        out.codec = normalize_encoding(f"cp{number}") or "cp1252"
    if state.skip:
        return 0
    if word == b"f":
        state.codec = fonts.get(arg or b"0")
    elif word == b"uc":
        state.ucskip = max(number, 0)
    elif word == b"u":
        out.text.append(chr(number & 0xFFFF))
        out.curskip = state.ucskip
    elif word in _PARAGRAPH:
        out.paragraph()
    elif word in (b"cell", b"nestcell"):
        out.cell()
    elif word in (b"row", b"nestrow"):
        out.row()
    elif word == b"intbl":
        out.in_table = True
    elif word == b"pard":
        out.in_table = False
    elif word in _SPECIAL:
        out.text.append(_SPECIAL[word])
    return 0


def rtf_content(data: bytes) -> tuple[list[TextBlock], list[Table]]:
    """Paragraphs and tables of an RTF document."""
    fonts = _font_codecs(data)
    out = _Builder()
    state = _State()
    stack: list[_State] = []
    pos, end = 0, len(data)
    while pos < end:
        match = _TOKEN.match(data, pos)
        if match is None:  # the pattern matches any byte; this only keeps the loop finite
            pos += 1
            continue
        pos = match.end()
        word, arg, hexcode, symbol, brace, text, _ = match.groups()
        if hexcode is None and text is None:
            out.flush(state.codec)
            out.curskip = 0 if word != b"u" else out.curskip
        if brace == b"{":
            stack.append(_State(state.ucskip, state.skip, state.codec))
        elif brace == b"}":
            state = stack.pop() if stack else state
            if not stack:
                break  # the document group is closed; what follows is out of band
        elif word is not None:
            pos += _control(word, arg, state, out, fonts)
        elif state.skip:
            continue
        elif symbol is not None:
            if symbol == b"*":
                state.skip = True
            elif symbol in (b"\n", b"\r"):  # a backslash before a line end is a \par
                out.paragraph()
            elif symbol in _SYMBOLS:
                out.text.append(_SYMBOLS[symbol])
        elif hexcode is not None:
            if out.curskip:
                out.curskip -= 1
            else:
                out.pending.append(int(hexcode, 16))
        elif text is not None:
            dropped = min(out.curskip, len(text))
            out.curskip -= dropped
            out.pending += text[dropped:]
    out.flush(state.codec)
    out.in_table = False
    if out.cells:
        out.row()
    out.paragraph()
    out.close_table()
    return out.paragraphs, out.tables


class RtfExtractor:
    """Rich Text Format (Word, WordPad, Japanese office suites): text and tables."""

    name: ClassVar[str] = "rtf"
    priority: ClassVar[int] = 45

    def sniff(self, head: bytes, item: Item) -> bool:
        """Starts with ``{\\rtf``."""
        return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(MAGIC)

    def extract(self, stream: BinaryIO, item: Item) -> Document:
        """Paragraphs as TextBlocks, tables as Tables."""
        blocks, tables = rtf_content(stream.read())
        return Document(format="rtf", tables=tuple(tables), blocks=tuple(blocks))
