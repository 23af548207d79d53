"""Test archives as bytes: zips as Japanese Windows writes them, bombs, encrypted, tar, gz, 7z, LZH."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import struct
import tarfile
import zlib
from typing import Literal

from mamori.synth.zip_writer import (
    DOS_DATE,
    DOS_TIME,
    ENCRYPTED_FLAG,
    METHOD_IDS,
    UTF8_FLAG,
    Method,
    RawMember,
    compress,
    write_zip,
    zipcrypto_encrypt,
)

MIB = 1024 * 1024


def zip_bytes(
    members: dict[str, bytes],
    name_encoding: Literal["cp932", "utf-8"] = "cp932",
    utf8_flag: bool | None = None,
    *,
    method: Method = "deflate",
    prefix: bytes = b"",
) -> bytes:
    """A zip of *members*; names ending in "/" become folder entries.

    By default names are CP932 without the UTF-8 flag, exactly as Explorer on Japanese Windows
    writes them; ``utf8_flag`` None sets the flag only for non-ASCII UTF-8 names.
    """
    raw: list[RawMember] = []
    for name, data in members.items():
        encoded = name.encode(name_encoding)
        flag = utf8_flag if utf8_flag is not None else name_encoding == "utf-8" and not name.isascii()
        packed = compress(data, method)
        raw.append(RawMember(
            encoded, packed, zlib.crc32(data), len(data), METHOD_IDS[method], UTF8_FLAG if flag else 0,
        ))
    return write_zip(raw, prefix=prefix)


def nested_zip(members: dict[str, bytes], depth: int, inner_name: str = "inner.zip") -> bytes:
    """*members* zipped, then that zip zipped again as *inner_name*, *depth* times in all."""
    data = zip_bytes(members)
    for _ in range(depth - 1):
        data = zip_bytes({inner_name: data})
    return data


def zip_bomb(members: int = 8, member_mib: int = 256, *, declared_size: int | None = None) -> bytes:
    """A zip whose *members* each expand to *member_mib* MiB of zeros (about 1000:1).

    Built cheaply: one MiB of zeros is deflated once, ending in a full flush so the piece
    is self-contained, and that piece is repeated; only the CRC is computed per MiB.
    ``declared_size`` makes the headers lie about the expanded size, as hostile bombs do.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = packer.compress(bytes(MIB)) + packer.flush(zlib.Z_FULL_FLUSH)
    stream = piece * member_mib + b"\x03\x00"  # an empty final fixed-Huffman block ends the stream
    crc = 0
    zeros = bytes(MIB)
    for _ in range(member_mib):
        crc = zlib.crc32(zeros, crc)
    size = member_mib * MIB if declared_size is None else declared_size
    raw = [RawMember(f"zeros{i:02d}.csv".encode(), stream, crc, size) for i in range(members)]
    return write_zip(raw)


def encrypted_zip(
    members: dict[str, bytes], password: str, method: Literal["zipcrypto", "aes"] = "zipcrypto",
) -> bytes:
    """A password-protected zip: traditional PKWARE (ZipCrypto) or WinZip AES (via pyzipper)."""
    if method == "aes":
        import pyzipper

        buffer = io.BytesIO()
        with pyzipper.AESZipFile(
            buffer, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES,
        ) as archive:
            archive.setpassword(password.encode())
            for name, data in members.items():
                archive.writestr(name, data)
        return buffer.getvalue()
    raw = []
    for name, data in members.items():
        crc = zlib.crc32(data)
        sealed = zipcrypto_encrypt(compress(data, "deflate"), password.encode(), crc)
        raw.append(RawMember(name.encode("cp932"), sealed, crc, len(data), 8, ENCRYPTED_FLAG))
    return write_zip(raw)


def tar_bytes(
    members: dict[str, bytes], compression: Literal["", "gz", "bz2", "xz"] = "", encoding: str = "utf-8",
) -> bytes:
    """A tar (optionally .tar.gz/.tar.bz2/.tar.xz) of regular files, names in *encoding*."""
    buffer = io.BytesIO()
    mode: Literal["w", "w:gz", "w:bz2", "w:xz"] = f"w:{compression}" if compression else "w"  # type: ignore[assignment]
    with tarfile.open(fileobj=buffer, mode=mode, format=tarfile.GNU_FORMAT, encoding=encoding) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1711929600
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def compressed_bytes(data: bytes, kind: Literal["gz", "bz2", "xz"]) -> bytes:
    """*data* as a single-file .gz, .bz2 or .xz."""
    if kind == "gz":
        return gzip.compress(data, mtime=1711929600)
    if kind == "bz2":
        return bz2.compress(data)
    return lzma.compress(data)


def sevenzip_bytes(
    members: dict[str, bytes], password: str | None = None, *, header_encryption: bool = False,
) -> bytes:
    """A 7z archive (py7zr), optionally encrypted (AES-256) with or without its file list."""
    import py7zr

    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w", password=password, header_encryption=header_encryption) as archive:
        for name, data in members.items():
            archive.writestr(data, name)
    return buffer.getvalue()


def lzh_bytes(members: dict[str, bytes], name_encoding: str = "cp932") -> bytes:
    """An LZH archive with level-0 headers and stored (``-lh0-``) members, as old LHA tools wrote.

    Folder separators inside names are written as backslashes, like LHA for Windows.
    """
    out = bytearray()
    for name, data in members.items():
        encoded = name.replace("/", "\\").encode(name_encoding)
        body = (
            b"-lh0-" + struct.pack("<IIHHBBB", len(data), len(data), DOS_TIME, DOS_DATE, 0x20, 0, len(encoded))
            + encoded + struct.pack("<H", crc16(data))
        )
        out += bytes((len(body), sum(body) & 0xFF)) + body + data
    out += b"\x00"
    return bytes(out)


def _crc16_table() -> list[int]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0xA001 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC16 = _crc16_table()


def crc16(data: bytes) -> int:
    """CRC-16/ARC as LHA uses it (polynomial 0xA001 reflected, start 0)."""
    crc = 0
    for byte in data:
        crc = (crc >> 8) ^ _CRC16[(crc ^ byte) & 0xFF]
    return crc
