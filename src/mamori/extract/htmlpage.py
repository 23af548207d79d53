"""HTML and XHTML pages → a Table per ``<table>`` and a TextBlock per block of other text (lxml).

The ``<meta charset>`` (or ``http-equiv`` Content-Type, or XML declaration) is only a hint to
encoding.decode: pages saying "Shift_JIS" but holding UTF-8 exist. Script and style are dropped.
"""

from __future__ import annotations

import re
from typing import Any, BinaryIO, ClassVar

from lxml import etree

from mamori.extract.encoding import decode, text_sample
from mamori.extract.html_tokens import MAX_CHARS as MAX_TOKEN_CHARS
from mamori.extract.html_tokens import read_tokens
from mamori.i18n import said
from mamori.models import Document, Gap, Item, Location, Problem, Table, TextBlock

SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
_MAGIC = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])",
                    re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]+)|"
                      rb"<\?xml[^>]+encoding\s*=\s*[\"']([A-Za-z0-9_\-.]+)", re.IGNORECASE)
_SKIP = frozenset({"script", "style", "noscript", "template", "head", "title", "object", "svg", "math"})
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "caption", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul", "body", "html", "option", "select", "textarea", "label",
})
_SPACE = re.compile(r"[ \t\r\n\f]+")  # HTML white space; U+3000 is content and stays
_BREAK, _LINE, _SEP = "\x1e", "\x1f", "\x1d"
#: _SPACE after _clean in one pass: the markers _flatten uses are white space in the page's text.
_CELL_SPACE = re.compile(r"[ \t\r\n\f\x1d\x1e\x1f]+")
_CELL_TAGS = frozenset({"td", "th", "TD", "TH"})
#: What the HTML parser keeps in text but lxml refuses to set back (control characters).
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_COLSPAN = 50


def charset_hint(head: bytes) -> str | None:
    """The charset a page declares in its first bytes, if any."""
    match = _CHARSET.search(head[:4096])
    if match is None:
        return None
    return (match.group(1) or match.group(2)).decode("ascii", "replace")


def _clean(text: str | None) -> str:
    return text.replace(_BREAK, " ").replace(_LINE, " ").replace(_SEP, " ") if text else ""


def _flatten(root: Any) -> list[tuple[int | None, str]]:
    """(source line, text) of each block of running text under *root*; ``<br>`` kept as a line break."""
    out: list[str] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if event == "start":
            if tag is None or tag in _SKIP:
                walker.skip_subtree()
                continue
            if tag in _BLOCK:
                out.append(f"{_BREAK}{el.sourceline or ''}{_SEP}")
            elif tag == "br":
                out.append(_LINE)
            out.append(_clean(el.text))
        else:
            if tag in _BLOCK:
                out.append(f"{_BREAK}{el.sourceline or ''}{_SEP}")
            if el is not root:
                out.append(_clean(el.tail))
    blocks: list[tuple[int | None, str]] = []
    for segment in "".join(out).split(_BREAK):
        line, _, body = segment.rpartition(_SEP)
        text = "\n".join(_SPACE.sub(" ", part).strip() for part in body.split(_LINE)).strip()
        if text:
            blocks.append((int(line) if line.isdigit() else None, text))
    return blocks


def _cell_text(cell: Any) -> str:
    if not len(cell):  # the usual cell, plain text: what _flatten would make of it, without the walk
        text = cell.text
        return _CELL_SPACE.sub(" ", text).strip() if text else ""
    return "\n".join(text for _, text in _flatten(cell))


def _drop(el: Any) -> None:
    """Remove *el* and its subtree, keeping its tail text in place (lxml.html's drop_tree)."""
    parent = el.getparent()
    if el.tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = _XML_UNSAFE.sub(" ", (parent.text or "") + el.tail)
        else:
            previous.tail = _XML_UNSAFE.sub(" ", (previous.tail or "") + el.tail)
    parent.remove(el)


def _table(table: Any) -> Table:
    rows: list[tuple[str, ...]] = []
    for tr in table.iter("tr"):
        row: list[str] = []
        for cell in tr:
            tag = cell.tag
            if tag not in _CELL_TAGS and (not isinstance(tag, str) or tag.lower() not in _CELL_TAGS):
                continue
            row.append(_cell_text(cell))
            span = cell.get("colspan")
            if span is not None and span.strip().isdigit():
                row.extend([""] * max(min(int(span), _MAX_COLSPAN) - 1, 0))
        rows.append(tuple(row))
    caption = table.find("caption")
    name = _cell_text(caption) if caption is not None else None
    return Table(rows=tuple(rows), location=Location(line=table.sourceline), name=name or None)


def parse_html(text: str, part: str | None = None) -> tuple[list[Table], list[TextBlock]]:
    """Tables and text blocks of an HTML document given as text (also used for HTML mail bodies)."""
    tables, blocks, _ = read_html(text, part)
    return tables, blocks


def read_html(text: str, part: str | None = None) -> tuple[list[Table], list[TextBlock], list[Problem]]:
    """Tables, text blocks and problems of an HTML document given as text.

    When libxml2 stops early (255 nested elements, hundreds of unclosed tags: it drops the rest of the
    page without a word), the page is read again token by token (``html_tokens``), which has no depth.
    """
    # The plain etree parser: lxml.html's element classes cost a Python call per element.
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(text.encode("utf-8", "replace"), parser)
    except (etree.LxmlError, ValueError):  # "Document is empty" and friends
        root = None
    if any(e.level == etree.ErrorLevels.FATAL for e in parser.error_log):
        return _read_tokens(text, part)
    if root is None:
        return [], [], []
    tables: list[Table] = []
    # Innermost tables first, each removed once read, so an outer cell does not repeat them.
    for table in reversed(list(root.iter("table"))):
        tables.append(_table(table))
        if table.getparent() is not None:
            _drop(table)
    tables.reverse()
    blocks = [TextBlock(t, Location(line=line, part=part)) for line, t in _flatten(root)]
    return tables, blocks, []


def _read_tokens(text: str, part: str | None) -> tuple[list[Table], list[TextBlock], list[Problem]]:
    tables, blocks, cut = read_tokens(text, part)
    problems = [Problem("html.tokens", said("problem.html_tokens"), Location(part=part))]
    if cut:
        problems.append(Problem("html.truncated", said("problem.text_chars_read", limit=MAX_TOKEN_CHARS),
                                Location(part=part), Gap.LIMIT))
    return tables, blocks, problems


class HtmlExtractor:
    """HTML/XHTML pages: tables as Tables, the rest of the visible text as TextBlocks."""

    name: ClassVar[str] = "html"
    priority: ClassVar[int] = 40

    def sniff(self, head: bytes, item: Item) -> bool:
        """Starts like an HTML document, or is text named .html/.htm/.xhtml."""
        if _MAGIC.match(head[:4096]):
            return True
        return item.suffix in SUFFIXES and text_sample(head) is not None

    def extract(self, stream: BinaryIO, item: Item) -> Document:
        """Decode (honouring the declared charset as a hint), then read tables and text."""
        data = stream.read()
        decoded = decode(data, charset_hint(data))
        tables, blocks, problems = read_html(decoded.text)
        return Document(format="html", tables=tuple(tables), blocks=tuple(blocks),
                        encoding=decoded.encoding, problems=(*decoded.problems, *problems))
