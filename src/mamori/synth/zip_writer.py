"""A small hand-made zip writer: exact control over name bytes, flags, methods and raw data.

The standard library always flags non-ASCII names as UTF-8 and cannot write prepared
compressed data or ZipCrypto, all of which the tests need (Japanese Windows' Explorer writes
CP932 names without the flag; zip bombs reuse one compressed stream).
"""

from __future__ import annotations

import bz2
import lzma
import os
import struct
import zlib
from dataclasses import dataclass
from typing import Literal

Method = Literal["stored", "deflate", "bzip2", "lzma"]
METHOD_IDS: dict[str, int] = {"stored": 0, "deflate": 8, "bzip2": 12, "lzma": 14}

UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
#: 2024-04-01 09:00:00 as DOS time and date.
DOS_TIME = (9 << 11) | (0 << 5) | 0
DOS_DATE = ((2024 - 1980) << 9) | (4 << 5) | 1


@dataclass(frozen=True)
class RawMember:
    """One member as it goes into the archive: name bytes, flags, method and already-packed data."""

    name: bytes
    data: bytes
    crc: int
    size: int
    method: int = 8
    flags: int = 0


def compress(data: bytes, method: Method) -> bytes:
    """*data* compressed as a zip member with *method*."""
    if method == "stored":
        return data
    if method == "deflate":
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        return packer.compress(data) + packer.flush()
    if method == "bzip2":
        return bz2.compress(data)
    props: bytes = lzma._encode_filter_properties({"id": lzma.FILTER_LZMA1})  # type: ignore[attr-defined]
    filters = [lzma._decode_filter_properties(lzma.FILTER_LZMA1, props)]  # type: ignore[attr-defined]
    body = lzma.compress(data, format=lzma.FORMAT_RAW, filters=filters)
    return struct.pack("<BBH", 9, 4, len(props)) + props + body


def zipcrypto_encrypt(data: bytes, password: bytes, crc: int) -> bytes:
    """Traditional PKWARE encryption: a 12-byte header ending in the CRC's high byte, then the data."""
    keys = [0x12345678, 0x23456789, 0x34567890]

    def crc_byte(value: int, byte: int) -> int:
        return zlib.crc32(bytes((byte,)), value ^ 0xFFFFFFFF) ^ 0xFFFFFFFF

    def update(byte: int) -> None:
        keys[0] = crc_byte(keys[0], byte)
        keys[1] = ((keys[1] + (keys[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        keys[2] = crc_byte(keys[2], keys[1] >> 24)

    for byte in password:
        update(byte)
    out = bytearray()
    for byte in os.urandom(11) + bytes(((crc >> 24) & 0xFF,)) + data:
        temp = (keys[2] | 2) & 0xFFFF
        out.append(byte ^ (((temp * (temp ^ 1)) >> 8) & 0xFF))
        update(byte)
    return bytes(out)


def write_zip(members: list[RawMember], *, prefix: bytes = b"") -> bytes:
    """A zip file (no zip64) of *members*; *prefix* is junk before it, as in a self-extractor."""
    out = bytearray(prefix)
    central = bytearray()
    for m in members:
        offset = len(out)
        fields = (20, m.flags, m.method, DOS_TIME, DOS_DATE, m.crc, len(m.data), m.size, len(m.name), 0)
        out += b"PK\x03\x04" + struct.pack("<HHHHHIIIHH", *fields) + m.name + m.data
        is_dir = m.name.endswith(b"/")
        central += b"PK\x01\x02" + struct.pack(
            "<HHHHHHIIIHHHHHII", 20, 20, m.flags, m.method, DOS_TIME, DOS_DATE, m.crc, len(m.data),
            m.size, len(m.name), 0, 0, 0, 0, 0x10 if is_dir else 0x20, offset,
        ) + m.name
    cd_offset = len(out)
    out += central
    out += b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(members), len(members), len(central), cd_offset, 0)
    return bytes(out)
