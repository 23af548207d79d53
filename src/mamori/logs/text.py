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

    Names that are not valid UTF-8 are tried as CP932 (old Windows FTP clients send Shift_JIS);
    failing that, the text keeps surrogates standing for the bytes.
    """
    if text.isascii():
        return text, None
    raw = to_bytes(text)
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        decoded = raw.decode("cp932")
    except UnicodeDecodeError:
        return raw.decode("utf-8", ERRORS), raw
    if _plausible_cp932(decoded):
        return decoded, raw
    return raw.decode("utf-8", ERRORS), raw


# Python's cp932 maps lone 0x80/0xA0/0xFD-0xFF to C1 or private-use code points: not real names
_IMPLAUSIBLE_CP932 = re.compile("[\x00-\x1f\x7f-\x9f\uf8f0-\uf8f3]")


def _plausible_cp932(text: str) -> bool:
    return _IMPLAUSIBLE_CP932.search(text) is None
