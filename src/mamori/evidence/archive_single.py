"""Single compressed files: .gz, .bz2, .xz → one member named like the file without its suffix."""

from __future__ import annotations

import bz2
import lzma
import struct
import zlib
from collections.abc import Callable, Iterator
from typing import ClassVar

from mamori.errors import ArchiveLimit, CorruptFile
from mamori.evidence.archive_base import (
    RAW_CHUNK,
    Decompressor,
    MemberCollector,
    ZlibStream,
    expand_stream,
    read_chunks,
)
from mamori.evidence.limits import ExpansionBudget, Limits
from mamori.i18n import said
from mamori.models import Item

GZIP_MAGIC = b"\x1f\x8b"
BZIP2_MAGIC = b"BZh"
XZ_MAGIC = b"\xfd7zXZ\x00"

_MAGIC = {"gz": GZIP_MAGIC, "bz2": BZIP2_MAGIC, "xz": XZ_MAGIC}
_SUFFIXES = {".gz": "", ".gzip": "", ".bz2": "", ".bzip2": "", ".xz": "", ".tgz": ".tar", ".tbz": ".tar",
             ".tbz2": ".tar", ".txz": ".tar"}


def compression_of(head: bytes) -> str | None:
    """"gz", "bz2" or "xz" by magic bytes, else None."""
    if head.startswith(GZIP_MAGIC):
        return "gz"
    if head.startswith(BZIP2_MAGIC) and head[3:4] in b"123456789" and len(head) >= 4:
        return "bz2"
    if head.startswith(XZ_MAGIC):
        return "xz"
    return None


def new_decompressor(kind: str) -> Decompressor:
    """A fresh decompressor for one stream of *kind*."""
    factories: dict[str, Callable[[], Decompressor]] = {
        "gz": lambda: ZlibStream(31),
        "bz2": bz2.BZ2Decompressor,
        "xz": lzma.LZMADecompressor,
    }
    return factories[kind]()


class CompressedFileFormat:
    """One file compressed with gzip, bzip2 or xz (concatenated streams are read as one)."""

    name: ClassVar[str] = "compressed"

    def sniff(self, head: bytes, item: Item) -> bool:
        return compression_of(head) is not None

    def members(self, item: Item, limits: Limits, budget: ExpansionBudget) -> Iterator[Item]:
        kind = compression_of(item.read_head())
        if kind is None:
            raise CorruptFile(said("reason.evidence.gzip_bzip2_xz_file", path=str(item.path)))
        name = inner_name(item.name)
        with item.open() as stream:
            head = stream.read(8)
            stream.seek(0)
            collector = MemberCollector(
                item, name, limits, budget, compressed=item.size, mtime=_mtime(kind, head, item),
            )
            try:
                for chunk in _expand_all(kind, collector.track(read_chunks(stream, size=RAW_CHUNK))):
                    if not collector.feed(chunk):
                        break
            except ArchiveLimit:
                raise
            except (OSError, EOFError, zlib.error, lzma.LZMAError, ValueError) as exc:
                raise CorruptFile(said("reason.evidence.damaged_data",
                                       path=str(item.path), kind=str(kind), exc=str(exc))) from exc
        yield collector.item()


def inner_name(outer: str) -> str:
    """``data.csv.gz`` → ``data.csv``; ``logs.tgz`` → ``logs.tar``; no known suffix → the same name."""
    dot = outer.rfind(".")
    if dot > 0 and outer[dot:].lower() in _SUFFIXES:
        return outer[:dot] + _SUFFIXES[outer[dot:].lower()]
    return outer


def _expand_all(kind: str, raw: Iterator[bytes]) -> Iterator[bytes]:
    """Every stream in the file one after another, like ``gzip -d`` with concatenated members;
    zero padding and trailing garbage after a complete stream are ignored, as gzip does."""
    magic = _MAGIC[kind]
    decompressor: Decompressor | None = None
    for chunk in raw:
        data = chunk
        while data:
            if decompressor is None:
                data = data.lstrip(b"\x00")
                if not data:
                    break
                if not data.startswith(magic[: len(data)]):
                    return
                decompressor = new_decompressor(kind)
            yield from expand_stream(decompressor, (data,))
            if not decompressor.eof:
                break
            data = decompressor.unused_data
            decompressor = None
    if decompressor is not None:
        raise CorruptFile(said("reason.evidence.data_ends_early_truncated", kind=str(kind)))


def _mtime(kind: str, head: bytes, item: Item) -> float | None:
    if kind == "gz" and len(head) >= 8:
        (stamp,) = struct.unpack("<I", head[4:8])
        if stamp:
            return float(stamp)
    return item.mtime
