"""The people each export carried, kept as keyed hashes so that a year's exports count each person once.

The keys are made by the find engine with the guard's own secret (HOME/guard/people_key, owner-only, made on
first use), not with a secret that lives only for one scan: the same resident in two exports gives the same
keys, and nobody without the secret can tell whose keys they are. No name, date or address is stored.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from mamori.errors import ConfigError
from mamori.guard.home import guard_dir, write_private

Record = tuple[bytes, ...]
_KEY_FILE = "people_key"


def people_secret(home: Path) -> bytes:
    """The guard's identity-key secret (32 bytes), created owner-only on first use."""
    path = guard_dir(home) / _KEY_FILE
    if not path.exists():
        try:
            write_private(path, os.urandom(32))
        except FileExistsError:
            pass  # another process made it first
        except OSError as exc:
            raise ConfigError(f"cannot create {path}: {exc.strerror}") from exc
    try:
        secret = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    if len(secret) != 32:
        raise ConfigError(f"{path} is damaged (not 32 bytes); restore it from the backup of the guard's home")
    return secret


def pack(records: Iterable[Sequence[bytes]]) -> bytes:
    """Records of keys as one compressed blob (count, then each key with its length)."""
    out = bytearray()
    for record in records:
        out += struct.pack(">H", len(record))
        for key in record:
            out += struct.pack(">H", len(key)) + key
    return zlib.compress(bytes(out), 6)


def unpack(blob: bytes) -> list[Record]:
    """What :func:`pack` wrote."""
    data = zlib.decompress(blob)
    records: list[Record] = []
    at = 0
    while at < len(data):
        (n,) = struct.unpack_from(">H", data, at)
        at += 2
        keys = []
        for _ in range(n):
            (size,) = struct.unpack_from(">H", data, at)
            keys.append(data[at + 2 : at + 2 + size])
            at += 2 + size
        records.append(tuple(keys))
    return records
