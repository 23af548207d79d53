"""Text formats: CSV/TSV/PSV as Excel writes them, plain text, and HTML pages."""

from __future__ import annotations

import csv
import html
import io
import unicodedata
from typing import ClassVar

from mamori.errors import ConfigError
from mamori.extract.iso2022 import encode_iso2022jp
from mamori.synth.model import SynthDoc

_CODECS = {"cp932": "cp932", "shift_jis": "cp932", "utf-8": "utf-8", "utf-8-sig": "utf-8-sig",
           "euc-jp": "euc_jp", "utf-16": "utf-16", "iso-2022-jp": "iso2022_jp"}
_META_CHARSET = {"utf-8": "UTF-8", "cp932": "Shift_JIS", "euc-jp": "EUC-JP"}


def encode_text(text: str, encoding: str) -> bytes:
    """Encode *text* the way Japanese software writes *encoding*; ConfigError for unwritable characters."""
    codec = _CODECS.get(encoding.lower())
    if codec is None:
        raise ConfigError(f"unknown text encoding '{encoding}'; use one of {', '.join(_CODECS)}")
    try:
        if codec == "iso2022_jp":
            return encode_iso2022jp(text)
        return text.encode(codec)
    except UnicodeEncodeError as exc:
        if codec != "euc_jp":
            raise ConfigError(f"{exc.object[exc.start:exc.end]!r} cannot be written in {encoding}") from None
    # EUC-JP writers (eucJP-ms) also carry the NEC row 13 and JIS X 0213 characters (①, ㈱, 﨑).
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("euc_jp")
        except UnicodeEncodeError:
            try:
                out += ch.encode("euc_jis_2004")
            except UnicodeEncodeError:
                raise ConfigError(f"{ch!r} cannot be written in {encoding}") from None
    return bytes(out)


def _delimited(doc: SynthDoc, delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(doc.table_rows())
    return buffer.getvalue()


class CsvRenderer:
    """Comma-separated, CRLF line ends and minimal quoting, as Excel saves "CSV (コンマ区切り)"."""

    name: ClassVar[str] = "csv"
    suffix: ClassVar[str] = ".csv"
    encodings: ClassVar[tuple[str, ...]] = ("cp932", "utf-8", "utf-8-sig", "euc-jp")
    delimiter: ClassVar[str] = ","

    def render(self, doc: SynthDoc, encoding: str | None = None) -> bytes:
        """Title rows, header (if any) and rows; a multi-line cell is quoted."""
        return encode_text(_delimited(doc, self.delimiter), encoding or self.encodings[0])


class TsvRenderer(CsvRenderer):
    """Tab-separated text."""

    name: ClassVar[str] = "tsv"
    suffix: ClassVar[str] = ".tsv"
    delimiter: ClassVar[str] = "\t"


class PsvRenderer(CsvRenderer):
    """Pipe-separated text: in CP932 the pipe is also the trail byte of ポ (0x83 0x7C)."""

    name: ClassVar[str] = "psv"
    suffix: ClassVar[str] = ".psv"
    delimiter: ClassVar[str] = "|"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def aligned_lines(rows: list[tuple[str, ...]]) -> list[str]:
    """A grid as lines whose columns line up in a monospace font (full-width characters count 2)."""
    cols = max((len(r) for r in rows), default=0)
    widths = [max((_width(r[i]) for r in rows if i < len(r)), default=0) for i in range(cols)]
    lines = []
    for row in rows:
        cells = [c + " " * (widths[i] - _width(c)) for i, c in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return lines


class TxtRenderer:
    """Plain text: the title, prose paragraphs separated by blank lines, the table as aligned lines."""

    name: ClassVar[str] = "txt"
    suffix: ClassVar[str] = ".txt"
    encodings: ClassVar[tuple[str, ...]] = ("cp932", "utf-8", "utf-8-sig", "euc-jp", "utf-16", "iso-2022-jp")

    def render(self, doc: SynthDoc, encoding: str | None = None) -> bytes:
        """CRLF line ends for CP932 (Windows Notepad), LF otherwise."""
        encoding = encoding or self.encodings[0]
        parts = [doc.title, *doc.paragraphs]
        rows = doc.table_rows()
        if doc.header or doc.rows:
            parts.append("\n".join(aligned_lines(rows)))
        text = "\n\n".join(p for p in parts if p) + "\n"
        if encoding.lower() in ("cp932", "shift_jis", "utf-16"):
            text = text.replace("\n", "\r\n")
        return encode_text(text, encoding)


class HtmlRenderer:
    """An HTML page with ``<meta charset>``, the title, paragraphs and the table."""

    name: ClassVar[str] = "html"
    suffix: ClassVar[str] = ".html"
    encodings: ClassVar[tuple[str, ...]] = ("utf-8", "cp932", "euc-jp")

    def render(self, doc: SynthDoc, encoding: str | None = None) -> bytes:
        """Title rows become paragraphs above the table; a header row uses ``<th>``."""
        encoding = (encoding or self.encodings[0]).lower()
        if encoding not in _META_CHARSET:
            raise ConfigError(f"html is written in {', '.join(_META_CHARSET)}, not '{encoding}'")
        esc = html.escape
        out = ["<!DOCTYPE html>", '<html lang="ja">', "<head>",
               f'<meta charset="{_META_CHARSET[encoding]}">', f"<title>{esc(doc.title)}</title>", "</head>",
               "<body>", f"<h1>{esc(doc.title)}</h1>"]
        out.extend(f"<p>{esc(p)}</p>" for p in (*doc.paragraphs, *doc.title_rows))
        if doc.header or doc.rows:
            out.append("<table border=\"1\">")
            if doc.header:
                out.append("<tr>" + "".join(f"<th>{_cell(c)}</th>" for c in doc.header) + "</tr>")
            out.extend("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>" for row in doc.rows)
            out.append("</table>")
        out.extend(["</body>", "</html>", ""])
        return encode_text("\n".join(out), encoding)


def _cell(text: str) -> str:
    return html.escape(text).replace("\r\n", "\n").replace("\n", "<br>")
