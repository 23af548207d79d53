"""SynthDoc → PDF with a real Japanese text layer and no font files.

Uses reportlab's built-in CID font HeiseiMin-W3 (Adobe-Japan1, UniJIS-UCS2-H encoding): readers
supply the glyphs and map the CIDs back to Unicode through the predefined CMap, so text
extraction (pdfium) returns the very characters written, 髙 﨑 ① ～ and full-width digits included.
"""

from __future__ import annotations

import io
import re
from typing import Any, ClassVar

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from mamori.synth.model import SynthDoc

FONT = "HeiseiMin-W3"
BODY_SIZE = 10.5
TITLE_SIZE = 16
MIN_TABLE_SIZE = 6.0
MARGIN = 50.0
COLUMN_GAP = 12.0


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


#: Runs that a line break must not cut: digits/latin with their punctuation (phone numbers,
#: dates, mail addresses), katakana words, kanji compounds, hiragana runs.
_RUN = re.compile(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ@._+\-－‐―−()（）/:：#＃]+|[ァ-ヶー･-ﾟ]+|[一-龯々〆ヵヶ﨑髙]+|[ぁ-ゖ]+|.")


def wrap(text: str, width: float, size: float) -> list[str]:
    """Break *text* into lines no wider than *width* points, between words/script runs where possible."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for run in _RUN.findall(paragraph):
            if not line or pdfmetrics.stringWidth(line + run, FONT, size) <= width:
                line += run
                continue
            lines.extend(_split_long(line, width, size))
            line = run.lstrip(" 　")
        lines.extend(_split_long(line, width, size))
    return lines


def _split_long(line: str, width: float, size: float) -> list[str]:
    """*line* cut character by character when it is wider than *width* (one overlong run)."""
    out, current = [], ""
    for ch in line:
        if current and pdfmetrics.stringWidth(current + ch, FONT, size) > width:
            out.append(current)
            current = ""
        current += ch
    out.append(current)
    return out


class _Writer:
    """A cursor over pages: writes lines top-down and starts a new page when one is full."""

    def __init__(self, canvas: Any, page_size: tuple[float, float]) -> None:
        self.canvas = canvas
        self.width, self.height = page_size
        self.y = self.height - MARGIN

    def need(self, leading: float) -> None:
        if self.y - leading < MARGIN:
            self.canvas.showPage()
            self.y = self.height - MARGIN
        self.y -= leading

    def line(self, text: str, size: float, x: float = MARGIN) -> None:
        self.need(size * 1.5)
        self.canvas.setFont(FONT, size)
        self.canvas.drawString(x, self.y, text)

    def row(self, cells: tuple[str, ...], xs: list[float], size: float) -> None:
        self.need(size * 1.5)
        self.canvas.setFont(FONT, size)
        for text, x in zip(cells, xs, strict=False):
            if text:
                self.canvas.drawString(x, self.y, text)


def _columns(rows: list[tuple[str, ...]], size: float) -> list[float]:
    width = max(len(r) for r in rows)
    widths = [0.0] * width
    for row in rows:
        for c, text in enumerate(row):
            widths[c] = max(widths[c], pdfmetrics.stringWidth(text, FONT, size))
    xs, x = [], MARGIN
    for w in widths:
        xs.append(x)
        x += w + COLUMN_GAP
    return [*xs, x - COLUMN_GAP]


def _table(writer: _Writer, doc: SynthDoc) -> None:
    for title in doc.title_rows:
        writer.line(title, BODY_SIZE)
    rows = [doc.header, *doc.rows] if doc.header else list(doc.rows)
    if not rows:
        return
    room = writer.width - 2 * MARGIN
    size = BODY_SIZE
    xs = _columns(rows, size)
    while xs[-1] - MARGIN > room and size > MIN_TABLE_SIZE:
        size = max(MIN_TABLE_SIZE, size - 0.5)
        xs = _columns(rows, size)
    if xs[-1] - MARGIN <= room:
        for row in rows:
            writer.row(row, xs[:-1], size)
        return
    # Too wide even in small print: each row becomes lines of whole cells, two spaces apart.
    for row in rows:
        for line in _pack(row, room, size):
            writer.line(line, size)


def _pack(cells: tuple[str, ...], width: float, size: float) -> list[str]:
    """Cells joined into lines no wider than *width*; a cell is split only when it alone is wider."""
    lines: list[str] = []
    line = ""
    for cell in cells:
        candidate = f"{line}  {cell}" if line else cell
        if pdfmetrics.stringWidth(candidate, FONT, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        *full, line = wrap(cell, width, size)
        lines.extend(full)
    return [*lines, line] if line else lines


def render_pdf(doc: SynthDoc, page_size: tuple[float, float] = A4) -> bytes:
    """*doc* as PDF bytes: title, table as aligned text lines, wrapped paragraphs, new pages as needed."""
    _font()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=page_size, invariant=True)
    canvas.setTitle(doc.title)
    writer = _Writer(canvas, page_size)
    writer.line(doc.title, TITLE_SIZE)
    writer.need(BODY_SIZE)
    _table(writer, doc)
    room = writer.width - 2 * MARGIN
    for paragraph in doc.paragraphs:
        writer.need(BODY_SIZE * 0.5)
        for line in wrap(paragraph, room, BODY_SIZE):
            writer.line(line, BODY_SIZE)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


class PdfRenderer:
    """PDF with a text layer (what a word processor's "save as PDF" gives)."""

    name: ClassVar[str] = "pdf"
    suffix: ClassVar[str] = ".pdf"
    encodings: ClassVar[tuple[str, ...]] = ()

    def render(self, doc: SynthDoc, encoding: str | None = None) -> bytes:
        """*doc* as PDF bytes; wide tables go on landscape pages."""
        wide = bool(doc.header) and len(doc.header or ()) > 6
        return render_pdf(doc, landscape(A4) if wide else A4)
