"""SynthDoc → PowerPoint .pptx (python-pptx): a title slide, a text slide, table slides."""

from __future__ import annotations

import io
from typing import ClassVar

from pptx import Presentation
from pptx.presentation import Presentation as PresentationFile
from pptx.util import Emu, Pt

from mamori.synth.model import SynthDoc

#: Data rows per slide; longer tables continue on further slides with the header repeated.
ROWS_PER_SLIDE = 25
_TITLE_ONLY, _TITLE_AND_CONTENT, _TITLE = 5, 1, 0


class PptxRenderer:
    """Writes a .pptx the way a clerk would present a roster: header repeated on each slide."""

    name: ClassVar[str] = "pptx"
    suffix: ClassVar[str] = ".pptx"
    encodings: ClassVar[tuple[str, ...]] = ()

    def render(self, doc: SynthDoc, encoding: str | None = None) -> bytes:
        """The bytes of a .pptx holding *doc*."""
        prs = Presentation()
        first = prs.slides.add_slide(prs.slide_layouts[_TITLE])
        first.shapes.title.text = doc.title
        if doc.paragraphs:
            slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_AND_CONTENT])
            slide.shapes.title.text = doc.title
            frame = slide.placeholders[1].text_frame
            frame.text = doc.paragraphs[0]
            for text in doc.paragraphs[1:]:
                frame.add_paragraph().text = text
        if doc.header or doc.rows:
            self._tables(prs, doc)
        out = io.BytesIO()
        prs.save(out)
        return out.getvalue()

    def _tables(self, prs: PresentationFile, doc: SynthDoc) -> None:
        width = max(len(r) for r in doc.table_rows())
        head = [(t,) + ("",) * (width - 1) for t in doc.title_rows]
        head += [doc.header] if doc.header else []
        chunks = [doc.rows[i : i + ROWS_PER_SLIDE] for i in range(0, len(doc.rows), ROWS_PER_SLIDE)] or [()]
        for index, chunk in enumerate(chunks):
            titles = len(doc.title_rows) if index == 0 else 0
            rows = head[len(doc.title_rows) - titles :] + list(chunk)
            slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_ONLY])
            slide.shapes.title.text = doc.title
            left, top = Emu(457200), Emu(1371600)
            size = (Emu(prs.slide_width - 2 * left), Emu(300000 * len(rows)))
            table = slide.shapes.add_table(len(rows), width, left, top, *size).table
            for r, values in enumerate(rows):
                if r < titles and width > 1:
                    table.cell(r, 0).merge(table.cell(r, width - 1))
                for c, value in enumerate(values[:width]):
                    cell = table.cell(r, c)
                    cell.text = value
                    for paragraph in cell.text_frame.paragraphs:
                        for run in paragraph.runs:
                            run.font.size = Pt(10)
