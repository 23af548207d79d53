"""LZH (LHA) archives via lhafile: still common in Japanese offices' old files; names in CP932."""

from __future__ import annotations

import io
from collections.abc import Iterator
from importlib import import_module
from typing import IO, Any, ClassVar

import lhafile

from mamori.errors import CorruptFile
from mamori.evidence.archive_base import MemberCollector, declared_too_large, decode_name, failed_member
from mamori.evidence.limits import ExpansionBudget, Limits
from mamori.i18n import said
from mamori.models import Item, Status

_METHODS = (b"lh", b"lz")
#: lhafile's C decoder; imported by name because it ships no type information.
_lzhlib = import_module("lzhlib")


class _DamagedMember(Exception):
    pass


class LzhFormat:
    """LZH archives with level 0, 1 or 2 headers (methods -lh0-, -lh5-, -lh6-, -lh7-)."""

    name: ClassVar[str] = "lzh"

    def sniff(self, head: bytes, item: Item) -> bool:
        return (
            len(head) >= 22 and head[2:3] == b"-" and head[3:5] in _METHODS
            and head[6:7] == b"-" and head[20] in (0, 1, 2)
        )

    def members(self, item: Item, limits: Limits, budget: ExpansionBudget) -> Iterator[Item]:
        with item.open() as stream:
            try:
                archive = lhafile.LhaFile(stream)
            except Exception as exc:  # lhafile raises many kinds (struct, index, runtime) on damage
                raise CorruptFile(said("reason.evidence.readable_lzh_archive",
                                       path=str(item.path), exc=str(exc))) from exc
            for info in archive.infolist():
                if info.compress_type == b"-lhd-":
                    continue
                yield _member(stream, info, item, limits, budget)


def _member(stream: IO[bytes], info: Any, item: Item, limits: Limits, budget: ExpansionBudget) -> Item:
    # lhafile decodes names as ISO-8859-1, which gives back the raw bytes losslessly.
    name = decode_name(str(info.filename).encode("latin-1", errors="replace"))
    mtime = _mtime(info)
    size, compressed = int(info.file_size), int(info.compress_size)
    declared = declared_too_large(size, compressed, limits)
    if declared is not None:
        return failed_member(item, name, budget, Status.TOO_LARGE, declared, size=size, mtime=mtime)
    collector = MemberCollector(item, name, limits, budget, compressed=compressed, mtime=mtime)
    try:
        data = _decode(stream, info, size, compressed)
    except Exception as exc:  # noqa: BLE001 - lzhlib raises plain exceptions on damaged data
        return collector.failed(Status.UNREADABLE, f"damaged LZH member: {exc}")
    collector.feed(data)
    return collector.item()


def _decode(stream: IO[bytes], info: Any, size: int, compressed: int) -> bytes:
    """One member's bytes; output never exceeds the declared size, which was checked first."""
    stream.seek(info.file_offset)
    raw = stream.read(compressed)
    if len(raw) < compressed:
        raise _DamagedMember("data is cut off (truncated archive)")
    out = io.BytesIO()
    session = _lzhlib.LZHDecodeSession(io.BytesIO(raw), out, info)
    stalled = 0
    last = (-1, -1)
    while not session.do_next():
        now = (session.input_pos, session.output_pos)
        stalled = stalled + 1 if now == last else 0
        if stalled > 16 or session.output_pos > size:  # a damaged stream must not spin forever
            raise _DamagedMember("decoding makes no progress")
        last = now
    if session.output_pos != size:
        raise _DamagedMember(f"expands to {session.output_pos} bytes, not the declared {size}")
    if session.crc16 != info.CRC:
        raise _DamagedMember("CRC error: the member's data is damaged")
    return out.getvalue()


def _mtime(info: Any) -> float | None:
    try:  # level 0/1 times are local DOS times; read them as this machine's local time
        return float(info.date_time.timestamp())
    except (AttributeError, OverflowError, ValueError, OSError):
        return None
