"""Masked file names: what vsftpd and xferlog writers make of real names, and matching them back.

vsftpd writes every byte ≥ 0x80 (and control bytes) of a name as ``?``: a Japanese character becomes
``???`` if the client sent UTF-8 and ``??`` if it sent CP932. xferlog writers (wu-ftpd, Pure-FTPd,
ProFTPD, vsftpd's ``xferlog_std_format``) write spaces (and control bytes) as ``_``. A masked name
from a log is matched against candidate real names by trying the candidate in UTF-8 (NFC and NFD:
macOS clients send decomposed names) and in CP932.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from mamori.logs.text import to_bytes

_HIGH = bytes(range(0x80, 0x100)) + bytes(range(0x20)) + b"\x7f"
_HIGH_TABLE = bytes.maketrans(_HIGH, b"?" * len(_HIGH))
_SPACE = b" \t\n\r\x0b\x0c" + bytes(range(0x20)) + b"\x7f"
_SPACE_TABLE = bytes.maketrans(_SPACE, b"_" * len(_SPACE))
_ANY_HIGH = rb"[\x00-\x1f\x7f-\xff?]"
_ANY_SPACE = rb"[\x00-\x20\x7f_]"
_ENCODINGS = ("utf-8", "cp932")


def mask_name(name: str, encoding: str = "utf-8", *, high_bytes: bool = True, spaces: bool = False) -> str:
    """The name as a log writer masks it: ``?`` per byte ≥ 0x80 (vsftpd) and/or ``_`` for spaces (xferlog).

    Raises UnicodeEncodeError if *name* cannot be written in *encoding* (e.g. an emoji in CP932).
    """
    data = to_bytes(name) if encoding == "utf-8" else name.encode(encoding)
    if spaces:
        data = data.translate(_SPACE_TABLE)
    if high_bytes:
        data = data.translate(_HIGH_TABLE)
        return data.decode("ascii")
    return data.decode(encoding, "surrogateescape")


def is_masked(name: str, *, high_bytes: bool = True, spaces: bool = False) -> bool:
    """Whether a logged name may be a mask (holds ``?``, or ``_`` when spaces are masked)."""
    return (high_bytes and "?" in name) or (spaces and "_" in name)


@lru_cache(maxsize=4096)
def masked_pattern(masked: str, *, high_bytes: bool = True, spaces: bool = True) -> re.Pattern[bytes]:
    """A bytes regex matching every real name (as bytes) that the logged *masked* name may stand for."""
    pattern = re.escape(to_bytes(masked))
    if high_bytes:
        pattern = pattern.replace(rb"\?", _ANY_HIGH)
    if spaces:
        pattern = pattern.replace(b"_", _ANY_SPACE)
    return re.compile(pattern, re.DOTALL)


def matches_masked(masked: str, candidate: str, *, high_bytes: bool = True, spaces: bool = True) -> bool:
    """Whether *candidate* (a real name or path) could have been logged as *masked*.

    Tries the candidate in UTF-8 (as given, NFC and NFD) and in CP932, since the log does not say
    which encoding the FTP client used.
    """
    if masked == candidate:
        return True
    pattern = masked_pattern(masked, high_bytes=high_bytes, spaces=spaces)
    variants = {candidate, unicodedata.normalize("NFC", candidate), unicodedata.normalize("NFD", candidate)}
    for variant in variants:
        for encoding in _ENCODINGS:
            try:
                data = to_bytes(variant) if encoding == "utf-8" else variant.encode(encoding)
            except UnicodeEncodeError:
                continue
            if pattern.fullmatch(data):
                return True
    return False


def masked_lengths(name: str) -> set[int]:
    """Byte lengths *name* can have in a log (UTF-8 NFC/NFD, CP932): a cheap pre-filter for matching."""
    lengths = set()
    for variant in {name, unicodedata.normalize("NFC", name), unicodedata.normalize("NFD", name)}:
        for encoding in _ENCODINGS:
            try:
                lengths.add(len(to_bytes(variant) if encoding == "utf-8" else variant.encode(encoding)))
            except UnicodeEncodeError:
                continue
    return lengths
