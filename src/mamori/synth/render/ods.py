"""SynthDoc → OpenDocument spreadsheet (.ods), written by hand: a zip of three small XML parts."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from typing import ClassVar
from xml.sax.saxutils import escape, quoteattr

from mamori.synth.model import SynthDoc
from mamori.synth.render.cells import SUMMARY_SHEET, cell_value, grid, sheet_title, summary_rows

MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/"
   manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""

_CONTENT_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:spreadsheet>"
)
_CONTENT_TAIL = "</office:spreadsheet></office:body></office:document-content>"
_SPACES = re.compile(r"  +|^ | $")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(text: str) -> str:
    """ODF text content: runs of spaces, tabs and line breaks need elements, or readers collapse them."""

    def span(line: str) -> str:
        parts = line.split("\t")
        return "<text:tab/>".join(_SPACES.sub(lambda m: f'<text:s text:c="{len(m[0])}"/>', escape(p)) for p in parts)

    text = _NOT_XML.sub("", text)
    return "".join(f"<text:p>{span(line)}</text:p>" for line in text.split("\n"))


def _cell(text: str, span: int = 1) -> str:
    spanned = f' table:number-columns-spanned="{span}"' if span > 1 else ""
    value = cell_value(text)
    if isinstance(value, date):
        kind = f'office:value-type="date" office:date-value="{value.isoformat()}"'
    elif isinstance(value, str):
        kind = 'office:value-type="string"'
    else:
        kind = f'office:value-type="float" office:value="{value}"'
    return f"<table:table-cell {kind}{spanned}>{_text(text)}</table:table-cell>"


def _table(name: str, rows: list[tuple[str, ...]], n_titles: int, width: int) -> str:
    out = [f"<table:table table:name={quoteattr(name)}>"]
    for r, row in enumerate(rows):
        out.append("<table:table-row>")
        if r < n_titles and width > 1:
            out.append(_cell(row[0], width) + "<table:covered-table-cell/>" * (width - 1))
        else:
            out.extend(_cell(text) if text else "<table:table-cell/>" for text in row)
        out.append("</table:table-row>")
    out.append("</table:table>")
    return "".join(out)


class OdsRenderer:
    """OpenDocument spreadsheet (LibreOffice Calc, and what some city systems export)."""

    name: ClassVar[str] = "ods"
    suffix: ClassVar[str] = ".ods"
    encodings: ClassVar[tuple[str, ...]] = ()

    def render(self, doc: SynthDoc, encoding: str | None = None) -> bytes:
        """*doc* as .ods bytes; *encoding* is ignored (the format is always UTF-8 XML)."""
        rows = grid(doc)
        width = max((len(r) for r in rows), default=1)
        main_name = sheet_title(doc)
        tables = [_table(main_name, rows, len(doc.title_rows), width)]
        summary = summary_rows(doc)
        if summary:
            name = SUMMARY_SHEET if main_name != SUMMARY_SHEET else SUMMARY_SHEET + "2"
            tables.append(_table(name, summary, 0, 2))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            # ODF requires "mimetype" first and stored, so its bytes sit at a fixed offset (magic).
            archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, zipfile.ZIP_STORED)
            archive.writestr("META-INF/manifest.xml", _MANIFEST, zipfile.ZIP_DEFLATED)
            archive.writestr("content.xml", _CONTENT_HEAD + "".join(tables) + _CONTENT_TAIL, zipfile.ZIP_DEFLATED)
        return out.getvalue()
