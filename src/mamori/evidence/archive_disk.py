"""Disk images as containers for ``mamori find``: every file in them (deleted ones too) is a member.

Members are named ``image.E01!NTFS/Users/x/名簿.xlsx`` like archive members. They are not
charged to the archive tree's byte and member budget: an image holds what it holds (millions of
files is normal) and its files are read from the image, not expanded; ``Limits.max_image_files``
bounds the listing instead. Only an image that is a file on disk is opened (one inside an archive
is reported unsupported: extract it first), so its files are streamed from the image, never the
whole image read into memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from mamori.evidence.archive_base import member_path
from mamori.evidence.disk_image import looks_like_image
from mamori.evidence.disk_read import load_entry, walk_image
from mamori.evidence.limits import ExpansionBudget, Limits
from mamori.models import Item


class DiskImageFormat:
    """Raw/dd and E01 images of disks or partitions (NTFS, FAT, exFAT, ext2/3/4, …) via The Sleuth Kit."""

    name: ClassVar[str] = "disk_image"

    def sniff(self, head: bytes, item: Item) -> bool:
        return item.fs_path is not None and item.address is None and looks_like_image(head)

    def members(self, item: Item, limits: Limits, budget: ExpansionBudget) -> Iterator[Item]:
        assert item.fs_path is not None  # sniff claims only files on disk
        for entry in walk_image(item.fs_path, limits):
            yield load_entry(entry, member_path(item, entry.path), limits, item.depth + 1)
