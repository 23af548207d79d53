"""Tar archives, plain or compressed (.tar.gz/.tgz, .tar.bz2, .tar.xz): regular files only."""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from typing import IO, ClassVar

from mamori.errors import ArchiveLimit, CorruptFile
from mamori.evidence.archive_base import (
    MemberCollector,
    declared_too_large,
    decode_name,
    expand_stream,
    failed_member,
    member_path,
    read_chunks,
)
from mamori.evidence.archive_single import compression_of, new_decompressor
from mamori.evidence.limits import ExpansionBudget, Limits
from mamori.i18n import said
from mamori.models import Item, Status

BLOCK = 512


def is_tar_header(block: bytes) -> bool:
    """True when *block* is a tar header with a valid checksum (ustar, GNU or old v7)."""
    if len(block) < BLOCK or not block[:BLOCK].strip(b"\x00"):
        return False
    try:
        tarfile.TarInfo.frombuf(block[:BLOCK], "utf-8", "surrogateescape")
    except Exception:  # noqa: BLE001 - frombuf raises several kinds on non-tar data
        return False
    return True


class TarFormat:
    """Tar, with or without gzip/bzip2/xz around it. Nothing is written to disk, so member
    paths like ``../../etc/passwd`` are only names here."""

    name: ClassVar[str] = "tar"

    def sniff(self, head: bytes, item: Item) -> bool:
        if is_tar_header(head):
            return True
        kind = compression_of(head)
        if kind is None:
            return False
        try:
            with item.open() as stream:
                first = b""
                for chunk in expand_stream(new_decompressor(kind), read_chunks(stream)):
                    first += chunk
                    if len(first) >= BLOCK:
                        break
        except Exception:  # noqa: BLE001 - damaged compressed data is not a tar; let others try
            return False
        return is_tar_header(first)

    def members(self, item: Item, limits: Limits, budget: ExpansionBudget) -> Iterator[Item]:
        compressed = compression_of(item.read_head()) is not None
        with item.open() as stream:
            archive = _open(stream, item)
            with archive:
                yield from _walk(archive, item, limits, budget, compressed)


def _open(stream: IO[bytes], item: Item) -> tarfile.TarFile:
    try:
        return tarfile.open(fileobj=stream, mode="r:*")
    except Exception as exc:  # tarfile and the decompressors raise many kinds
        raise CorruptFile(said("reason.evidence.readable_tar_archive", path=str(item.path), exc=str(exc))) from exc


def _walk(
    archive: tarfile.TarFile, item: Item, limits: Limits, budget: ExpansionBudget, compressed: bool,
) -> Iterator[Item]:
    # Skipping a member of a compressed tar still means decompressing it, so declared sizes
    # count against the tree's budget and against the archive's overall ratio.
    expanded = 0
    count = 0
    while True:
        try:
            info = archive.next()
        except Exception as exc:
            raise CorruptFile(said("reason.evidence.tar_archive_damaged_after",
                                   path=str(item.path), count=str(count), exc=str(exc))) from exc
        if info is None:
            return
        if not info.isreg():
            continue
        count += 1
        name = member_name(info.name)
        expanded += info.size
        if compressed and expanded > limits.ratio_grace_bytes and expanded > limits.max_ratio * max(item.size, 1):
            raise ArchiveLimit(
                said("reason.evidence.expands_more_than_times", path=str(item.path), max_ratio=limits.max_ratio)
            )
        mtime = float(info.mtime)
        declared = declared_too_large(info.size, None, limits)
        if declared is not None:
            if compressed:
                budget.add_bytes(info.size, member_path(item, name))
            yield failed_member(item, name, budget, Status.TOO_LARGE, declared, size=info.size, mtime=mtime)
            continue
        collector = MemberCollector(item, name, limits, budget, mtime=mtime)
        try:
            source = archive.extractfile(info)
            if source is not None:
                for chunk in read_chunks(source, info.size):
                    if not collector.feed(chunk):
                        if compressed:
                            budget.add_bytes(info.size - collector.size, collector.path)
                        break
        except ArchiveLimit:
            raise
        except Exception as exc:
            raise CorruptFile(said("reason.evidence.tar_member_damaged",
                                   path=str(item.path), name=str(name), exc=str(exc))) from exc
        yield collector.item()


def member_name(name: str) -> str:
    """tarfile decodes names as UTF-8 with surrogate escapes; CP932 names are decoded again here."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        name = decode_name(name.encode("utf-8", "surrogateescape"))
    name = name.replace("\\", "/")
    while name.startswith("./"):  # `tar czf x.tgz .` writes ./a.csv; show a.csv
        name = name[2:]
    return name
