"""Distinct people among a split file's records, resolving only the records that can join another.

A record that shares no key with any other is one person (``people.resolve``), and so is one whose
only shared keys are NAME keys held by *keyed* records alone (records with a name+birth, name+address
or My Number key): namesakes are never joined by the name alone (``resolve._split_name``). Each
worker lists the first 8 bytes of its keys with their record numbers (``link_frame``); the main
process finds the repeats among all parts at once and resolves only the records that can join
another, the ordinary way and in their order (``count_records``). A repeat of 8 bytes between two
different keys is harmless: one more record to resolve. Anything unexpected (a key of another
length) means resolving everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import polars as pl

from mamori.people.dedupe import DistinctPeople
from mamori.people.keys import CONFLICT_KINDS, KEY_BYTES, KeyKind

Record = tuple[bytes, ...]


def link_frame(records: Sequence[Record]) -> pl.DataFrame | None:
    """Per key: its first 8 bytes ``w``, its record ``rid``, and ``soft`` (a keyed record's NAME key)."""
    keys = pl.Series(list(chain.from_iterable(records)), dtype=pl.Binary)
    lengths = pl.Series(list(map(len, records)), dtype=pl.UInt32)
    sizes = keys.bin.size()
    if len(keys) and (sizes.min() != KEY_BYTES or sizes.max() != KEY_BYTES or lengths.min() == 0):
        return None
    frame = pl.DataFrame({
        "w": keys.bin.slice(0, 8).bin.reinterpret(dtype=pl.UInt64, endianness="little"),
        "rid": pl.int_range(len(records), dtype=pl.UInt32, eager=True).repeat_by(lengths).explode(),
    })
    kind = pl.col("w") % 256  # the key's first byte
    # Conflict keys up to the end of each record, minus those up to the end of the one before.
    conflicts = frame.select(kind.is_in([int(k) for k in CONFLICT_KINDS]).cast(pl.UInt32).cum_sum())["w"]
    upto = conflicts.gather(lengths.cum_sum() - 1)
    keyed = (upto - upto.shift(1, fill_value=0)) > 0
    return frame.with_columns(soft=(kind == int(KeyKind.NAME)) & keyed.repeat_by(lengths).explode())


def count_records(parts: Sequence[Sequence[Record]], links: Sequence[pl.DataFrame | None]) -> tuple[list[Record], int]:
    """(distinct records in order, distinct people) of the parts' records: what ``DistinctPeople`` counts."""
    records = [r for part in parts for r in part]
    if any(frame is None for frame in links):
        return _resolved(records)
    offsets = [0]
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    every = pl.concat([frame.with_columns(pl.col("rid") + offset) for frame, offset in zip(links, offsets, strict=False)
                       if frame is not None])
    repeated = every.filter(pl.col("w").is_duplicated())
    rids = repeated.filter(~pl.col("soft").all().over("w"))["rid"].unique().sort().to_list()
    if not rids:
        return records, len(records)
    first: dict[Record, int] = {}
    repeats = {rid for rid in rids if first.setdefault(records[rid], rid) != rid}
    if repeats:  # the same record twice: kept once, as the whole-file path keeps it
        records = [r for rid, r in enumerate(records) if rid not in repeats]
    linked = list(first)
    return records, len(records) - len(linked) + _resolved(linked)[1]


def _resolved(records: list[Record]) -> tuple[list[Record], int]:
    distinct = list(dict.fromkeys(records))
    people = DistinctPeople()
    people.add_all(distinct)
    return distinct, people.count
