"""Distinct people over records of identity keys, in memory or spilled to disk for DuckDB.

Records are kept as they come (a list of key tuples, cheap to extend by a whole item at once; a big
list's records as the ``KeyBlock`` its item holds, never unpacked); the count is worked out when
asked (``resolve``, or ``merge.count_block`` once a block is among them). Beyond ``spill_records``
tuples or ``SPILL_BLOCK_BYTES`` of blocks the records are written to Parquet files in a private
temporary directory and DuckDB counts (``resolve_sql``), so memory stays flat whatever the number
of rows: ten million rows cost a few hundred MB of disk, not RAM.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import weakref
from collections.abc import Iterable, Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

from mamori.errors import MamoriError
from mamori.people.resolve import count_people

if TYPE_CHECKING:
    from mamori.people.compact import KeyBlock

#: Records held in memory before they are spilled; also where DuckDB starts to beat plain Python.
DEFAULT_SPILL_RECORDS = 2_000_000
#: Bytes of key blocks held before they are spilled (64 bytes a voter: 8 million voters).
SPILL_BLOCK_BYTES = 512 * 1024 * 1024
_SPILL_CHUNK = 1_000_000  # records of a block turned into tuples at a time while it is spilled

Record = tuple[bytes, ...]


def _is_block(records: object) -> TypeGuard[KeyBlock]:
    # Without the module loaded nothing is a block: numpy is imported only by scans that make one.
    compact = sys.modules.get("mamori.people.compact")
    return compact is not None and isinstance(records, compact.KeyBlock)


class DistinctPeople:
    """Counts distinct people: records sharing an identity key are one person (see ``resolve``)."""

    def __init__(self, spill_records: int = DEFAULT_SPILL_RECORDS, spill_dir: Path | None = None) -> None:
        self.spill_records = max(1, spill_records)
        self._spill_parent = spill_dir
        self._records: list[Record] = []
        self._held: list[tuple[int, KeyBlock]] = []  # each block with the number of tuples added before it
        self._held_bytes = 0
        self._spilled: list[Path] = []
        self._next_rid = 0
        self._dir: Path | None = None
        self._count: int | None = 0
        self._blocks: list[int | None] = []  # per add: the number of people it holds, when known

    def add(self, keys: Iterable[bytes]) -> None:
        """Add one person record given by its keys (records without keys are ignored)."""
        record = tuple(keys)
        if record:
            self._blocks.append(None)
            self._records.append(record)
            self._changed()

    def add_all(self, records: Iterable[Sequence[bytes]], known: int | None = None) -> None:
        """Add many records at once (an item's ``person_keys``); *known*: how many people they are."""
        self._blocks.append(known)
        if _is_block(records):
            if len(records):
                self._held.append((len(self._records), records))
                self._held_bytes += records.nbytes
                self._changed()
            return
        before = len(self._records)
        if type(records) is tuple or (isinstance(records, list) and all(type(r) is tuple for r in records)):
            # The common case, an item's person_keys (a tuple of tuples by its type): no copying, no
            # look at each of 680,000 records.
            self._records.extend(records)
        else:
            self._records.extend(tuple(r) for r in records)
        if len(self._records) != before:
            self._changed()

    def _changed(self) -> None:
        self._count = None
        if len(self._records) >= self.spill_records or self._held_bytes >= SPILL_BLOCK_BYTES:
            self._spill()

    @property
    def spilled(self) -> bool:
        """True once records went to disk."""
        return bool(self._spilled)

    @property
    def count(self) -> int:
        """Number of distinct people so far."""
        if self._count is None:
            known = [b for b in self._blocks if b != 0]
            if len(known) == 1 and known[0] is not None:
                self._count = known[0]  # one counted block (a single big file): nothing to merge
            elif self._spilled:
                self._spill()
                assert self._dir is not None
                from mamori.people.resolve_sql import count_people_sql  # DuckDB: imported only once records spill

                self._count = count_people_sql(self._spilled, self._dir)
            elif self._held:
                from mamori.people.compact import KeyBlock
                from mamori.people.merge import count_block

                blocks = self._segments_as_blocks()
                self._count = count_block(KeyBlock.concat(blocks)) if blocks is not None else count_people(
                    [r for segment in self._segments() for r in segment])
            else:
                self._count = count_people(self._records)
        return self._count

    def _segments(self) -> list[Sequence[Record]]:
        """The records held, tuples and blocks, in the order they were added."""
        out: list[Sequence[Record]] = []
        at = 0
        for before, block in self._held:
            out.extend([self._records[at:before], block])
            at = before
        out.append(self._records[at:])
        return [segment for segment in out if len(segment)]

    def _segments_as_blocks(self) -> list[KeyBlock] | None:
        from mamori.people.compact import KeyBlock

        blocks: list[KeyBlock] = []
        for segment in self._segments():
            block = segment if _is_block(segment) else KeyBlock.from_records(segment)
            if block is None:
                return None  # keys of another length (not made by KeyMaker): counted as tuples
            blocks.append(block)
        return blocks

    def _spill(self) -> None:
        segments = self._segments()
        self._records, self._held, self._held_bytes = [], [], 0
        for segment in segments:
            if _is_block(segment):
                for first in range(0, len(segment), _SPILL_CHUNK):
                    self._spill_records(list(segment[first:first + _SPILL_CHUNK]))
            else:
                self._spill_records(list(segment))

    def _spill_records(self, records: list[Record]) -> None:
        records = [r for r in records if r]
        if not records:
            return
        import polars as pl

        if self._dir is None:
            self._dir = Path(tempfile.mkdtemp(prefix="mamori-people-", dir=self._spill_parent))
            weakref.finalize(self, shutil.rmtree, self._dir, True)
        start, self._next_rid = self._next_rid, self._next_rid + len(records)
        lengths = pl.Series("n", list(map(len, records)), dtype=pl.UInt32)
        frame = pl.DataFrame({
            "rid": pl.select(pl.int_range(start, self._next_rid, dtype=pl.UInt64).repeat_by(lengths)).to_series()
            .explode(),
            "key": pl.Series("key", list(chain.from_iterable(records)), dtype=pl.Binary),
        }).with_columns(kind=pl.col("key").bin.head(1).bin.reinterpret(dtype=pl.UInt8))
        path = self._dir / f"records-{len(self._spilled):06d}.parquet"
        try:
            frame.write_parquet(path, compression="lz4")
        except OSError as exc:
            raise MamoriError(f"could not spill identity keys to {path}: {exc}") from exc
        self._spilled.append(path)
