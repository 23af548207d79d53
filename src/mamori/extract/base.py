"""What every extractor is: sniff without consuming, then read a stream into a Document."""

from __future__ import annotations

from typing import BinaryIO, ClassVar, Protocol

from mamori.models import Document, Item

#: Extractors at or below this priority are generic (decide by extension or "looks like text")
#: and are tried only after archive formats had their chance.
GENERIC_PRIORITY = 0


class Extractor(Protocol):
    """One format family. ``sniff`` looks at the first bytes (and may open the item again);
    ``extract`` reads the whole stream. Both raise only ``MamoriError`` subclasses."""

    name: ClassVar[str]
    priority: ClassVar[int]

    def sniff(self, head: bytes, item: Item) -> bool: ...

    def extract(self, stream: BinaryIO, item: Item) -> Document: ...
