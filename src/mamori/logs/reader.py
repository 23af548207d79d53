"""Reading log files: plain, gzip, bzip2 or xz (told by magic bytes), decoded line by line, recoverably."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from mamori.errors import LogFormatError
from mamori.logs.text import ERRORS

CHUNK_SIZE = 1 << 20
#: Compressed streams are read in smaller steps: a truncated file loses only the last step's lines.
COMPRESSED_CHUNK_SIZE = 1 << 16
#: A "line" longer than this is cut (the rest up to the next newline is dropped): binary junk must not
#: make one line eat all memory.
MAX_LINE = 1 << 20


def compression(head: bytes) -> str:
    """"gzip", "bz2", "xz" or "" from a file's first bytes."""
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    return ""


def open_log(path: Path) -> BinaryIO:
    """Open *path* for reading bytes, decompressing transparently whatever the file name says."""
    raw = path.open("rb")
    head = raw.read(6)
    raw.seek(0)
    kind = compression(head)
    if kind == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if kind == "bz2":
        return bz2.BZ2File(raw, "rb")  # type: ignore[return-value]
    if kind == "xz":
        return lzma.LZMAFile(raw, "rb")  # type: ignore[return-value]
    return raw


def read_line_chunks(path: Path, encoding: str = "utf-8") -> Iterator[tuple[list[str], int]]:
    """(lines without line ends, bytes they took) of *path*, chunk by chunk; undecodable bytes become surrogates.

    Raises LogFormatError when the file cannot be opened or its compressed data is corrupt.
    """
    try:
        stream = open_log(path)
    except OSError as exc:
        raise LogFormatError(f"{path}: cannot read the log file: {exc.strerror or exc}") from exc
    carry = b""
    skipping = False
    step = CHUNK_SIZE if isinstance(stream, io.BufferedReader) else COMPRESSED_CHUNK_SIZE
    with stream:
        while True:
            try:
                block = stream.read(step)
            except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
                raise LogFormatError(
                    f"{path.name}: compressed data is truncated or corrupt ({exc}); lines before it were read"
                ) from exc
            if not block:
                break
            if skipping and b"\n" not in block:
                continue
            end = block.rfind(b"\n")
            if end < 0:
                carry += block
                if len(carry) > MAX_LINE:
                    yield [_decode(carry[:MAX_LINE], encoding)], len(carry)
                    carry, skipping = b"", True
                continue
            data = carry + block[: end + 1] if not skipping else block[block.find(b"\n") + 1 : end + 1]
            if skipping:
                skipping = False
            carry = block[end + 1 :]
            yield _decode(data, encoding).split("\n")[:-1], len(data)
        if carry and not skipping:
            yield [_decode(carry, encoding)], len(carry)


def _decode(data: bytes, encoding: str) -> str:
    text = data.decode(encoding, ERRORS)
    return text.replace("\r\n", "\n") if "\r" in text else text
