"""Disk images (raw/dd and EnCase E01) → the filesystems in them, through The Sleuth Kit (pytsk3).

An image is never read whole: TSK asks for the sectors it needs, from the raw file or through
libewf (E01, E02, … segments found beside the first). A partitioned disk gives one filesystem per
partition TSK can open; a bare filesystem (a USB stick imaged as a partition) gives one.

Filesystems are named by their type (``NTFS``, ``FAT``, ``exFAT``, ``ext4``) so that paths read
``職場PC.E01!NTFS/Users/x/Desktop/名簿.xlsx``; when a disk holds more than one, each name gets its
partition's number in front (``p2_NTFS``).
"""

from __future__ import annotations

import struct
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from mamori.errors import CorruptFile, UnsupportedFormat
from mamori.i18n import said

EWF_MAGIC = b"EVF\x09\x0d\x0a\xff\x00"
#: The first bytes of the image a sniff needs: boot sector, GPT header, ext superblock (at 1024).
SNIFF_BYTES = 2048
#: E01 reads are served from blocks of this size, the last EWF_CACHE_BLOCKS of them kept (4 MiB).
EWF_BLOCK = 64 * 1024
EWF_CACHE_BLOCKS = 64

_FS_NAMES = {
    "NTFS": "NTFS", "FAT12": "FAT", "FAT16": "FAT", "FAT32": "FAT", "EXFAT": "exFAT",
    "EXT2": "ext2", "EXT3": "ext3", "EXT4": "ext4", "ISO9660": "ISO9660", "HFS": "HFS", "APFS": "APFS",
}


def _tsk() -> Any:
    try:
        import pytsk3
    except ImportError as exc:
        raise UnsupportedFormat(
            said("reason.evidence.disk_image_reading_needs")
        ) from exc
    return pytsk3


def _type_name(pytsk3: Any, ftype: int) -> str:
    for attr in dir(pytsk3):
        if (attr.startswith("TSK_FS_TYPE_") and not attr.endswith(("_DETECT", "_ENUM"))
                and getattr(pytsk3, attr) == ftype):
            return attr.removeprefix("TSK_FS_TYPE_")
    return f"type{ftype}"


def looks_like_image(head: bytes) -> bool:
    """True when *head* starts an E01 image, a partition table or a filesystem TSK reads."""
    if head.startswith(EWF_MAGIC):
        # Only the first segment (E01) opens the set; E02… are read through it.
        return len(head) >= 11 and int.from_bytes(head[9:11], "little") == 1
    if len(head) < 1082:
        return False
    boot_sig = head[510:512] == b"\x55\xaa"
    if head[3:11] in (b"NTFS    ", b"EXFAT   "):
        return True
    if boot_sig and (head[54:59] in (b"FAT12", b"FAT16") or head[82:87] == b"FAT32"):
        return True
    if head[512:520] == b"EFI PART":
        return True
    if head[1080:1082] == b"\x53\xef" and struct.unpack_from("<I", head, 1024 + 24)[0] < 32:
        return True  # ext2/3/4 superblock magic (with a sane log block size)
    return boot_sig and _has_mbr_partitions(head)


def _has_mbr_partitions(head: bytes) -> bool:
    # Four 16-byte entries at 446: status 0x00/0x80, a non-zero type, a start and a length.
    found = False
    for i in range(4):
        entry = head[446 + 16 * i: 462 + 16 * i]
        status, ptype = entry[0], entry[4]
        start, length = struct.unpack_from("<II", entry, 8)
        if status not in (0, 0x80):
            return False
        if ptype:
            if not start or not length:
                return False
            found = True
    return found


