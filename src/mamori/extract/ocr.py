"""OCR of scans (image-only PDFs, PNG/JPEG/TIFF pages) with Tesseract, page by page, within a budget.

Tesseract runs as a program (Debian ``tesseract-ocr`` with ``-jpn`` and ``-jpn-vert``), one page per call,
fed a PNG on stdin, with a timeout per page and one thread (the scan already runs one process per
core). Pages are rendered or decoded one at a time, so memory holds one page whatever the document.
A page read horizontally that yields almost no Japanese is read again as vertical text (縦書き).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mamori.errors import CorruptFile, NeedsOCR, TooLarge
from mamori.i18n import said
from mamori.models import Document, Gap, Item, Location, Problem, TextBlock

#: Japanese characters (kana, kanji, full-width forms).
_CJK = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff10-\uff5a\uff66-\uff9f"
_JAPANESE = re.compile(f"[{_CJK}]")
#: Fewer Japanese characters than this on a page read horizontally: try it as vertical text.
VERTICAL_RETRY_BELOW = 8
#: Words further apart than this many line heights are in different cells (a full-width space between
#: a family and a given name is about one; printed columns are further apart).
CELL_GAP_EM = 1.8
#: A gap wider than this many line heights inside a cell is a space (full-width between Japanese).
SPACE_EM = 0.85


@dataclass(frozen=True)
class OcrOptions:
    """How OCR runs: languages, pages per item, seconds per page, resolution of rendered PDF pages."""

    languages: str = "jpn"
    page_segmentation: str = "6"
    """Tesseract's --psm: 6 (one uniform block) keeps a printed table's lone digits and short cells that
    4 drops (name recall 0.94 against 0.74 on the synth pages, benchmarks/ocr.py)."""
    vertical_languages: str = "jpn_vert"
    max_pages: int = 20
    page_timeout_s: float = 120.0
    dpi: int = 200
    max_pixels: int = 40_000_000
    """A page bigger than this (a poster, a bomb) is scaled down before OCR."""
    hard_max_pixels: int = 400_000_000
    """An image declaring more pixels than this is not decoded at all (too_large)."""


def tesseract() -> str:
    """The tesseract program; NeedsOCR saying how to install it when it is missing."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise NeedsOCR("OCR needs Tesseract: install tesseract-ocr, tesseract-ocr-jpn and tesseract-ocr-jpn-vert "
                       "(make system-deps) and scan again")
    return exe


def tidy(text: str) -> str:
    """*text* without form feeds, trailing spaces and blank lines."""
    lines = (line.rstrip() for line in text.replace("\f", "\n").splitlines())
    return "\n".join(line for line in lines if line.strip())


@dataclass(frozen=True)
class _Word:
    left: int
    top: int
    width: int
    height: int
    text: str

    @property
    def middle(self) -> float:
        return self.top + self.height / 2


def lines_from_tsv(tsv: str) -> str:
    """Page text from Tesseract's TSV laid out like the page, as ``extract.pdf`` lays out a text layer.

    Words on one printed line (by height on the page, whatever block Tesseract put them in) make one
    line. Words more than ``CELL_GAP_EM`` apart are different cells: the next cell starts with spaces at
    the display column of its place on the page (half an em per column), so ``detect.text_tables`` reads
    a printed table back as rows, and a cell OCR missed (a lone digit) stays an empty cell instead of
    shifting the row. A gap of about a full-width space inside a cell (between a family and a given
    name) is kept as one.
    """
    words: list[_Word] = []
    for row in tsv.splitlines()[1:]:
        parts = row.split("\t")
        if len(parts) < 12 or parts[0] != "5" or not parts[11].strip():
            continue
        try:
            left, top, width, height = (int(v) for v in parts[6:10])
        except ValueError:
            continue
        words.append(_Word(left, top, width, max(1, height), parts[11].strip()))
    if not words:
        return ""
    em = sorted(w.height for w in words)[len(words) // 2]
    x0 = min(w.left for w in words)
    out: list[str] = []
    line: list[_Word] = []
    for word in sorted(words, key=lambda w: w.middle):
        if line:
            middle = sum(w.middle for w in line) / len(line)
            if abs(word.middle - middle) > em * 0.5:
                out.append(_layout(sorted(line, key=lambda w: w.left), em, x0))
                line = []
        line.append(word)
    out.append(_layout(sorted(line, key=lambda w: w.left), em, x0))
    return tidy("\n".join(out))


def _layout(words: list[_Word], em: int, x0: int) -> str:
    text = ""
    col = 0
    for index, word in enumerate(words):
        start = round((word.left - x0) / (em / 2))
        if index == 0:
            gap_em = (word.left - x0) / em
        else:
            before = words[index - 1]
            gap_em = (word.left - before.left - before.width) / em
        if gap_em > CELL_GAP_EM or (index == 0 and start >= 2):
            pad = max(2 if index else 0, start - col)
            text += " " * pad
            col += pad
        elif index and gap_em > SPACE_EM:
            text += "\u3000" if _JAPANESE.match(word.text[0]) or _JAPANESE.match(text[-1]) else " "
            col += 2
        text += word.text
        col += sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in word.text)
    return text


