"""PowerPoint 2007+ presentations (.pptx, .pptm, .ppsx): slide text, tables and speaker notes.

Read directly with lxml: every text paragraph (shapes, grouped shapes, placeholders) of a
slide becomes one TextBlock per slide, each a:tbl a Table, and the notes one more block.
"""

from __future__ import annotations

import re
import zipfile
from typing import BinaryIO, ClassVar

from mamori.errors import CorruptFile
from mamori.extract.zipxml import Element, local, open_zip, read_xml, relationships, zip_names
from mamori.i18n import said
from mamori.models import Document, Item, Location, Table, TextBlock

WHAT = "PowerPoint presentation"
_MAX_SLIDES = 5000


def drawing_paragraph(p: Element) -> str:
    """The text of one DrawingML a:p: runs, fields (except slide numbers) and line breaks."""
    out: list[str] = []
    for child in p:
        name = local(child.tag)
        if name == "r" or (name == "fld" and child.get("type") != "slidenum"):
            for part in child:
                if local(part.tag) == "t":
                    out.append(part.text or "")
        elif name == "br":
            out.append("\n")
    return "".join(out)


class _SlideReader:
    """Collects paragraphs and tables of one slide or notes page in shape order."""

    def __init__(self, page: int) -> None:
        self.page = page
        self.paragraphs: list[str] = []
        self.tables: list[Table] = []

    def walk(self, el: Element) -> None:
        for child in el:
            name = local(child.tag)
            if name == "p":
                text = drawing_paragraph(child)
                if text.strip():
                    self.paragraphs.append(text)
            elif name == "tbl":
                self.table(child)
            elif name and name != "Fallback":
                self.walk(child)

    def table(self, tbl: Element) -> None:
        rows: list[tuple[str, ...]] = []
        for tr in tbl:
            if local(tr.tag) != "tr":
                continue
            cells: list[str] = []
            for tc in tr:
                if local(tc.tag) == "tc":
                    texts = [drawing_paragraph(p) for p in tc.iter("{*}p")]
                    cells.append("\n".join(texts).strip("\n"))
            rows.append(tuple(cells))
        location = Location(page=self.page, part="slide")
        self.tables.append(Table(rows=tuple(rows), location=location, name=f"slide {self.page} table"))


def _slide_parts(zf: zipfile.ZipFile, main: str) -> list[str]:
    """Slide part names in presentation order (sldIdLst), else by the number in their names."""
    rels = relationships(zf, main, WHAT)
    root = read_xml(zf, main, WHAT)
    ordered: list[str] = []
    for sld_id in root.iter("{*}sldId"):
        for key, value in sld_id.attrib.items():
            if key.startswith("{") and local(key) == "id" and value in rels:
                ordered.append(rels[value][1])
    if not ordered:
        slides = [target for kind, target in rels.values() if kind.endswith("/slide")]
        ordered = sorted(slides, key=lambda n: int(m.group()) if (m := re.search(r"\d+", n)) else 0)
    return [name for name in ordered if name in zf.NameToInfo][:_MAX_SLIDES]


def _main_part(zf: zipfile.ZipFile) -> str:
    for kind, target in relationships(zf, "", WHAT).values():
        if kind.endswith("/officeDocument") and target in zf.NameToInfo:
            return target
    if "ppt/presentation.xml" in zf.NameToInfo:
        return "ppt/presentation.xml"
    raise CorruptFile(said("reason.extract.package_has_presentation_part", what=str(WHAT)))


class SlidesExtractor:
    """Reads PresentationML packages (a zip holding ppt/presentation.xml)."""

    name: ClassVar[str] = "slides"
    priority: ClassVar[int] = 50

    def sniff(self, head: bytes, item: Item) -> bool:
        names = zip_names(head, item)
        return names is not None and (
            "ppt/presentation.xml" in names
            or ("[Content_Types].xml" in names and any(n.startswith("ppt/slides/") for n in names))
        )

    def extract(self, stream: BinaryIO, item: Item) -> Document:
        blocks: list[TextBlock] = []
        tables: list[Table] = []
        with open_zip(stream, WHAT) as zf:
            try:
                for number, part in enumerate(_slide_parts(zf, _main_part(zf)), start=1):
                    slide = _SlideReader(number)
                    slide.walk(read_xml(zf, part, WHAT))
                    if slide.paragraphs:
                        text = "\n".join(slide.paragraphs)
                        blocks.append(TextBlock(text, Location(page=number, part="slide")))
                    tables.extend(slide.tables)
                    for kind, target in relationships(zf, part, WHAT).values():
                        if kind.endswith("/notesSlide") and target in zf.NameToInfo:
                            notes = _SlideReader(number)
                            notes.walk(read_xml(zf, target, WHAT))
                            if notes.paragraphs:
                                text = "\n".join(notes.paragraphs)
                                blocks.append(TextBlock(text, Location(page=number, part="notes")))
                            tables.extend(notes.tables)
            except RecursionError as exc:
                raise CorruptFile(said("reason.extract.xml_nested_too_deeply", what=str(WHAT))) from exc
        return Document(format="pptx", blocks=tuple(blocks), tables=tuple(tables))
