"""Zip archives: CP932 member names, encrypted members, and bomb-proof streaming decompression.

``zipfile`` reads the central directory; member data is read and decompressed here, because
``ZipExtFile`` expands bzip2 and LZMA members without an output bound (a few KiB can become
gigabytes in one call).
"""

from __future__ import annotations

import bz2
import lzma
import struct
import time
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, ClassVar

from mamori.errors import ArchiveLimit, CorruptFile
from mamori.evidence.archive_base import (
    RAW_CHUNK,
    Decompressor,
    MemberCollector,
    ZlibStream,
    declared_too_large,
    decode_name,
    expand_stream,
    failed_member,
    read_chunks,
)
from mamori.evidence.limits import ExpansionBudget, Limits
from mamori.i18n import said
from mamori.models import Item, Status

_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_STRONG_ENCRYPTION_FLAG = 0x40
_AES_METHOD = 99
_METHOD_NAMES = {1: "shrink", 6: "implode", 9: "deflate64", 10: "implode", 18: "IBM TERSE", 19: "IBM LZ77",
                 93: "zstandard", 95: "xz", 96: "jpeg", 97: "wavpack", 98: "ppmd"}
_LOCAL_HEADER = struct.Struct("<4s22xHH")


class _DamagedMember(Exception):
    """A member's data cannot be read; the walk goes on with the next member."""


class ZipFormat:
    """Plain zip (and self-extracting zips that zipfile opens)."""

    name: ClassVar[str] = "zip"

    def sniff(self, head: bytes, item: Item) -> bool:
        if head.startswith(_MAGICS):
            return True
        if head.startswith(b"MZ"):  # a self-extracting archive is an .exe with a zip at its end
            with item.open() as stream:
                return zipfile.is_zipfile(stream)
        return False

    def members(self, item: Item, limits: Limits, budget: ExpansionBudget) -> Iterator[Item]:
        with item.open() as stream:
            _check_entry_count(stream, item, limits, budget)
            try:
                archive = zipfile.ZipFile(stream)
            except Exception as exc:  # zipfile raises many kinds on damaged input
                raise CorruptFile(said("reason.evidence.readable_zip_archive",
                                       path=str(item.path), exc=str(exc))) from exc
            with archive:
                for info in archive.infolist():
                    name = member_name(info)
                    if name.endswith("/"):
                        continue
                    yield _member(stream, info, name, item, limits, budget)


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its writer meant it: UTF-8 when flagged, else UTF-8 or CP932 by content."""
    if info.flag_bits & _UTF8_FLAG:
        return info.orig_filename.replace("\\", "/")
    # Without the flag zipfile decoded the raw bytes as cp437; that mapping is lossless, so
    # encoding back gives the bytes Japanese Windows wrote (usually CP932).
    return decode_name(info.orig_filename.encode("cp437"))


def _member(
    stream: IO[bytes], info: zipfile.ZipInfo, name: str, item: Item, limits: Limits, budget: ExpansionBudget,
) -> Item:
    mtime = _mtime(info)
    size = info.file_size
    if info.compress_type == _AES_METHOD or info.flag_bits & (_ENCRYPTED_FLAG | _STRONG_ENCRYPTION_FLAG):
        kind = "AES" if info.compress_type == _AES_METHOD else "ZipCrypto"
        return failed_member(
            item, name, budget, Status.ENCRYPTED, said("reason.zip_encrypted_member", kind=kind),
            size=size, mtime=mtime,
        )
    declared = declared_too_large(size, info.compress_size, limits)
    if declared is not None:
        return failed_member(item, name, budget, Status.TOO_LARGE, declared, size=size, mtime=mtime)
    try:
        decompressor = _decompressor(info.compress_type)
    except _DamagedMember as exc:
        return failed_member(item, name, budget, Status.UNREADABLE, str(exc), size=size, mtime=mtime)
    collector = MemberCollector(item, name, limits, budget, compressed=info.compress_size, mtime=mtime)
    crc = 0
    try:
        raw = _raw_data(stream, info)
        chunks = raw if decompressor is None else expand_stream(decompressor, collector.track(raw))
        for chunk in chunks:
            if not collector.feed(chunk):
                return collector.item()
            crc = zlib.crc32(chunk, crc)
        if decompressor is not None and not decompressor.eof:
            raise _DamagedMember("compressed data ends early (truncated member)")
    except ArchiveLimit:
        raise
    except (_DamagedMember, zlib.error, OSError, EOFError, lzma.LZMAError, ValueError) as exc:
        return collector.failed(Status.UNREADABLE, f"damaged zip member: {exc}")
    if crc != info.CRC:
        return collector.failed(Status.UNREADABLE, "CRC error: the member's data is damaged")
    return collector.item()


def _decompressor(method: int) -> Decompressor | None:
    if method == zipfile.ZIP_STORED:
        return None
    if method == zipfile.ZIP_DEFLATED:
        return ZlibStream(-15)
    if method == zipfile.ZIP_BZIP2:
        return bz2.BZ2Decompressor()
    if method == zipfile.ZIP_LZMA:
        return _ZipLzma()
    label = _METHOD_NAMES.get(method, f"method {method}")
    raise _DamagedMember(f"compression {label} is not supported; not inspected")


def _raw_data(stream: IO[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    stream.seek(info.header_offset)
    header = stream.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size:
        raise _DamagedMember("local header is cut off (truncated archive)")
    magic, name_len, extra_len = _LOCAL_HEADER.unpack(header)
    if magic != b"PK\x03\x04":
        raise _DamagedMember("local header is missing")
    stream.seek(info.header_offset + _LOCAL_HEADER.size + name_len + extra_len)
    left = info.compress_size
    for chunk in read_chunks(stream, left, RAW_CHUNK):
        left -= len(chunk)
        yield chunk
    if left > 0:
        raise _DamagedMember("member data is cut off (truncated archive)")


class _ZipLzma:
    """Zip's LZMA method: a 4-byte version/size prefix and LZMA1 properties, then a raw stream."""

    def __init__(self) -> None:
        self._head = b""
        self._d: lzma.LZMADecompressor | None = None

    @property
    def eof(self) -> bool:
        return self._d is not None and self._d.eof

    @property
    def needs_input(self) -> bool:
        return self._d is None or self._d.needs_input

    @property
    def unused_data(self) -> bytes:
        return b"" if self._d is None else self._d.unused_data

    def decompress(self, data: bytes, max_length: int = -1) -> bytes:
        if self._d is None:
            self._head += data
            if len(self._head) < 4:
                return b""
            (props_size,) = struct.unpack("<H", self._head[2:4])
            if len(self._head) < 4 + props_size:
                return b""
            props = self._head[4 : 4 + props_size]
            filters = [lzma._decode_filter_properties(lzma.FILTER_LZMA1, props)]  # type: ignore[attr-defined]
            self._d = lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=filters)
            data, self._head = self._head[4 + props_size :], b""
        return self._d.decompress(data, max_length)


