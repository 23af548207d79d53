"""7z archives: recognised by their magic bytes, read by py7zr (``archive_7z_read``) one member at a time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from mamori.evidence.limits import ExpansionBudget, Limits
from mamori.models import Item

MAGIC = b"7z\xbc\xaf\x27\x1c"


class SevenZipFormat:
    """7z, including solid archives; an encrypted one raises Encrypted."""

    name: ClassVar[str] = "7z"

    def sniff(self, head: bytes, item: Item) -> bool:
        return head.startswith(MAGIC)

    def members(self, item: Item, limits: Limits, budget: ExpansionBudget) -> Iterator[Item]:
        from mamori.evidence.archive_7z_read import read_members  # py7zr only once a 7z is read

        return read_members(item, limits, budget)
