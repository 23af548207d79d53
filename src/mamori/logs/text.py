"""Text helpers shared by the parsers: recoverable bytes, Apache/nginx escapes, name decoding."""

from __future__ import annotations

import re
from typing import Final

#: Log lines are decoded with this error handler so every byte can be recovered with ``to_bytes``.
ERRORS: Final = "surrogateescape"

_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|.)", re.DOTALL)
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", '"': '"', "\\": "\\"}


def to_bytes(text: str) -> bytes:
    """The bytes a line-decoded text came from (undecodable bytes were kept as surrogates)."""
    try:
        return text.encode("utf-8", ERRORS)
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _unescape_one(match: re.Match[str]) -> str:
    token = match.group(1)
    if len(token) == 3 and token[0] == "x":
        byte = int(token[1:], 16)
        # bytes >= 0x80 go back to the surrogate that stands for them, so to_bytes() recovers them
        return chr(byte) if byte < 0x80 else chr(0xDC00 + byte)
    return _SIMPLE.get(token, "\\" + token)


def unescape_logged(text: str) -> str:
    r"""Undo the escaping Apache and nginx apply to logged strings (``\"``, ``\\``, ``\xE3``)."""
    if "\\" not in text:
        return text
    unescaped = _ESCAPE.sub(_unescape_one, text)
    try:
        # escaped UTF-8 sequences become real characters again when they form valid UTF-8
        return to_bytes(unescaped).decode("utf-8", ERRORS)
    except UnicodeDecodeError:
        return unescaped


def decode_name(text: str) -> tuple[str, bytes | None]:
    """A file name from a log line: (best text, raw bytes when the name was not clean UTF-8).

    See :func:`decode_japanese_bytes` for how the bytes are read.
    """
    if text.isascii():
        return text, None
    raw = to_bytes(text)
    decoded, encoding = decode_japanese_bytes(raw)
    return decoded, None if encoding == "utf-8" else raw


# Python's cp932 maps lone 0x80/0xA0/0xFD-0xFF to C1 or private-use code points: not real names
_IMPLAUSIBLE_CP932 = re.compile("[\x00-\x1f\x7f-\x9f\uf8f0-\uf8f3]")
# What Japanese file names are made of: ASCII, Latin-1, punctuation and symbols, kana, CJK, full-width forms
_JAPANESE = re.compile(
    "[\x20-\x7e\xa0-\xff\u2000-\u2bff\u3000-\u30ff\u3190-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]*"
)


def decode_japanese_bytes(data: bytes) -> tuple[str, str]:
    """Bytes of a name or path as (text, encoding): "ascii", "utf-8", "cp932" or "bytes" (surrogates).

    Strict UTF-8 wins, except when its reading is not Japanese-looking (e.g. Hangul) while the CP932
    reading is: CP932 "﨑ァ" is the valid UTF-8 "핃@". Bytes neither reading accepts are kept as surrogates.
    """
    if data.isascii():
        return data.decode("ascii"), "ascii"
    utf8: str | None
    try:
        utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    if utf8 is not None and _JAPANESE.fullmatch(utf8):
        return utf8, "utf-8"
    try:
        cp932 = data.decode("cp932")
    except UnicodeDecodeError:
        cp932 = None
    if cp932 is not None and _IMPLAUSIBLE_CP932.search(cp932) is None and (
        utf8 is None or _JAPANESE.fullmatch(cp932)
    ):
        return cp932, "cp932"
    if utf8 is not None:
        return utf8, "utf-8"
    return data.decode("utf-8", ERRORS), "bytes"


def storable(text: str) -> str:
    """*text* encodable as UTF-8: bytes kept as surrogates (undecodable names) become ``\\xNN`` escapes."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", ERRORS).decode("utf-8", "backslashreplace")
    return text