def _mtime(info: zipfile.ZipInfo) -> float | None:
    extra = info.extra
    pos = 0
    while pos + 4 <= len(extra):  # the "UT" extra field holds a UTC time; prefer it
        tag, length = struct.unpack("<HH", extra[pos : pos + 4])
        body = extra[pos + 4 : pos + 4 + length]
        if tag == 0x5455 and len(body) >= 5 and body[0] & 1:
            return float(struct.unpack("<i", body[1:5])[0])
        pos += 4 + length
    try:  # DOS times have no zone; like unzip, read them as this machine's local time
        return time.mktime((*info.date_time, 0, 0, -1))
    except (OverflowError, ValueError):
        return None


def _check_entry_count(stream: IO[bytes], item: Item, limits: Limits, budget: ExpansionBudget) -> None:
    """Refuse before zipfile builds a ZipInfo per entry: millions of entries would exhaust memory."""
    end = stream.seek(0, 2)
    start = max(0, end - (1 << 16) - 22)
    stream.seek(start)
    tail = stream.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        stream.seek(0)
        return  # zipfile will say what is wrong
    entries, cd_size = struct.unpack("<HI", tail[at + 10 : at + 16])
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
        entries, cd_size = _zip64_counts(stream, tail[max(0, at - 20) : at]) or (0, 0)
    stream.seek(0)
    if cd_size > end:
        return  # a damaged end record; zipfile will say so
    # zipfile parses by directory size, not by the stated count, so a lying count is caught
    # by the size: honest entries are rarely over 1 KiB each.
    entries = max(entries, cd_size // 1024)
    if budget.members + entries > limits.max_members:
        raise ArchiveLimit(
            said("reason.evidence.zip_holds_about_entries",
                 path=str(item.path), entries=str(entries), max_members=str(limits.max_members))
        )


def _zip64_counts(stream: IO[bytes], locator: bytes) -> tuple[int, int] | None:
    if len(locator) < 20 or not locator.startswith(b"PK\x06\x07"):
        return None
    (offset,) = struct.unpack("<Q", locator[8:16])
    stream.seek(offset)
    record = stream.read(56)
    if len(record) < 56 or not record.startswith(b"PK\x06\x06"):
        return None  # leading junk shifts the offset; zipfile copes, the pre-check just skips
    entries, cd_size = struct.unpack("<QQ", record[32:48])
    return int(entries), int(cd_size)
