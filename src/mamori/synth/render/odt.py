"""SynthDoc → OpenDocument text .odt, written by hand (mimetype first and stored, content, manifest)."""

from __future__ import annotations

import io
import re
import zipfile
from typing import ClassVar
from xml.sax.saxutils import escape

from mamori.synth.model import SynthDoc

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
)
MIMETYPE = "application/vnd.oasis.opendocument.text"
_MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="{MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""


def odf_text(text: str) -> str:
    """Escape *text* for a text:p, keeping runs of spaces, tabs and line breaks as ODF spells them."""

    def spaces(match: re.Match[str]) -> str:
        run = match.group()
        lead = 0 if match.start() > 0 and not match.string[match.start() - 1].isspace() else 1
        keep = " " * (1 - lead)
        rest = len(run) - len(keep)
        return keep + (f'<text:s text:c="{rest}"/>' if rest > 1 else "<text:s/>" if rest else "")

    out: list[str] = []
    for line_no, line in enumerate(text.split("\n")):
        if line_no:
            out.append("<text:line-break/>")
        for tab_no, piece in enumerate(line.split("\t")):
            if tab_no:
                out.append("<text:tab/>")
            out.append(re.sub(r" +", spaces, escape(piece)))
    return "".join(out)


def _row(values: tuple[str, ...], width: int, merged: bool) -> str:
    if merged and width > 1:
        covered = f'<table:covered-table-cell table:number-columns-repeated="{width - 1}"/>'
        first = f'<table:table-cell table:number-columns-spanned="{width}" office:value-type="string">'
        title = f"{first}<text:p>{odf_text(values[0])}</text:p></table:table-cell>"
        return f"<table:table-row>{title}{covered}</table:table-row>"
    cells: list[str] = []
    padded = list(values) + [""] * (width - len(values))
    i = 0
    while i < width:
        if padded[i]:
            text = f"<text:p>{odf_text(padded[i])}</text:p>"
            cells.append(f'<table:table-cell office:value-type="string">{text}</table:table-cell>')
            i += 1
            continue
        run = 1
        while i + run < width and not padded[i + run]:
            run += 1
        cells.append(f'<table:table-cell table:number-columns-repeated="{run}"/>' if run > 1 else "<table:table-cell/>")
        i += run
    return f"<table:table-row>{''.join(cells)}</table:table-row>"


class OdtRenderer:
    """Writes an .odt with a heading, paragraphs and the table (merged title cells, repeated blanks)."""

    name: ClassVar[str] = "odt"
    suffix: ClassVar[str] = ".odt"
    encodings: ClassVar[tuple[str, ...]] = ()

    def render(self, doc: SynthDoc, encoding: str | None = None) -> bytes:
        """The bytes of an .odt holding *doc*."""
        body = [f'<text:h text:outline-level="1">{odf_text(doc.title)}</text:h>']
        body += [f"<text:p>{odf_text(p)}</text:p>" for p in doc.paragraphs]
        if doc.header or doc.rows:
            grid = doc.table_rows()
            width = max(len(r) for r in grid)
            body.append(f'<table:table table:name="{escape(doc.sheet_name, {chr(34): "&quot;"})}">')
            body.append(f'<table:table-column table:number-columns-repeated="{width}"/>')
            body += [_row(r, width, i < len(doc.title_rows)) for i, r in enumerate(grid)]
            body.append("</table:table>")
        content = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS} office:version="1.2">'
            f"<office:body><office:text>{''.join(body)}</office:text></office:body></office:document-content>"
        )
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            zf.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
            zf.writestr("META-INF/manifest.xml", _MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
            zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        return out.getvalue()
