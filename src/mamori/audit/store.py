"""On-disk building blocks of the audit log: record frames, the node file layout, durable writes.

A frame is ``u32 length (big-endian) || payload || u32 CRC-32 of (length || payload)``. The CRC
does not protect against tampering (the Merkle tree and signed checkpoints do); it tells a frame
that was completely written from a torn or zero-filled one left by a crash.

The node file holds every complete-subtree hash, 32 bytes each, in the order they come into
being (post-order): appending leaf j writes its hash and then one parent per trailing one bit of
j. So after n leaves the file holds ``2n - popcount(n)`` hashes, the node at (level k, index i)
sits at ``(i+1)·2^(k+1) - 2 - popcount(i)``, and a proof needs O(log n) reads.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
import uuid
import zlib
from pathlib import Path

from mamori.audit.merkle import EMPTY_ROOT, HASH_SIZE, node_hash
from mamori.errors import AuditError

HEADER = struct.Struct(">I")
FRAME_OVERHEAD = 8
MAX_RECORD = 16 * 1024 * 1024
OFFSET = struct.Struct(">Q")


def encode_frame(payload: bytes) -> bytes:
    """Frame a record for the append-only file."""
    if len(payload) > MAX_RECORD:
        raise AuditError(f"audit record of {len(payload)} bytes exceeds the {MAX_RECORD}-byte limit")
    head = HEADER.pack(len(payload)) + payload
    return head + HEADER.pack(zlib.crc32(head))


def frame_at(buf: bytes | memoryview, pos: int, end: int) -> tuple[int, bool] | None:
    """(end of the frame at `pos`, CRC ok) or None when the frame runs past `end` (torn)."""
    if pos + FRAME_OVERHEAD > end:
        return None
    (length,) = HEADER.unpack_from(buf, pos)
    stop = pos + FRAME_OVERHEAD + length
    if length > MAX_RECORD or stop > end:
        return None
    (crc,) = HEADER.unpack_from(buf, stop - 4)
    return stop, zlib.crc32(buf[pos : stop - 4]) == crc


def is_torn_tail(buf: bytes | memoryview, pos: int) -> bool:
    """True when the bytes from `pos` to the end are the start of one frame that was never finished."""
    end = len(buf)
    if end - pos < HEADER.size:
        return True
    length: int = HEADER.unpack_from(buf, pos)[0]
    return length <= MAX_RECORD and pos + FRAME_OVERHEAD + length > end


def node_count(leaves: int) -> int:
    """How many hashes the node file holds for `leaves` leaves."""
    return 2 * leaves - leaves.bit_count()


def node_position(level: int, index: int) -> int:
    """Slot of the complete subtree (level, index) in the node file."""
    return (index + 1) * (2 << level) - 2 - index.bit_count()


def leaves_for(nodes: int) -> int:
    """The largest leaf count whose nodes fit in `nodes` hashes."""
    lo, hi = 0, nodes
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if node_count(mid) <= nodes:
            lo = mid
        else:
            hi = mid - 1
    return lo


def leaf_index_at(position: int) -> int | None:
    """The leaf stored at node slot `position`, or None when that slot is an interior node."""
    i = leaves_for(position)
    return i if node_count(i) == position else None


class FileNodes:
    """`NodeSource` over a node file descriptor (pread: safe to share across threads)."""

    def __init__(self, fd: int, leaves: int) -> None:
        self.fd = fd
        self.leaves = leaves

    def node(self, level: int, index: int) -> bytes:
        """Hash of the complete subtree (level, index)."""
        if (index + 1) << level > self.leaves:
            raise AuditError(f"no complete subtree at level {level}, index {index} in {self.leaves} entries")
        data = os.pread(self.fd, HASH_SIZE, node_position(level, index) * HASH_SIZE)
        if len(data) != HASH_SIZE:
            raise AuditError("the audit node file is shorter than the log: reopen the log to recover")
        return data


class BufferNodes:
    """`NodeSource` over the node file's bytes (or a memory map of them)."""

    def __init__(self, data: bytes | mmap.mmap, leaves: int) -> None:
        self.data = data
        self.leaves = leaves

    def node(self, level: int, index: int) -> bytes:
        """Hash of the complete subtree (level, index)."""
        if (index + 1) << level > self.leaves:
            raise AuditError(f"no complete subtree at level {level}, index {index} in {self.leaves} entries")
        pos = node_position(level, index) * HASH_SIZE
        return bytes(self.data[pos : pos + HASH_SIZE])


def open_append(path: Path) -> int:
    """Open (creating with mode 0600) a file for appending and positional reads."""
    try:
        return os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError as exc:
        raise AuditError(f"cannot open audit file {path}: {exc.strerror}") from exc


def write_all(fd: int, data: bytes) -> None:
    """Write every byte (a regular file may accept a write in parts)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def sync(fd: int) -> None:
    """Make written data durable (fdatasync also persists the grown file size)."""
    getattr(os, "fdatasync", os.fsync)(fd)


def sync_dir(path: Path) -> None:
    """Make new directory entries durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def frontier(nodes: FileNodes, size: int) -> dict[int, bytes]:
    """The complete subtrees covering [0, size): level -> hash, one per set bit of size."""
    return {level: nodes.node(level, (size >> level) - 1) for level in range(size.bit_length()) if size >> level & 1}


def push_leaf(front: dict[int, bytes], index: int, leaf: bytes, out: list[bytes]) -> None:
    """Add leaf `index` to the frontier, appending each parent it completes to `out` (post-order)."""
    level, h = 0, leaf
    while index >> level & 1:
        h = node_hash(front.pop(level), h)
        out.append(h)
        level += 1
    front[level] = h


def fold_frontier(front: dict[int, bytes]) -> bytes:
    """The root hash: combine the frontier from the smallest subtree leftwards."""
    if not front:
        return EMPTY_ROOT
    levels = sorted(front)
    h = front[levels[0]]
    for level in levels[1:]:
        h = node_hash(front[level], h)
    return h


def read_or_create_meta(meta: Path, log_format: str, *, durable: bool) -> str:
    """The log's origin from its meta.json, creating the file (with a fresh origin) for a new log."""
    if not meta.exists():
        tmp = meta.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"format": log_format, "origin": f"mamori/audit/{uuid.uuid4().hex[:16]}"}, out)
            out.flush()
            if durable:
                os.fsync(out.fileno())
        os.replace(tmp, meta)
    try:
        doc = json.loads(meta.read_text(encoding="utf-8"))
        if doc["format"] != log_format or not isinstance(doc["origin"], str):
            raise ValueError("unknown format")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AuditError(f"{meta} is not a mamori audit log description: {exc}") from exc
    return str(doc["origin"])