def recognise(image: Any, options: OcrOptions) -> str:
    """The text of one page image (a Pillow image), horizontal, or vertical when that reads more."""
    exe = tesseract()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    png = buffer.getvalue()
    text = lines_from_tsv(_run(exe, png, options.languages, options.page_segmentation, options))
    if len(_JAPANESE.findall(text)) < VERTICAL_RETRY_BELOW and options.vertical_languages:
        vertical = lines_from_tsv(_run(exe, png, options.vertical_languages, "5", options))
        if len(_JAPANESE.findall(vertical)) > len(_JAPANESE.findall(text)):
            text = vertical
    return text


def _run(exe: str, png: bytes, languages: str, psm: str, options: OcrOptions) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run([exe, "stdin", "stdout", "-l", languages, "--psm", psm, "tsv"], input=png,
                              capture_output=True, timeout=options.page_timeout_s, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise NeedsOCR(f"OCR of a page took longer than {options.page_timeout_s:g} s; not read") from None
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", errors="replace")
        if "Failed loading language" in err or "Error opening data file" in err:
            raise NeedsOCR(f"Tesseract has no {languages!r} data: install tesseract-ocr-jpn and "
                           "tesseract-ocr-jpn-vert") from None
        last = err.strip().splitlines()[-1:] or ["no message"]
        raise NeedsOCR(f"Tesseract failed on a page ({last[0]})")
    return done.stdout.decode("utf-8", errors="replace")


def _image_pages(item: Item, options: OcrOptions) -> Iterator[Any]:
    from PIL import Image, ImageSequence

    try:
        with item.open() as stream, Image.open(stream) as image:
            width, height = image.size
            if width * height > options.hard_max_pixels:
                raise TooLarge(said("reason.extract.image_pixels_decoded_for", width=str(width), height=str(height)))
            for frame in ImageSequence.Iterator(image):
                page = frame.convert("L")
                if page.width * page.height > options.max_pixels:
                    scale = (options.max_pixels / (page.width * page.height)) ** 0.5
                    page = page.resize((max(1, int(page.width * scale)), max(1, int(page.height * scale))))
                yield page
    except (TooLarge, NeedsOCR):
        raise
    except Image.DecompressionBombError as exc:
        raise TooLarge(said("reason.extract.image_too_big_decode", exc=str(exc))) from None
    except Exception as exc:  # noqa: BLE001 - Pillow's many errors on damaged or hostile images
        raise CorruptFile(said("reason.extract.cannot_decode_image_for",
                               error_type=str(type(exc).__name__), exc=str(exc))) from None


def _pdf_pages(item: Item, options: OcrOptions) -> Iterator[Any]:
    from mamori.extract.pdf import _LOCK, _open

    with item.open() as stream:
        data = stream.read()
    with _LOCK:
        doc = _open(data)
        try:
            count = len(doc)
        except Exception as exc:  # noqa: BLE001
            doc.close()
            raise CorruptFile(said("reason.extract.cannot_read_pdf_pages", exc=str(exc))) from None
    try:
        for index in range(count):
            with _LOCK:
                page = doc[index]
                try:
                    bitmap = page.render(scale=options.dpi / 72, grayscale=True)
                    image = bitmap.to_pil()
                finally:
                    page.close()
            yield image
    finally:
        with _LOCK:
            doc.close()


def ocr_document(item: Item, options: OcrOptions) -> Document:
    """*item* (a scanned PDF or an image) read by OCR: one TextBlock per page, at most ``max_pages`` pages."""
    tesseract()
    head = item.read_head(8)
    is_pdf = b"%PDF-" in item.read_head(1024)
    pages = _pdf_pages(item, options) if is_pdf else _image_pages(item, options)
    blocks: list[TextBlock] = []
    problems: list[Problem] = [Problem("ocr", said("problem.ocr", languages=options.languages))]
    for number, page in enumerate(pages, start=1):
        if number > options.max_pages:
            problems.append(Problem("ocr_truncated", said("problem.ocr_pages", pages=options.max_pages),
                                    gap=Gap.LIMIT))
            break
        text = recognise(page, options)
        if text:
            blocks.append(TextBlock(text, Location(page=number)))
    kind = "pdf" if is_pdf else _image_kind(head)
    return Document(format=f"{kind}+ocr", blocks=tuple(blocks), problems=tuple(problems))


def _image_kind(head: bytes) -> str:
    for magic, kind in _MAGICS:
        if head.startswith(magic):
            return kind
    return "image"


_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"),
    (b"GIF87a", "gif"), (b"GIF89a", "gif"), (b"BM", "bmp"),
)


def image_kind(head: bytes) -> str | None:
    """"png", "jpeg", "tiff", "gif" or "bmp" by magic bytes (WebP too), else None."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    for magic, kind in _MAGICS:
        if head.startswith(magic) and (kind != "bmp" or _plausible_bmp(head)):
            return kind
    return None


def _plausible_bmp(head: bytes) -> bool:
    # "BM" alone starts ordinary text too; a BMP's header size field is 12, 40, 52, 56, 108 or 124.
    return len(head) >= 18 and int.from_bytes(head[14:18], "little") in (12, 40, 52, 56, 108, 124)
