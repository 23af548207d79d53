"""Safe access to OLE compound files (legacy Office, Outlook .msg) through olefile."""

from __future__ import annotations

from typing import IO, Any

import olefile

from mamori.errors import CorruptFile, TooLarge
from mamori.i18n import said
from mamori.models import Item

CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
#: One stream larger than this is refused (a .doc's text stream is a few MB at most).
MAX_STREAM_BYTES = 256 * 1024 * 1024

OleFile = Any  # olefile.OleFileIO; olefile has no type hints


def open_ole(stream: IO[bytes], what: str) -> OleFile:
    """Open a compound file or raise CorruptFile naming the format *what*."""
    try:
        return olefile.OleFileIO(stream)
    # olefile raises whatever its parsing hits (OSError, struct.error, IndexError, ...)
    except Exception as exc:
        raise CorruptFile(said("reason.extract.readable_compound_file", what=str(what), exc=str(exc))) from exc


def has_stream(item: Item, *path: str) -> bool:
    """True when the item is a compound file holding the stream *path*; never raises."""
    try:
        with item.open() as stream, olefile.OleFileIO(stream) as ole:
            return bool(ole.exists("/".join(path)))
    except Exception:  # noqa: BLE001  sniffing must not fail: a file olefile cannot open is not ours
        return False


def read_stream(ole: OleFile, name: str | list[str], what: str, limit: int = MAX_STREAM_BYTES) -> bytes:
    """The bytes of one stream, bounded by *limit*; CorruptFile when missing or damaged."""
    try:
        if not ole.exists(name if isinstance(name, str) else "/".join(name)):
            raise CorruptFile(said("reason.extract.stream_missing", what=str(what), name=str(name)))
        if ole.get_size(name) > limit:
            raise TooLarge(said("reason.extract.stream_larger_than_bytes",
                                what=str(what), name=str(name), limit=str(limit)))
        with ole.openstream(name) as member:
            data: bytes = member.read(limit + 1)
    except (CorruptFile, TooLarge):
        raise
    except Exception as exc:  # olefile's errors on broken chains are not of one type
        raise CorruptFile(said("reason.extract.stream_cannot_read",
                               what=str(what), name=str(name), exc=str(exc))) from exc
    return data
