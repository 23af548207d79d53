"""Word 2007+ documents (.docx, .docm, .dotx): body, tables, text boxes, headers, footers, notes.

The OOXML is read directly with lxml (no python-docx): it is faster, sees text boxes and
content controls, and lets us bound every read. Tags are matched by local name so that
"strict" OOXML (another namespace) reads the same.
"""

from __future__ import annotations

import zipfile
from typing import BinaryIO, ClassVar

from mamori.errors import CorruptFile
from mamori.extract.zipxml import Element, local, open_zip, read_xml, relationships, zip_names
from mamori.i18n import said
from mamori.models import Document, Item, Location, Table, TextBlock

WHAT = "Word document"

#: Elements that only wrap paragraphs/tables/rows/cells (content controls, custom XML, notes).
_WRAPPERS = frozenset({"sdt", "sdtContent", "customXml", "smartTag", "footnote", "endnote", "comment"})
#: Inside a paragraph: subtrees that are not the paragraph's own text.
_SKIP_IN_PARAGRAPH = frozenset({"txbxContent", "Fallback", "instrText", "delInstrText", "sdtPr", "rPr", "pPr"})
_SIDE_PARTS = ("header", "footer", "footnotes", "endnotes", "comments")
_MAX_SPAN = 64
_LITERALS = {"tab": "\t", "ptab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "-"}


def paragraph_text(p: Element) -> str:
    """The visible text of one w:p (runs, tabs, breaks, tracked insertions and deletions)."""
    out: list[str] = []
    _collect_runs(p, out)
    return "".join(out)


def _collect_runs(el: Element, out: list[str]) -> None:
    for child in el:
        name = local(child.tag)
        if name == "r":  # most children: the run's own loop here saves a call per run
            for part in child:
                kind = local(part.tag)
                if kind == "t" or kind == "delText":
                    out.append(part.text or "")
                elif kind in _LITERALS:
                    out.append(_LITERALS[kind])
                elif kind and kind not in _SKIP_IN_PARAGRAPH and len(part):
                    _collect_runs(part, out)
        elif name == "t" or name == "delText":
            out.append(child.text or "")
        elif name in _LITERALS:
            out.append(_LITERALS[name])
        elif name and name not in _SKIP_IN_PARAGRAPH and len(child):
            _collect_runs(child, out)


def _children(el: Element, name: str) -> list[Element]:
    """Children called *name*, looking through content-control and custom-XML wrappers."""
    found: list[Element] = []
    for child in el:
        tag = local(child.tag)
        if tag == name:
            found.append(child)
        elif tag in _WRAPPERS:
            found.extend(_children(child, name))
    return found


def _grid_span(props: Element) -> int | None:
    """The gridSpan a w:tcPr gives its cell, None when it gives none."""
    for span in props:
        if local(span.tag) == "gridSpan":
            value = next((v for k, v in span.attrib.items() if local(k) == "val"), "1")
            try:
                return max(1, min(int(value), _MAX_SPAN))
            except ValueError:
                return 1
    return None


class _Collector:
    """Walks one part in document order, gathering paragraphs and tables."""

    def __init__(self, part: str) -> None:
        self.part = part
        self.line = 0
        self.blocks: list[TextBlock] = []
        self.tables: list[Table] = []

    def walk(self, el: Element) -> None:
        for child in el:
            name = local(child.tag)
            if name == "p":
                self.line += 1
                text = paragraph_text(child)
                if text.strip():
                    self.blocks.append(TextBlock(text, Location(part=self.part, line=self.line)))
            elif name == "tbl":
                self.table(child)
            elif name in _WRAPPERS or name == "body":
                self.walk(child)

    def table(self, tbl: Element) -> None:
        slot = len(self.tables)
        self.tables.append(Table(rows=()))  # keeps outer tables before the tables nested in them
        start = self.line + 1
        rows: list[tuple[str, ...]] = []
        for tr in _children(tbl, "tr"):
            cells: list[str] = []
            for tc in _children(tr, "tc"):
                spans: list[int] = []
                cells.append(self.cell(tc, spans))
                # a horizontally merged cell keeps its columns, so later cells stay aligned
                if spans and spans[0] > 1:
                    cells.extend([""] * (spans[0] - 1))
            rows.append(tuple(cells))
        location = Location(part=self.part, line=start)
        self.tables[slot] = Table(rows=tuple(rows), location=location, name=f"table {slot + 1}")

    def cell(self, tc: Element, spans: list[int]) -> str:
        """The text of a w:tc; the gridSpan of each w:tcPr met (wrappers too) goes to *spans*."""
        texts: list[str] = []
        for child in tc:
            name = local(child.tag)
            if name == "p":
                self.line += 1
                texts.append(paragraph_text(child))
            elif name == "tcPr" and (span := _grid_span(child)) is not None:
                spans.append(span)
            elif name == "tbl":
                self.table(child)
            elif name in _WRAPPERS:
                texts.append(self.cell(child, spans))
        return "\n".join(texts).strip("\n")


def _in_fallback(el: Element) -> bool:
    return any(local(a.tag) == "Fallback" for a in el.iterancestors())


class WordExtractor:
    """Reads .docx/.docm/.dotx packages (a zip holding a WordprocessingML main part)."""

    name: ClassVar[str] = "word"
    priority: ClassVar[int] = 50

    def sniff(self, head: bytes, item: Item) -> bool:
        names = zip_names(head, item)
        return names is not None and (
            "word/document.xml" in names
            or ("[Content_Types].xml" in names and any(n.startswith("word/") for n in names))
        )

    def extract(self, stream: BinaryIO, item: Item) -> Document:
        with open_zip(stream, WHAT) as zf:
            main = _main_part(zf)
            try:
                root = read_xml(zf, main, WHAT)
                collectors = [_Collector("body")]
                collectors[0].walk(_body(root))
                textboxes = _Collector("textbox")
                for tx in root.iter("{*}txbxContent"):
                    if not _in_fallback(tx):
                        textboxes.walk(tx)
                collectors.append(textboxes)
                rels = relationships(zf, main, WHAT)
                for kind in _SIDE_PARTS:
                    for rel_type, target in sorted(rels.values(), key=lambda r: r[1]):
                        if rel_type.endswith("/" + kind) and target in zf.NameToInfo:
                            side = _Collector(kind)
                            side.walk(read_xml(zf, target, WHAT))
                            collectors.append(side)
            except RecursionError as exc:
                raise CorruptFile(said("reason.extract.xml_nested_too_deeply", what=str(WHAT))) from exc
        return Document(
            format="docx",
            blocks=tuple(b for c in collectors for b in c.blocks),
            tables=tuple(t for c in collectors for t in c.tables),
        )


def _main_part(zf: zipfile.ZipFile) -> str:
    for rel_type, target in relationships(zf, "", WHAT).values():
        if rel_type.endswith("/officeDocument") and target in zf.NameToInfo:
            return target
    if "word/document.xml" in zf.NameToInfo:
        return "word/document.xml"
    raise CorruptFile(said("reason.extract.package_has_main_document", what=str(WHAT)))


def _body(root: Element) -> Element:
    for child in root:
        if local(child.tag) == "body":
            return child
    raise CorruptFile(said("reason.extract.main_part_has_w", what=str(WHAT)))
