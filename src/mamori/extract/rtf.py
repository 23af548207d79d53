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
# A run of control words, or of \\'hh escapes, is one token: rows of table formatting
# (\\clbrdrt\\brdrs\\cellx2000…) and CP932 text (\\'8e\\'81…) are most of a Word RTF.
_TOKEN = re.compile(rb"((?:\\[a-zA-Z]{1,32}(?:-?\d{1,10})? ?)+)|((?:\\'[0-9a-fA-F]{2})+)|\\([^a-zA-Z])|([{}])|"
                    rb"[\r\n]+|([^\\{}\r\n]+)|(\\)")
_WORD = re.compile(rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?")
_WORD_NAME = re.compile(rb"\\([a-zA-Z]{1,32})")
_FONT_TOKEN = re.compile(rb"\\f(\d{1,10})|\\fcharset(\d{1,10})|[;{}]")
_SPECIAL = {b"tab": "\t", b"emdash": "\u2014", b"endash": "\u2013", b"bullet": "\u2022", b"lquote": "\u2018",
            b"rquote": "\u2019", b"ldblquote": "\u201c", b"rdblquote": "\u201d", b"emspace": "\u2003",
            b"enspace": "\u2002", b"line": "\n"}
_SYMBOLS = {b"~": "\u00a0", b"_": "\u2011", b"{": "{", b"}": "}", b"\\": "\\"}
_PARAGRAPH = (b"par", b"sect", b"page")
_DESTINATIONS = frozenset(d.encode() for d in destinations) | {b"fonttbl", b"colortbl", b"stylesheet", b"info"}
#: Control words _control acts on; a run of words none of which is here only ends the pending text.
_MEANINGFUL = frozenset(
    {b"bin", b"ansicpg", b"f", b"uc", b"u", b"cell", b"nestcell", b"row", b"nestrow", b"intbl", b"pard"}
    | set(_PARAGRAPH) | set(_SPECIAL) | _DESTINATIONS
)


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
    """Font number → codec for fonts declaring a non-ANSI ``\\fcharset``, from the first 200 kB.

    One linear pass over tokens: a ``\\fN`` names the font until the next ``;``, ``{`` or ``}``.
    """
    found: dict[bytes, str] = {}
    current: bytes | None = None
    for match in _FONT_TOKEN.finditer(data, 0, 200_000):
        font, charset = match.group(1), match.group(2)
        if font is not None:
            current = font
        elif charset is None:
            current = None
        elif current is not None:
            number = int(charset)
            if number not in (0, 1):  # ANSI/default: the document code page decides
                found[current] = charset_map.get(number, "cp1252")
            current = None
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


def _controls(data: bytes, start: int, end: int, state: _State, out: _Builder, fonts: dict[bytes, str]) -> int:
    """Apply the run of control words in ``data[start:end]``; returns where reading goes on."""
    for match in _WORD.finditer(data, start, end):
        word = match.group(1)
        if word != b"u":
            out.curskip = 0
        skip = _control(word, match.group(2), state, out, fonts)
        if skip:  # \bin: the next bytes are data, even if they look like control words
            return match.end() + skip
    return end


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
        start, pos = pos, match.end()
        words, hexcodes, symbol, brace, text, _ = match.groups()
        if text is not None:
            if not state.skip:
                dropped = min(out.curskip, len(text))
                out.curskip -= dropped
                out.pending += text[dropped:]
            continue
        if hexcodes is not None:
            if not state.skip:
                raw = bytes.fromhex(hexcodes.replace(b"\\'", b"").decode("ascii"))
                dropped = min(out.curskip, len(raw))
                out.curskip -= dropped
                out.pending += raw[dropped:]
            continue
        out.flush(state.codec)
        if words is not None:
            if _MEANINGFUL.isdisjoint(_WORD_NAME.findall(words)):
                out.curskip = 0
            else:
                pos = _controls(data, start, pos, state, out, fonts)
            continue
        out.curskip = 0
        if brace == b"{":
            stack.append(_State(state.ucskip, state.skip, state.codec))
        elif brace == b"}":
            state = stack.pop() if stack else state
            if not stack:
                break  # the document group is closed; what follows is out of band
        elif state.skip:
            continue
        elif symbol is not None:
            if symbol == b"*":
                state.skip = True
            elif symbol in (b"\n", b"\r"):  # a backslash before a line end is a \par
                out.paragraph()
            elif symbol in _SYMBOLS:
                out.text.append(_SYMBOLS[symbol])
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
