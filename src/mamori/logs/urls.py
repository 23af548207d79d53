"""URL paths from access logs → server paths: percent-decoding to bytes, then UTF-8, CP932 or raw bytes.

A Japanese file name reaches the access log percent-encoded in UTF-8 (browsers), percent-encoded in
CP932 (old Windows software, links written in Shift_JIS pages), or as raw bytes in the request line.
Decoding goes to bytes first and only then to text, so nothing is lost and the result says which
reading was used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final
from urllib.parse import quote_from_bytes, unquote_to_bytes

from mamori.logs.text import ERRORS, decode_japanese_bytes, to_bytes

_ABSOLUTE = re.compile(rb"^[A-Za-z][A-Za-z0-9+.-]*://[^/]*")

ENCODINGS: Final = ("ascii", "utf-8", "cp932", "bytes")


@dataclass(frozen=True, slots=True)
class DecodedPath:
    """A request target's path, decoded and normalised.

    ``path`` always starts with "/", has no ``//``, ``.`` or ``..`` segments (never climbs above the
    root) and keeps a trailing "/". ``encoding`` is "ascii", "utf-8", "cp932" or "bytes" (undecodable:
    ``path`` holds surrogates standing for the bytes; ``raw`` has them exactly). ``query`` is the raw
    query string without "?".
    """

    path: str
    query: str
    encoding: str
    raw: bytes


def decode_url_path(raw: str | bytes) -> DecodedPath:
    """Decode a request target (origin-form or absolute-form) into a normalised server-side URL path."""
    if isinstance(raw, str):
        return _decode_cached(raw)
    return _decode(bytes(raw))


@lru_cache(maxsize=65536)
def _decode_cached(raw: str) -> DecodedPath:
    return _decode(to_bytes(raw))


def _decode(data: bytes) -> DecodedPath:
    data = data.split(b"#", 1)[0]
    path_part, _, query_part = data.partition(b"?")
    absolute = _ABSOLUTE.match(path_part)
    if absolute:
        path_part = path_part[absolute.end():]
    normalised = normalise_path_bytes(unquote_to_bytes(path_part))
    text, encoding = decode_path_bytes(normalised)
    return DecodedPath(text, query_part.decode("utf-8", ERRORS), encoding, normalised)


def normalise_path_bytes(path: bytes) -> bytes:
    """Collapse ``//``, drop ``.``, resolve ``..`` without ever going above "/", keep a trailing "/"."""
    if b"/." not in path and b"//" not in path and path.startswith(b"/") and not path.startswith(b"."):
        return path
    parts: list[bytes] = []
    segments = path.split(b"/")
    for segment in segments:
        if segment in (b"", b"."):
            continue
        if segment == b"..":
            if parts:
                parts.pop()
            continue
        parts.append(segment)
    trailing = bool(parts) and segments[-1] in (b"", b".", b"..")
    return b"/" + b"/".join(parts) + (b"/" if trailing else b"")


def decode_path_bytes(data: bytes) -> tuple[str, str]:
    """Bytes of a path as (text, encoding used): ascii, else strict UTF-8, else CP932, else raw bytes."""
    return decode_japanese_bytes(data)


def encode_url_path(path: str, encoding: str = "utf-8") -> str:
    """Percent-encode a path the way a browser (UTF-8) or old Windows software (CP932) would."""
    data = to_bytes(path) if encoding == "utf-8" else path.encode(encoding)
    return quote_from_bytes(data, safe="/")


def map_to_server_path(url_path: str, web_root: str, url_prefix: str = "/") -> str | None:
    """The server path a decoded URL path serves from *web_root*; None if outside *url_prefix*."""
    prefix = "/" + url_prefix.strip("/")
    if prefix != "/":
        if url_path != prefix and not url_path.startswith(prefix + "/"):
            return None
        url_path = url_path[len(prefix):] or "/"
    root = web_root.rstrip("/")
    return root + (url_path if url_path.startswith("/") else "/" + url_path)


def map_to_url_path(server_path: str, web_root: str, url_prefix: str = "/") -> str | None:
    """The URL path under which *server_path* is served from *web_root*; None if outside it."""
    root = web_root.rstrip("/")
    if root and server_path != root and not server_path.startswith(root + "/"):
        return None
    rest = server_path[len(root):] or "/"
    prefix = "/" + url_prefix.strip("/")
    return rest if prefix == "/" else prefix + rest
