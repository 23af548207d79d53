"""OpenDocument text (.odt, .ott) and presentations (.odp): paragraphs, headings, tables.

content.xml is read with lxml. Repetition attributes (number-columns-repeated, used by
office suites to fill a row out to 1024 columns) are honoured but bounded, and each table
is cut to the range that actually holds text.
"""

from __future__ import annotations

from typing import BinaryIO, ClassVar

from mamori.errors import CorruptFile, MamoriError
from mamori.extract.zipxml import Element, local, open_zip, read_part, read_xml, zip_names
from mamori.i18n import said
from mamori.models import Document, Gap, Item, Location, Problem, Table, TextBlock

WHAT = "OpenDocument file"
_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.text-template": "odt",
    b"application/vnd.oasis.opendocument.text-master": "odt",
    b"application/vnd.oasis.opendocument.presentation": "odp",
    b"application/vnd.oasis.opendocument.presentation-template": "odp",
}
_MAX_COLUMNS = 1024
_MAX_REPEAT = 1000
_MAX_CELLS = 2_000_000
_MAX_SPACES = 1000
#: Inside a paragraph, these hold paragraphs of their own (notes, comments, frames, shapes).
_DEFERRED = frozenset({"note", "annotation", "frame", "custom-shape", "g", "rect", "ellipse", "control"})
_SKIP = frozenset({"ruby-text", "note-citation", "annotation-end", "tracked-changes", "sequence-decls"})
_ROW_GROUPS = frozenset({"table-header-rows", "table-rows", "table-row-group"})
_CELLS = frozenset({"table-cell", "covered-table-cell"})
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_SPACES_ATTR = _TEXT + "c"
_COLUMNS_ATTR = _TABLE + "number-columns-repeated"
_ROWS_ATTR = _TABLE + "number-rows-repeated"
_NAME_ATTR = _TABLE + "name"


def _count(el: Element, attr: str, cap: int) -> int:
    """The repeat count in *attr* (a namespaced attribute name), 1 when absent, at most *cap*."""
    value = el.get(attr)
    if value is None:
        return 1
    try:
        return max(1, min(int(value), cap))
    except ValueError:
        return 1


def _inline(el: Element, out: list[str], deferred: list[Element]) -> None:
    """Text of a paragraph's content, setting aside embedded containers for later."""
    if el.text:
        out.append(el.text)
    for child in el:
        name = local(child.tag)
        if name == "s":
            out.append(" " * _count(child, _SPACES_ATTR, _MAX_SPACES))
        elif name == "tab":
            out.append("\t")
        elif name == "line-break":
            out.append("\n")
        elif name in _DEFERRED:
            deferred.append(child)
        elif name and name not in _SKIP:
            _inline(child, out, deferred)
        if child.tail:
            out.append(child.tail)


class _Reader:
    """Walks office:text / office:presentation content in document order."""

    def __init__(self) -> None:
        self.part = "body"
        self.page: int | None = None
        self.line = 0
        self.paragraphs: list[tuple[str, Location]] = []
        self.tables: list[Table] = []
        self.problems: list[Problem] = []
        self.cells = 0

    def walk(self, el: Element) -> None:
        for child in el:
            name = local(child.tag)
            if name in ("p", "h"):
                self.paragraph(child)
            elif name == "table":
                self.table(child)
            elif name and name not in _SKIP:
                self.walk(child)

    def paragraph(self, p: Element) -> None:
        out: list[str] = []
        deferred: list[Element] = []
        _inline(p, out, deferred)
        self.line += 1
        text = "".join(out)
        if text.strip():
            self.paragraphs.append((text, Location(page=self.page, line=self.line, part=self.part)))
        for container in deferred:
            self.walk(container)

    def cell_text(self, cell: Element) -> str:
        texts: list[str] = []
        for child in cell:
            name = local(child.tag)
            if name in ("p", "h") and not len(child):  # the usual cell: one plain paragraph
                texts.append(child.text or "")
            elif name in ("p", "h"):
                out: list[str] = []
                deferred: list[Element] = []
                _inline(child, out, deferred)
                texts.append("".join(out))
                for container in deferred:
                    self.walk(container)
            elif name == "table":
                self.table(child)
            elif name in ("list", "list-item", "list-header", "section"):
                texts.append(self.cell_text(child))
        return "\n".join(texts).strip("\n")

    def table(self, tbl: Element) -> None:
        slot = len(self.tables)
        self.tables.append(Table(rows=()))
        rows: list[list[str]] = []
        self._rows(tbl, rows)
        width = max(map(_filled_width, rows), default=0)
        while rows and not _filled_width(rows[-1]):
            rows.pop()
        grid = tuple(tuple(r[:width]) if len(r) >= width else tuple(r + [""] * (width - len(r))) for r in rows)
        location = Location(page=self.page, line=self.line + 1, part=self.part)
        name = tbl.get(_NAME_ATTR)
        self.tables[slot] = Table(rows=grid, location=location, name=name)

    def _rows(self, el: Element, rows: list[list[str]]) -> None:
        for child in el:
            name = local(child.tag)
            if name in _ROW_GROUPS:
                self._rows(child, rows)
            elif name == "table-row":
                row = self._row(child)
                for _ in range(_count(child, _ROWS_ATTR, _MAX_REPEAT)):
                    if self.cells + len(row) > _MAX_CELLS:
                        self.problems.append(Problem("table_truncated", said("problem.table_cut", cells=_MAX_CELLS),
                                                    gap=Gap.LIMIT))
                        return
                    self.cells += max(1, len(row))
                    rows.append(list(row))
                    if not _filled_width(row):
                        break  # repeated blank rows add nothing but bulk

    def _row(self, tr: Element) -> list[str]:
        cells: list[str] = []
        for cell in tr:
            if local(cell.tag) not in _CELLS:
                continue
            size = len(cell)
            if size == 1 and not len(first := cell[0]) and local(first.tag) in ("p", "h"):
                text = (first.text or "").strip("\n")  # the usual cell: one plain paragraph
            else:
                text = self.cell_text(cell) if size else ""
            repeat = _count(cell, _COLUMNS_ATTR, _MAX_COLUMNS)
            if repeat == 1:
                cells.append(text)
            else:
                cells.extend([text] * min(repeat, _MAX_COLUMNS - len(cells)))
            if len(cells) >= _MAX_COLUMNS:
                break
        return cells


