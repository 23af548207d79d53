"""HTML read token by token (stdlib ``html.parser``), for pages libxml2 gives up on.

libxml2 stops building the tree at 255 nested elements (hundreds of unclosed ``<b>`` or ``<div>``
do it too) and silently drops all text after that point. This reader keeps no tree, so nesting costs
nothing: it collects the visible text in blocks (a block element starts a new one) and the cells of
``<tr>`` rows as tables. It is slower than lxml and knows less about a page's structure, so it is
used only when lxml stopped early.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from mamori.models import Location, Table, TextBlock

_SKIP = frozenset({"script", "style", "noscript", "template", "head", "title", "object", "svg", "math"})
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "caption", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "body", "html", "option", "select", "textarea", "label",
})
_SPACE = re.compile(r"[ \t\r\n\f]+")
#: Text kept per page: this reader's output is bounded whatever the page holds.
MAX_CHARS = 16 * 1024 * 1024


class _Reader(HTMLParser):
    def __init__(self, part: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.part = part
        self.skip = 0  # inside script/style/...: depth of such elements
        self.text: list[str] = []
        self.line = 1
        self.blocks: list[TextBlock] = []
        self.tables: list[list[tuple[str, ...]]] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.chars = 0
        self.cut = False

    def _flush(self) -> None:
        text = "\n".join(_SPACE.sub(" ", line).strip() for line in "".join(self.text).split("\n")).strip()
        if text:
            self.blocks.append(TextBlock(text, Location(line=self.line, part=self.part)))
        self.text = []

    def _end_cell(self) -> None:
        if self.cell is not None and self.row is not None:
            self.row.append(_SPACE.sub(" ", "".join(self.cell)).strip())
        self.cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self.row is not None:
            if not self.tables:
                self.tables.append([])
            self.tables[-1].append(tuple(self.row))
        self.row = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "table":
            self._end_row()
            self._flush()
            self.tables.append([])
        elif tag == "tr":
            self._end_row()
            self.row = []
        elif tag in ("td", "th"):
            self._end_cell()
            if self.row is None:
                self.row = []
            self.cell = []
        elif tag == "br":
            self.handle_data("\n")
        elif tag in _BLOCK and self.cell is None:
            self._flush()
            self.line = self.getpos()[0]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.handle_data("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in ("table", "tr"):
            self._end_row()
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag in _BLOCK and self.cell is None:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.skip or self.cut:
            return
        self.chars += len(data)
        if self.chars > MAX_CHARS:
            self.cut = True
            return
        (self.cell if self.cell is not None else self.text).append(data)


def read_tokens(text: str, part: str | None = None) -> tuple[list[Table], list[TextBlock], bool]:
    """Tables and text blocks of *text*, and whether the text was cut at ``MAX_CHARS``."""
    reader = _Reader(part)
    reader.feed(text)
    reader.close()
    reader._end_row()
    reader._flush()
    tables = [Table(rows=tuple(rows), location=Location(part=part)) for rows in reader.tables if rows]
    return tables, reader.blocks, reader.cut
