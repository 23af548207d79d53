"""SynthDoc → an image-only PDF: what a scanner gives (a raster page of text-like marks, no text layer)."""

from __future__ import annotations

import io
import random
import zlib
from typing import ClassVar

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from mamori.synth.model import SynthDoc
from mamori.synth.render.cells import grid

DPI = 50  # a coarse scan keeps the files small; extraction only needs "an image, no text"
LINE_PITCH = 14
CHAR_PITCH = 10
LINES_PER_PAGE = 36


def _lines(doc: SynthDoc) -> list[str]:
    lines = [doc.title]
    lines.extend("　".join(row) for row in grid(doc) if any(row))
    return lines


def _page_image(lines: list[str], seed: int) -> Image.Image:
    """A grey page with dark blocks where characters would be, one row of blocks per line."""
    width, height = round(A4[0] / 72 * DPI), round(A4[1] / 72 * DPI)
    image = Image.new("L", (width, height), 235)
    draw = ImageDraw.Draw(image)
    rng = random.Random(seed)
    for n, line in enumerate(lines):
        y = 30 + n * LINE_PITCH
        for i, ch in enumerate(line[: (width - 60) // CHAR_PITCH]):
            if ch.isspace():
                continue
            x = 30 + i * CHAR_PITCH
            draw.rectangle((x, y, x + CHAR_PITCH - 3, y + LINE_PITCH - 5), fill=rng.randint(20, 90))
    return image


class PdfImageRenderer:
    """A scanned document: pages are pictures, so only OCR could read them."""

    name: ClassVar[str] = "pdf_image"
    suffix: ClassVar[str] = ".pdf"
    encodings: ClassVar[tuple[str, ...]] = ()

    def render(self, doc: SynthDoc, encoding: str | None = None) -> bytes:
        """*doc* as an image-only PDF, one scanned page per 36 lines."""
        lines = _lines(doc)
        out = io.BytesIO()
        canvas = Canvas(out, pagesize=A4, invariant=True)
        seed = zlib.crc32(doc.title.encode("utf-8"))
        for start in range(0, len(lines), LINES_PER_PAGE):
            image = _page_image(lines[start : start + LINES_PER_PAGE], seed + start)
            canvas.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
            canvas.showPage()
        canvas.save()
        return out.getvalue()
