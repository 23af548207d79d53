"""SynthDoc → pictures of printed pages with real Japanese glyphs (what a scanner gives of a 申請書 or a
名簿), for testing and measuring OCR: PNG, JPEG or TIFF pages, or an image-only PDF.

Table cells are drawn at fixed columns as a printed list would be; each line's text is returned
too, so character accuracy can be measured against what was drawn.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from mamori.errors import ConfigError
from mamori.synth.model import SynthDoc
from mamori.synth.render.cells import grid

FONTS = (
    Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),  # Debian fonts-ipaexfont-gothic
    Path("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"),
)
DPI = 200
A4_MM = (210, 297)
MARGIN = 0.06  # of the page width
FONT_PT = 10.5
#: Space between printed columns, in font sizes (a full-width space inside a cell is one).
COLUMN_GAP_EM = 2.5


def _font(size_px: int) -> ImageFont.FreeTypeFont:
    for path in FONTS:
        if path.exists():
            return ImageFont.truetype(str(path), size_px)
    raise ConfigError("no Japanese font found; install fonts-ipaexfont-gothic (make system-deps)")


def doc_lines(doc: SynthDoc) -> list[list[str]]:
    """The document as printed lines of cells (title, header, rows, paragraphs cut to the line width);
    a table row keeps its empty cells, so every cell stays in its column."""
    lines: list[list[str]] = [[doc.title]]
    for row in grid(doc):
        cells = list(row)
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if len(cells) == 1 and len(cells[0]) > 40:
            text = cells[0]
            lines.extend([text[i: i + 40]] for i in range(0, len(text), 40))
        else:
            lines.append(cells)
    return lines


def render_pages(doc: SynthDoc, *, dpi: int = DPI, seed: int = 0, noise: bool = True,
                 max_columns: int = 8) -> list[tuple[Image.Image, list[str]]]:
    """Pages (greyscale images) and the text lines drawn on each (cells joined by tabs); a light scan
    noise when *noise*. A table wider than five columns is printed on landscape pages."""
    rows = [cells[:max_columns] for cells in doc_lines(doc)]
    landscape = max(len(r) for r in rows) > 5
    width, height = (round(mm / 25.4 * dpi) for mm in (A4_MM[::-1] if landscape else A4_MM))
    font_px = round(FONT_PT / 72 * dpi)
    font = _font(font_px)
    pitch = round(font_px * 1.6)
    left = round(width * MARGIN)
    usable = width - 2 * left
    rng = random.Random(seed)
    widths = _column_widths(rows, font, usable)
    pages: list[tuple[Image.Image, list[str]]] = []
    per_page = (height - 2 * left) // pitch
    for start in range(0, len(rows), per_page):
        image = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(image)
        drawn: list[str] = []
        for n, cells in enumerate(rows[start: start + per_page]):
            y = left + n * pitch
            x = left
            shown: list[str] = []
            for i, cell in enumerate(cells):
                room = usable if len(cells) == 1 else widths[i] - round(font_px * COLUMN_GAP_EM * 0.8)
                text = _fit(cell, font, room)
                draw.text((x, y), text, font=font, fill=rng.randint(0, 40) if noise else 0)
                shown.append(text)
                x += widths[i] if len(cells) > 1 else 0
            drawn.append("\t".join(shown))
        if noise:
            image = _scanned(image, rng)
        pages.append((image, drawn))
    return pages


def _column_widths(rows: Sequence[Sequence[str]], font: ImageFont.FreeTypeFont, usable: int) -> list[int]:
    columns = max((len(r) for r in rows if len(r) > 1), default=1)
    natural = [0] * columns
    for cells in rows:
        if len(cells) < 2:
            continue
        for i, cell in enumerate(cells):
            natural[i] = max(natural[i], round(font.getlength(cell)) + round(font.size * COLUMN_GAP_EM))
    # Only the widest columns (addresses) give up room, so names and numbers are printed whole.
    cap = max(natural, default=0)
    while cap > font.size * 4 and sum(min(w, cap) for w in natural) > usable:
        cap -= max(1, round(font.size / 4))
    return [min(w, cap) for w in natural]


def _fit(text: str, font: ImageFont.FreeTypeFont, room: float) -> str:
    while text and font.getlength(text) > room:
        text = text[:-1]
    return text


def _scanned(image: Image.Image, rng: random.Random) -> Image.Image:
    """A light tilt and blur, as from a flatbed scanner."""
    tilted = image.rotate(rng.uniform(-0.4, 0.4), resample=Image.Resampling.BILINEAR, fillcolor=255)
    return tilted.filter(ImageFilter.GaussianBlur(0.6))


def scan_bytes(doc: SynthDoc, fmt: str, *, dpi: int = DPI, seed: int = 0) -> bytes:
    """*doc* as a scanned file: ``png``/``jpeg`` (first page), ``tiff`` or ``pdf`` (every page, image only)."""
    pages = [image for image, _ in render_pages(doc, dpi=dpi, seed=seed)]
    out = io.BytesIO()
    if fmt in ("png", "jpeg"):
        pages[0].save(out, format=fmt.upper(), **({"quality": 85} if fmt == "jpeg" else {}))
    elif fmt in ("tiff", "pdf"):
        pages[0].save(out, format=fmt.upper(), save_all=True, append_images=pages[1:], resolution=float(dpi),
                      **({"compression": "tiff_deflate"} if fmt == "tiff" else {}))
    else:
        raise ConfigError(f"scan format {fmt!r}: use png, jpeg, tiff or pdf")
    return out.getvalue()
