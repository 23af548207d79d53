"""SynthDoc → Word .docx (python-docx): title, paragraphs and the table as a real Word table."""

from __future__ import annotations

import io
from typing import ClassVar

from docx import Document as new_document

from mamori.synth.model import SynthDoc


class DocxRenderer:
    """Writes a .docx; title rows above the header become one merged cell spanning the table."""

    name: ClassVar[str] = "docx"
    suffix: ClassVar[str] = ".docx"
    encodings: ClassVar[tuple[str, ...]] = ()

    def render(self, doc: SynthDoc, encoding: str | None = None) -> bytes:
        """The bytes of a .docx holding *doc*."""
        document = new_document()
        document.add_heading(doc.title, level=1)
        for paragraph in doc.paragraphs:
            document.add_paragraph(paragraph)
        rows = doc.table_rows() if (doc.header or doc.rows) else []
        if rows:
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            table.style = "Table Grid"
            for r, values in enumerate(rows):
                cells = table.rows[r].cells
                is_title = r < len(doc.title_rows)
                if is_title and width > 1:
                    cells[0].merge(cells[width - 1])
                    cells[0].text = values[0]
                    continue
                for c, value in enumerate(values):
                    cells[c].text = value
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
