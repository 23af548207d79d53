"""Distinct people over records of identity keys, in memory or spilled to disk for DuckDB.

Records are kept as they come (a list of key tuples, cheap to extend by a whole item at once); the
count is worked out when asked (``resolve``). Beyond ``spill_records`` records the list is written
to Parquet files in a private temporary directory and DuckDB counts (``resolve_sql``), so memory
stays flat whatever the number of rows: ten million rows cost a few hundred MB of disk, not RAM.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Iterable, Sequence
from itertools import chain
from pathlib import Path

from mamori.errors import MamoriError
from mamori.people.resolve import count_people

#: Records held in memory before they are spilled; also where DuckDB starts to beat plain Python.
DEFAULT_SPILL_RECORDS = 2_000_000

Record = tuple[bytes, ...]


class DistinctPeople:
    """Counts distinct people: records sharing an identity key are one person (see ``resolve``)."""

    def __init__(self, spill_records: int = DEFAULT_SPILL_RECORDS, spill_dir: Path | None = None) -> None:
        self.spill_records = max(1, spill_records)
        self._spill_parent = spill_dir
        self._records: list[Record] = []
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
        if len(self._records) >= self.spill_records:
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
            else:
                self._count = count_people(self._records)
        return self._count

    def _spill(self) -> None:
        records = [r for r in self._records if r]
        self._records = []
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