def _image(path: Path) -> Any:
    """A pytsk3 image over the raw file or the E01 segments."""
    pytsk3 = _tsk()
    with path.open("rb") as stream:
        head = stream.read(len(EWF_MAGIC))
    if head != EWF_MAGIC:
        return pytsk3.Img_Info(str(path))
    try:
        import pyewf
    except ImportError as exc:
        raise UnsupportedFormat(said("reason.evidence.e01_image_reading_needs")) from exc
    try:
        segments = pyewf.glob(str(path))
    except OSError:
        segments = [str(path)]  # named other than .E01: the one file
    handle = pyewf.handle()
    handle.open(segments)
    size = int(handle.get_media_size())
    cache: OrderedDict[int, bytes] = OrderedDict()

    def block(index: int) -> bytes:
        # TSK asks for a few sectors at a time; libewf decompresses a whole chunk for each ask, so
        # recently read blocks are kept (bounded: EWF_CACHE_BLOCKS × EWF_BLOCK bytes).
        data = cache.get(index)
        if data is None:
            handle.seek(index * EWF_BLOCK)
            data = handle.read(EWF_BLOCK)
            cache[index] = data
            if len(cache) > EWF_CACHE_BLOCKS:
                cache.popitem(last=False)
        else:
            cache.move_to_end(index)
        return data

    class EwfImage(pytsk3.Img_Info):  # type: ignore[misc,name-defined]
        """TSK reads sectors; libewf decompresses the chunks that hold them."""

        def __init__(self) -> None:
            super().__init__(url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

        def close(self) -> None:
            handle.close()

        def read(self, offset: int, length: int) -> bytes:
            if length >= EWF_BLOCK:  # a big read (a file's content): straight through
                handle.seek(offset)
                data: bytes = handle.read(length)
                return data
            parts = []
            end = min(offset + length, size)
            while offset < end:
                index, skip = divmod(offset, EWF_BLOCK)
                piece = block(index)[skip: skip + end - offset]
                if not piece:
                    break
                parts.append(piece)
                offset += len(piece)
            return b"".join(parts)

        def get_size(self) -> int:
            return size

    return EwfImage()


@dataclass(frozen=True)
class FileSystem:
    """One filesystem in an image: its label in paths, byte offset, and TSK's type name."""

    label: str
    offset: int
    kind: str


class OpenImage:
    """An image with its filesystems opened (``filesystems`` in label order)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.img = _image(path)
        except (OSError, RuntimeError) as exc:  # libewf reports damage as RuntimeError
            raise CorruptFile(said("reason.evidence.cannot_open_disk_image",
                                   name=str(path.name), exc=str(exc))) from exc
        self.filesystems: dict[str, tuple[FileSystem, Any]] = {}
        self.problems: list[str] = []
        self._find()

    def _find(self) -> None:
        pytsk3 = _tsk()
        found: list[tuple[int | None, int, Any]] = []
        try:
            volumes = pytsk3.Volume_Info(self.img)
        except OSError:
            volumes = None
        if volumes is not None:
            block = volumes.info.block_size
            number = 0  # partitions counted as a user sees them (TSK also lists the table and gaps)
            for part in volumes:
                if part.len <= 0 or not part.flags & pytsk3.TSK_VS_PART_FLAG_ALLOC:
                    continue
                number += 1
                offset = part.start * block
                try:
                    found.append((number, offset, pytsk3.FS_Info(self.img, offset=offset)))
                except OSError as exc:
                    self.problems.append(f"partition at byte {offset}: no filesystem TSK reads ({exc})")
        if not found:
            try:
                found.append((None, 0, pytsk3.FS_Info(self.img, offset=0)))
            except OSError as exc:
                raise CorruptFile(
                    said("reason.evidence.filesystem_found_disk_image", name=str(self.path.name))
                ) from exc
        for slot, offset, fs in found:
            kind = _type_name(pytsk3, int(fs.info.ftype))
            name = _FS_NAMES.get(kind, kind)
            label = name if len(found) == 1 or slot is None else f"p{slot}_{name}"
            while label in self.filesystems:  # two partitions in one slot cannot happen, but never collide
                label += "_"
            self.filesystems[label] = (FileSystem(label, offset, kind), fs)

    def fs(self, label: str) -> Any:
        """TSK's FS_Info for *label*; CorruptFile when there is no such filesystem."""
        try:
            return self.filesystems[label][1]
        except KeyError:
            raise CorruptFile(said("reason.evidence.filesystem_image",
                                   name=str(self.path.name), label=str(repr(label)))) from None


@lru_cache(maxsize=4)
def _cached(path: str, size: int, mtime_ns: int) -> OpenImage:
    return OpenImage(Path(path))


def open_image(path: Path) -> OpenImage:
    """*path* opened once per process (reopened when the file changes); CorruptFile when unreadable."""
    try:
        st = path.stat()
    except OSError as exc:
        raise CorruptFile(said("reason.evidence.cannot_read_disk_image", path=str(path), exc=str(exc))) from exc
    return _cached(str(path), st.st_size, st.st_mtime_ns)


def is_disk_image(path: Path) -> bool:
    """True when the file at *path* looks like a disk image by its first bytes."""
    try:
        with path.open("rb") as stream:
            return looks_like_image(stream.read(SNIFF_BYTES))
    except OSError:
        return False
