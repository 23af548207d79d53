"""Plain text (.txt, .log, .md, and any other content that decodes as text): one TextBlock per paragraph.

This is the last-resort generic extractor: it claims whatever decodes as text without NULs or
control bytes; binary content is left unclaimed so that it ends as ``unsupported``.
"""

from __future__ import annotations

from typing import BinaryIO, ClassVar

from mamori.extract.encoding import TextStream, text_sample
from mamori.i18n import said
from mamori.models import Document, Gap, Item, Location, Problem, TextBlock

#: A paragraph longer than this is cut into blocks, so locations stay useful in logs without blank lines.
MAX_BLOCK_LINES = 200
#: A block is also cut at this many characters (a file that is one enormous line stays many small blocks).
MAX_BLOCK_CHARS = 64 * 1024
#: Characters of text read from one item: the Document and its detection cost about ten bytes a
#: character, so this keeps a reader near 1 GiB. Past it the item is ``too_large`` (partly read).
MAX_TEXT_CHARS = 48 * 1024 * 1024
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
        first = held = total = 0
        problems: list[Problem] = []
        for number, line in enumerate(decoded.lines(MAX_BLOCK_CHARS), 1):
            total += len(line)
            if total > MAX_TEXT_CHARS:
                problems.append(Problem("text.truncated",
                                        said("problem.text_cut", limit=MAX_TEXT_CHARS, line=number - 1),
                                        Location(line=number), Gap.LIMIT))
                break
            if not line.strip(_BLANK):
                if paragraph:
                    blocks.append(TextBlock("\n".join(paragraph), Location(line=first)))
                    paragraph, held = [], 0
                continue
            if not paragraph:
                first = number
            paragraph.append(line.rstrip("\r\n"))
            held += len(line)
            if len(paragraph) >= MAX_BLOCK_LINES or held >= MAX_BLOCK_CHARS:
                blocks.append(TextBlock("\n".join(paragraph), Location(line=first)))
                paragraph, held = [], 0
        if paragraph:
            blocks.append(TextBlock("\n".join(paragraph), Location(line=first)))
        return Document(format="text", blocks=tuple(blocks), encoding=decoded.encoding,
                        problems=(*decoded.problems, *problems))
