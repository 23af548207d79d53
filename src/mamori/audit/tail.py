"""Reconciling the end of the audit log files after a crash (see `mamori.audit.log` for the rules).

The leaf count in ``nodes.bin`` is the acknowledged size n. Everything before entry n must be
intact — if not, the log was damaged or tampered with and `AuditIntegrityError` is raised, never
repaired. Everything after it was never acknowledged: intact frames are rolled forward, the
first torn frame and all that follows it are cut off.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from mamori.audit.event import parse_record
from mamori.audit.merkle import HASH_SIZE, leaf_hash
from mamori.audit.store import (
    OFFSET,
    FileNodes,
    frame_at,
    frontier,
    leaves_for,
    node_count,
    push_leaf,
    sync,
    write_all,
)
from mamori.errors import AuditIntegrityError


@dataclass(frozen=True)
class TailState:
    """The log's acknowledged size after reconciling, and what recovery did."""

    size: int
    records_end: int
    rolled_forward: int = 0
    discarded_bytes: int = 0


def scan_frames(data: bytes) -> tuple[list[tuple[int, int]], int]:
    """(start, stop) of each leading intact frame in `data`, and where the intact part ends."""
    frames: list[tuple[int, int]] = []
    pos = 0
    while (found := frame_at(data, pos, len(data))) is not None and found[1]:
        frames.append((pos, found[0]))
        pos = found[0]
    return frames, pos


def _acknowledged_end(records: int, offsets: int, n: int) -> int:
    """End offset of record n-1, checking that it is still complete and intact."""
    if n == 0:
        return 0
    off_size = os.fstat(offsets).st_size
    if off_size < n * OFFSET.size:
        raise AuditIntegrityError(
            f"offsets.bin lists {off_size // OFFSET.size} records but {n} entries were acknowledged: it was truncated"
        )
    start: int = OFFSET.unpack(os.pread(offsets, OFFSET.size, (n - 1) * OFFSET.size))[0]
    if start >= os.fstat(records).st_size:
        raise AuditIntegrityError(
            f"entry {n - 1} was acknowledged but its record is missing: records.log was truncated"
        )
    head = os.pread(records, 4, start)
    length = int.from_bytes(head, "big") if len(head) == 4 else 0
    frame = os.pread(records, length + 8, start) if len(head) == 4 else b""
    found = frame_at(frame, 0, len(frame))
    if found is None:
        raise AuditIntegrityError(
            f"entry {n - 1} was acknowledged but its record is missing or cut short: records.log was truncated"
        )
    if not found[1]:
        raise AuditIntegrityError(f"entry {n - 1}: the record was altered or damaged after it was acknowledged")
    return start + found[0]


def reconcile(records: int, offsets: int, nodes: int, *, durable: bool) -> TailState:
    """Bring the three files to one consistent size; call with the log's lock held."""
    node_bytes = os.fstat(nodes).st_size
    n = leaves_for(node_bytes // HASH_SIZE)
    if node_bytes != node_count(n) * HASH_SIZE:
        os.ftruncate(nodes, node_count(n) * HASH_SIZE)  # parents of an entry whose append never returned
    end = _acknowledged_end(records, offsets, n)
    rec_size = os.fstat(records).st_size
    if rec_size == end and os.fstat(offsets).st_size == n * OFFSET.size:
        return TailState(n, end)
    tail = os.pread(records, rec_size - end, end)
    frames, good = scan_frames(tail)
    new_offsets: list[bytes] = []
    new_nodes: list[bytes] = []
    front = frontier(FileNodes(nodes, n), n)
    for k, (start, stop) in enumerate(frames):
        payload = tail[start + 4 : stop - 4]
        try:
            seq = parse_record(payload)[0]
        except AuditIntegrityError:
            seq = -1
        if seq != n + k:
            good = start
            break
        new_offsets.append(OFFSET.pack(end + start))
        leaf = leaf_hash(payload)
        new_nodes.append(leaf)
        push_leaf(front, n + k, leaf, new_nodes)
    if good < len(tail):
        os.ftruncate(records, end + good)
    os.ftruncate(offsets, n * OFFSET.size)
    write_all(offsets, b"".join(new_offsets))
    if durable:
        sync(records)
        sync(offsets)
    write_all(nodes, b"".join(new_nodes))
    if durable:
        sync(nodes)
    return TailState(n + len(new_offsets), end + good, len(new_offsets), len(tail) - good)
