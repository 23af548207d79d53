"""A small, correct writer of OLE compound files (CFB version 3, 512-byte sectors).

Streams under 4096 bytes go to the mini stream (64-byte mini sectors), as the format
requires: readers such as olefile and extract-msg look there by size, and Outlook property
streams must keep their exact lengths. Storages nest; sibling entries form a balanced
binary tree in CFB name order (all nodes black, which every reader accepts).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Union

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
_MAX_FAT_SECTORS = 109  # only the header's DIFAT: files up to ~7 MB, plenty for synthetic data

#: A storage: names mapped to stream bytes or to nested storages.
CfbTree = Mapping[str, Union[bytes, "CfbTree"]]


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list[int] = field(default_factory=list)
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    start: int = ENDOFCHAIN
    size: int = 0


def _order_key(name: str) -> tuple[int, str]:
    """CFB compares names by UTF-16 length first, then by upper-cased characters."""
    upper = "".join(c.upper() if len(c.upper()) == 1 else c for c in name)
    return (len(name.encode("utf-16-le")) // 2, upper)


def _flatten(tree: CfbTree, entries: list[_Entry], parent: int) -> None:
    if len({_order_key(name) for name in tree}) != len(tree):
        raise ValueError("two compound-file entries differ only in letter case")
    for name, value in tree.items():
        if not name or len(name.encode("utf-16-le")) > 62 or any(c in name for c in "/\\:!"):
            raise ValueError(f"invalid compound-file entry name {name!r}")
        index = len(entries)
        if isinstance(value, (bytes, bytearray)):
            entries.append(_Entry(name, 2, bytes(value)))
        else:
            entries.append(_Entry(name, 1))
            _flatten(value, entries, index)
        entries[parent].children.append(index)


def _balance(entries: list[_Entry], indices: list[int]) -> int:
    """Link *indices* (sorted) as a balanced tree; return the root index."""
    if not indices:
        return NOSTREAM
    mid = len(indices) // 2
    node = entries[indices[mid]]
    node.left = _balance(entries, indices[:mid])
    node.right = _balance(entries, indices[mid + 1 :])
    return indices[mid]


def _chain(fat: list[int], start: int, count: int) -> None:
    for i in range(count):
        fat[start + i] = start + i + 1 if i < count - 1 else ENDOFCHAIN


def _sectors(size: int, unit: int = SECTOR) -> int:
    return -(-size // unit)


def _dir_entry(e: _Entry) -> bytes:
    raw_name = (e.name + "\0").encode("utf-16-le") if e.kind else b""
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        raw_name, len(raw_name), e.kind, 1, e.left, e.right, e.child,
        b"\0" * 16, 0, 0, 0, e.start if e.kind in (2, 5) else 0, e.size,
    )


def write_cfb(tree: CfbTree) -> bytes:
    """The bytes of a compound file holding *tree* (streams as bytes, storages as mappings)."""
    entries = [_Entry("Root Entry", 5)]
    _flatten(tree, entries, 0)
    for e in entries:
        e.children.sort(key=lambda i: _order_key(entries[i].name))
        e.child = _balance(entries, e.children)

    mini = bytearray()
    minifat: list[int] = []
    big = [e for e in entries if e.kind == 2 and len(e.data) >= MINI_CUTOFF]
    for e in entries:
        if e.kind == 2:
            e.size = len(e.data)
        if e.kind == 2 and 0 < e.size < MINI_CUTOFF:
            e.start = len(minifat)
            count = _sectors(e.size, MINI_SECTOR)
            minifat.extend(range(e.start + 1, e.start + count))
            minifat.append(ENDOFCHAIN)
            mini += e.data + b"\0" * (count * MINI_SECTOR - e.size)

    n_dir = _sectors(len(entries) * 128)
    n_minifat = _sectors(len(minifat) * 4)
    n_mini = _sectors(len(mini))
    n_body = n_dir + n_minifat + n_mini + sum(_sectors(e.size) for e in big)
    n_fat = 1
    while n_body + n_fat > n_fat * (SECTOR // 4):
        n_fat += 1
    if n_fat > _MAX_FAT_SECTORS:
        raise ValueError("compound file too large for this writer (no DIFAT sectors)")

    fat = [FREESECT] * (n_fat * SECTOR // 4)
    cursor = 0
    layout: list[bytes] = []

    def place(data: bytes, count: int) -> int:
        nonlocal cursor
        start = cursor
        _chain(fat, start, count)
        layout.append(data + b"\0" * (count * SECTOR - len(data)))
        cursor += count
        return start

    dir_start_placeholder = cursor
    cursor += n_dir  # the directory is written last, once every start sector is known
    _chain(fat, dir_start_placeholder, n_dir)
    minifat_start = place(b"".join(struct.pack("<I", v) for v in minifat), n_minifat) if minifat else ENDOFCHAIN
    entries[0].start = place(bytes(mini), n_mini) if mini else ENDOFCHAIN
    entries[0].size = len(mini)
    for e in big:
        e.start = place(e.data, _sectors(e.size))
    fat_start = cursor
    for i in range(n_fat):
        fat[fat_start + i] = FATSECT

    directory = b"".join(_dir_entry(e) for e in entries)
    unused = _Entry("", 0)
    directory += _dir_entry(unused) * (n_dir * 4 - len(entries))
    difat = [fat_start + i for i in range(n_fat)] + [FREESECT] * (_MAX_FAT_SECTORS - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6,
        0, n_fat, dir_start_placeholder, 0, MINI_CUTOFF, minifat_start, n_minifat, ENDOFCHAIN, 0,
    ) + struct.pack(f"<{_MAX_FAT_SECTORS}I", *difat)
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    return header + directory + b"".join(layout) + fat_bytes