def _filled_width(row: list[str]) -> int:
    """How many leading cells of *row* reach its last non-blank one."""
    width = len(row)
    while width and not row[width - 1].strip():
        width -= 1
    return width


class OdfTextExtractor:
    """Reads ODF text documents and presentations (zip whose `mimetype` says so)."""

    name: ClassVar[str] = "odf_text"
    priority: ClassVar[int] = 50

    def sniff(self, head: bytes, item: Item) -> bool:
        if head[30:38] == b"mimetype":  # the usual layout: mimetype first and stored
            start = 30 + 8 + int.from_bytes(head[28:30], "little")
            size = int.from_bytes(head[18:22], "little")
            return head[8:10] == b"\0\0" and head[start : start + size] in _MIMETYPES
        names = zip_names(head, item)
        return names is not None and "mimetype" in names and "content.xml" in names and self._kind(item)

    @staticmethod
    def _kind(item: Item) -> bool:
        try:
            with item.open() as stream, open_zip(stream, WHAT) as zf:
                return read_part(zf, "mimetype", WHAT, limit=200).strip() in _MIMETYPES
        except (MamoriError, ValueError, OSError):  # sniffing never fails: a bad file is not ours
            return False

    def extract(self, stream: BinaryIO, item: Item) -> Document:
        with open_zip(stream, WHAT) as zf:
            mimetype = read_part(zf, "mimetype", WHAT, limit=200).strip() if "mimetype" in zf.NameToInfo else b""
            fmt = _MIMETYPES.get(mimetype, "odt")
            root = read_xml(zf, "content.xml", WHAT)
        reader = _Reader()
        try:
            for body in (child for child in root if local(child.tag) == "body"):
                for content in body:
                    if local(content.tag) == "text":
                        reader.walk(content)
                    elif local(content.tag) == "presentation":
                        self._pages(content, reader)
        except RecursionError as exc:
            raise CorruptFile(said("reason.extract.xml_nested_too_deeply", what=str(WHAT))) from exc
        if fmt == "odp":
            blocks = _per_page(reader.paragraphs)
        else:
            blocks = tuple(TextBlock(text, loc) for text, loc in reader.paragraphs)
        return Document(format=fmt, blocks=blocks, tables=tuple(reader.tables), problems=tuple(reader.problems))

    @staticmethod
    def _pages(presentation: Element, reader: _Reader) -> None:
        number = 0
        for page in presentation:
            if local(page.tag) != "page":
                continue
            number += 1
            reader.page, reader.part, reader.line = number, "slide", 0
            reader.walk(page)


def _per_page(paragraphs: list[tuple[str, Location]]) -> tuple[TextBlock, ...]:
    """One block per slide (and notes stay with their slide), as the pptx extractor does."""
    pages: dict[int | None, list[str]] = {}
    for text, loc in paragraphs:
        pages.setdefault(loc.page, []).append(text)
    return tuple(TextBlock("\n".join(texts), Location(page=page, part="slide")) for page, texts in pages.items())
