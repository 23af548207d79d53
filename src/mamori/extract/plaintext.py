"""Plain text (.txt, .log, .md, and any other content that decodes as text): one TextBlock per paragraph.

This is the last-resort generic extractor: it claims whatever decodes as text without NULs or
control bytes; binary content is left unclaimed so that it ends as ``unsupported``.
"""

from __future__ import annotations

from typing import BinaryIO, ClassVar

from mamori.extract.encoding import TextStream, text_sample
from mamori.models import Document, Item, Location, TextBlock

#: A paragraph longer than this is cut into blocks, so locations stay useful in logs without blank lines.
MAX_BLOCK_LINES = 200
_BLANK = " \t\r\n\f\v\u3000"


class PlainTextExtractor:
    """Any text: paragraphs separated by blank lines, each with the line it starts on."""

    name: ClassVar[str] = "plaintext"
    priority: ClassVar[int] = -100

    def sniff(self, head: bytes, item: Item) -> bool:
        """True when the start of the item decodes as text without NULs or control bytes."""
        return text_sample(head) is not None

    def extract(self, stream: BinaryIO, item: Item) -> Document:
        """Blank-line separated paragraphs as TextBlocks with ``Location(line=first line)``."""
        decoded = TextStream(stream)
        blocks: list[TextBlock] = []
        paragraph: list[str] = []
        first = 0
        for number, line in enumerate(decoded.lines(), 1):
            if not line.strip(_BLANK):
                if paragraph:
                    blocks.append(TextBlock("\n".join(paragraph), Location(line=first)))
                    paragraph = []
                continue
            if not paragraph:
                first = number
            paragraph.append(line.rstrip("\r\n"))
            if len(paragraph) >= MAX_BLOCK_LINES:
                blocks.append(TextBlock("\n".join(paragraph), Location(line=first)))
                paragraph = []
        if paragraph:
            blocks.append(TextBlock("\n".join(paragraph), Location(line=first)))
        return Document(format="text", blocks=tuple(blocks), encoding=decoded.encoding,
                        problems=tuple(decoded.problems))
