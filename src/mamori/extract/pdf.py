"""PDF → one TextBlock per page, via pypdfium2.

A PDF with no text layer at all but with images is a scan (NeedsOCR); pages without text in an
otherwise textual PDF are reported one Problem each. A user password makes it Encrypted; an
owner password alone (printing/copy restrictions) does not stop reading.
"""

from __future__ import annotations

import threading
import unicodedata
from typing import Any, BinaryIO, ClassVar

from mamori.errors import CorruptFile, Encrypted, MamoriError, NeedsOCR
from mamori.i18n import said
from mamori.models import Document, Gap, Item, Location, Problem, TextBlock

MAGIC = b"%PDF-"
SNIFF_WINDOW = 1024
#: Pages read per document; the rest are reported in one Problem.
MAX_PAGES = 5_000
#: Characters kept per page (a page of running text has a few thousand).
MAX_PAGE_CHARS = 1_000_000
#: A gap between two pieces of text on one line at least this many font sizes wide separates table cells.
CELL_GAP_EM = 0.8

# PDFium is not thread-safe: one document at a time per process.
_LOCK = threading.Lock()


def _open(data: bytes) -> Any:
    import pypdfium2 as pdfium  # pdfium loads with the first PDF, not with every scan
    import pypdfium2.raw as pdfium_c

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise Encrypted(said("reason.encrypted_pdf")) from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise Encrypted(said("reason.extract.pdf_protected_by_unsupported")) from None
        raise CorruptFile(said("reason.extract.cannot_open_pdf_damaged", exc=str(exc))) from None
    except Exception as exc:  # noqa: BLE001  pypdfium2 may raise other types on odd input
        raise CorruptFile(said("reason.extract.cannot_open_pdf",
                               error_type=str(type(exc).__name__), exc=str(exc))) from None


def _has_images(page: Any) -> bool:
    import pypdfium2.raw as pdfium_c

    objects = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3)
    return next(objects, None) is not None


def _page_text(page: Any) -> tuple[str, int]:
    """The page's text (at most ``MAX_PAGE_CHARS`` characters) and how many characters it holds."""
    textpage = page.get_textpage()
    try:
        total = textpage.count_chars()
        count = min(total, MAX_PAGE_CHARS)
        text: str = textpage.get_text_range(0, count) if count > 0 else ""
        if len(text) == count:  # one character per index (no surrogate pairs): cells can be told apart
            text = _mark_cells(textpage, text)
    finally:
        textpage.close()
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", ""), total


def _mark_cells(textpage: Any, text: str) -> str:
    import pypdfium2.raw as pdfium_c

    """*text* laid out like the page: cells far apart on a line start at their column (spaces).

    A table's cells are separate pieces of text with a wide gap between them; words of running text
    are a normal space apart. Where PDFium inserted a space for a wide gap, spaces are put instead so
    that the next cell starts at the display column (half an em each) of its place on the page, and a
    line starts at the column of its first piece: ``detect.text_tables`` then reads the lines back as
    rows, an empty cell staying empty instead of shifting the row.
    """
    n = len(text)
    lefts = {i: textpage.get_charbox(i, loose=True)[0] for i in [0, *(k + 1 for k, ch in enumerate(text) if ch == "\n")]
             if i < n and text[i] not in "\r\n"}
    if not lefts:
        return text
    x0 = min(lefts.values())
    out: list[str] = []
    col = 0
    for i, ch in enumerate(text):
        if i in lefts:
            lead = _columns(lefts[i] - x0, pdfium_c.FPDFText_GetFontSize(textpage, i))
            if lead >= 2:
                out.append(" " * lead)
                col = lead
        if ch == "\n":
            out.append(ch)
            col = 0
            continue
        if ch == " " and 0 < i < n - 1 and text[i + 1] not in "\r\n" and pdfium_c.FPDFText_IsGenerated(textpage, i):
            size = pdfium_c.FPDFText_GetFontSize(textpage, i - 1)
            _, bottom, right, top = textpage.get_charbox(i - 1, loose=True)
            nleft, nbottom, _, ntop = textpage.get_charbox(i + 1, loose=True)
            if min(top, ntop) > max(bottom, nbottom) and size > 0 and nleft - right >= CELL_GAP_EM * size:
                pad = max(2, _columns(nleft - x0, size) - col)
                out.append(" " * pad)
                col += pad
                continue
        out.append(ch)
        col += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return "".join(out)


def _columns(distance: float, size: float) -> int:
    """Display columns (half an em of *size*) that *distance* points span."""
    return round(distance / (size / 2)) if size > 0 else 0


def _read_pages(doc: Any) -> tuple[list[TextBlock], list[Problem], int]:
    """Text blocks of pages with text, problems, and how many text-less pages hold images."""
    blocks: list[TextBlock] = []
    problems: list[Problem] = []
    scanned = 0
    total = len(doc)
    for index in range(min(total, MAX_PAGES)):
        where = Location(page=index + 1)
        try:
            page = doc[index]
        except Exception as exc:  # noqa: BLE001  one damaged page does not lose the others
            problems.append(Problem("page_unreadable",
                                    said("problem.page_damaged", page=index + 1, error=str(exc)), where, Gap.UNREAD))
            continue
        try:
            text, chars = _page_text(page)
            if chars > MAX_PAGE_CHARS:
                problems.append(Problem("page_truncated",
                                        said("problem.page_cut", page=index + 1, chars=chars, limit=MAX_PAGE_CHARS),
                                        where, Gap.LIMIT))
            if text.strip():
                blocks.append(TextBlock(text, where))
                continue
            images = _has_images(page)
        except Exception as exc:  # noqa: BLE001  likewise
            problems.append(Problem("page_unreadable",
                                    said("problem.page_damaged", page=index + 1, error=str(exc)), where, Gap.UNREAD))
            continue
        finally:
            page.close()
        scanned += images
        what = "only an image (scanned?); it needs OCR" if images else "no text"
        problems.append(Problem("page_without_text", f"page {index + 1} has {what}", where))
    if total > MAX_PAGES:
        problems.append(Problem("truncated", said("problem.pages_read", limit=MAX_PAGES, total=total),
                                gap=Gap.LIMIT))
    return blocks, problems, scanned


class PdfExtractor:
    """PDF files with a text layer; scanned PDFs are recognised and reported as needing OCR."""

    name: ClassVar[str] = "pdf"
    priority: ClassVar[int] = 50

    def sniff(self, head: bytes, item: Item) -> bool:
        """``%PDF-`` within the first 1024 bytes (some writers put junk before it)."""
        return MAGIC in head[:SNIFF_WINDOW]

    def extract(self, stream: BinaryIO, item: Item) -> Document:
        """A TextBlock per page with text; raises Encrypted, CorruptFile or NeedsOCR."""
        data = stream.read()
        with _LOCK:
            doc = _open(data)
            try:
                blocks, problems, scanned = _read_pages(doc)
            except MamoriError:
                raise
            except Exception as exc:  # noqa: BLE001  the boundary: library errors become CorruptFile
                raise CorruptFile(said("reason.extract.cannot_read_pdf_pages_",
                                       error_type=str(type(exc).__name__), exc=str(exc))) from None
            finally:
                doc.close()
        if not blocks and scanned:
            raise NeedsOCR(
                f"the PDF holds only images of text ({scanned} scanned page(s)); run OCR on it and scan the result"
            )
        return Document(format="pdf", blocks=tuple(blocks), problems=tuple(problems))
