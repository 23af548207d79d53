"""Recognise password-protected OOXML files (xlsx/docx/pptx saved with a password).

Office wraps such a file in an OLE compound file (CFB) holding ``EncryptionInfo`` and
``EncryptedPackage`` streams instead of the usual zip, so it looks like a legacy .xls/.doc.
This extractor runs before every other CFB-based one and reports the file as encrypted.
"""

from __future__ import annotations

import io
import struct
from typing import BinaryIO, ClassVar

import olefile

from mamori.errors import Encrypted
from mamori.i18n import said
from mamori.models import Document, Item

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: EncryptionInfo (major, minor) version → the scheme's name (MS-OFFCRYPTO 2.3.4).
_SCHEMES = {
    (4, 4): "agile encryption",
    (3, 2): "standard encryption",
    (4, 2): "standard encryption",
    (3, 3): "extensible encryption",
    (4, 3): "extensible encryption",
}
_KIND_BY_SUFFIX = {
    ".xlsx": "Excel",
    ".xlsm": "Excel",
    ".xls": "Excel",
    ".docx": "Word",
    ".doc": "Word",
    ".pptx": "PowerPoint",
    ".ppt": "PowerPoint",
}


def ole_stream_names(item: Item) -> frozenset[str] | None:
    """Top-level stream/storage names of a CFB *item*, or None when it is not a readable CFB."""
    try:
        with item.open() as stream:
            ole = olefile.OleFileIO(stream)
            try:
                return frozenset("/".join(path) for path in ole.listdir(streams=True, storages=True))
            finally:
                ole.close()
    except Exception:  # noqa: BLE001  olefile raises many types on damaged input: "not a CFB"
        return None


def is_encrypted_ooxml(streams: frozenset[str]) -> bool:
    """True when the CFB streams are those of an encrypted OOXML package."""
    return "EncryptionInfo" in streams and "EncryptedPackage" in streams


def _scheme(stream: BinaryIO) -> str:
    try:
        ole = olefile.OleFileIO(stream)
        try:
            major, minor = struct.unpack("<HH", ole.openstream("EncryptionInfo").read(4))
        finally:
            ole.close()
    except Exception:  # noqa: BLE001  the scheme is only a detail of the message
        return "unknown encryption"
    return _SCHEMES.get((major, minor), f"encryption version {major}.{minor}")


class EncryptedOfficeExtractor:
    """Password-protected Excel/Word/PowerPoint 2007+ files: recognised, never inspected."""

    name: ClassVar[str] = "office_encrypted"
    priority: ClassVar[int] = 100

    def sniff(self, head: bytes, item: Item) -> bool:
        """A CFB with EncryptionInfo and EncryptedPackage streams."""
        if not head.startswith(CFB_MAGIC):
            return False
        streams = ole_stream_names(item)
        return streams is not None and is_encrypted_ooxml(streams)

    def extract(self, stream: BinaryIO, item: Item) -> Document:
        """Always raises Encrypted, naming the application and the encryption scheme."""
        kind = _KIND_BY_SUFFIX.get(item.suffix, "Office")
        scheme = _scheme(stream if stream.seekable() else io.BytesIO(stream.read()))
        raise Encrypted(said("reason.encrypted_office", kind=kind, scheme=scheme))
