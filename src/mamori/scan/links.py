"""Distinct people among a split file's records, resolving only the records that can join another.

A record that shares no key with any other is one person (``people.resolve``), and so is one whose
only shared keys are NAME keys held by *keyed* records alone (records with a name+birth, name+address
or My Number key): namesakes are never joined by the name alone (``resolve.name_groups``). Attribute
keys (``ATTRIBUTE_KINDS``: birth years, list traits) never link records by themselves, so they are
left out: a record whose only repeats are attributes joins nobody. Each worker lists the first 8
bytes of its other keys with their record numbers, sorted (``link_frame``); the main process merges
the parts' sorted lists in one pass, takes the repeats and resolves only the records that can join
another, the ordinary way and in their order (``count_records``). A repeat of 8 bytes between two
different keys is harmless: one more record to resolve. Anything unexpected (a key of another
length) means resolving everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import TYPE_CHECKING

import polars as pl

from mamori.people.dedupe import DistinctPeople
from mamori.people.frame import Hashed
from mamori.people.keys import ATTRIBUTE_KINDS, CONFLICT_KINDS, KEY_BYTES, KeyKind

if TYPE_CHECKING:  # numpy is imported only where a block is made (a worker keying a part, or a merge)
    import numpy as np
    import numpy.typing as npt

    from mamori.people.compact import KeyBlock

Record = tuple[bytes, ...]


def link_frame(records: Sequence[Record]) -> pl.DataFrame | None:
    """Per linking key, sorted by ``w``: its first 8 bytes ``w``, its record ``rid``, and ``soft`` (a keyed
    record's NAME key)."""
    keys = pl.Series(list(chain.from_iterable(records)), dtype=pl.Binary)
    lengths = pl.Series(list(map(len, records)), dtype=pl.UInt32)
    sizes = keys.bin.size()
    if len(keys) and (sizes.min() != KEY_BYTES or sizes.max() != KEY_BYTES or lengths.min() == 0):
        return None
    if len(records) and lengths.min() == lengths.max():  # every record has as many keys (a table's rows)
        rid = pl.int_range(len(keys), dtype=pl.UInt32, eager=True) // len(records[0])
    else:
        rid = pl.int_range(len(records), dtype=pl.UInt32, eager=True).repeat_by(lengths).explode()
    frame = pl.DataFrame({"w": keys.bin.slice(0, 8).bin.reinterpret(dtype=pl.UInt64, endianness="little"),
                          "rid": rid})
    kind = pl.col("w") % 256  # the key's first byte
    ends = lengths.cum_sum() - 1

    def any_per_record(flag: pl.Expr) -> pl.Series:
        # Flagged keys up to the end of each record, minus those up to the end of the one before.
        upto = frame.select(flag.cast(pl.UInt32).cum_sum())["w"].gather(ends)
        return ((upto - upto.shift(1, fill_value=0)) > 0).gather(rid)

    attribute = kind.is_in([int(k) for k in ATTRIBUTE_KINDS])
    frame = frame.with_columns(soft=(kind == int(KeyKind.NAME)) & any_per_record(kind.is_in(
        [int(k) for k in CONFLICT_KINDS])), linkable=any_per_record(~attribute))
    # Attribute keys never link by themselves: left out (but for a record of nothing else, which only
    # its twin shares). Sorted here, in the worker, so the main process finds repeats by merging
    # sorted lists instead of hashing them all.
    return frame.filter(~attribute | ~pl.col("linkable")).drop("linkable").sort("w")


def column_link_frame(tables: Sequence[Hashed]) -> pl.DataFrame | None:
    """``link_frame`` of the records of *tables* (in order), built from their keys kind by kind: no Python
    object per key. None when some record holds only attribute keys (``link_frame`` keeps those)."""
    attribute = {int(k) for k in ATTRIBUTE_KINDS}
    conflict = {int(k) for k in CONFLICT_KINDS}
    frames: list[pl.DataFrame] = []
    offset = 0
    for table in tables:
        linking = [(kind, pl.Series(column, dtype=pl.Binary)) for kind, column in table.columns
                   if kind not in attribute]
        if not linking:
            if table.records:
                return None
            continue
        rows = len(linking[0][1])
        held = pl.select(pl.any_horizontal(keys.is_not_null() for _, keys in linking)).to_series()
        kept = pl.Series(table.kept, dtype=pl.UInt32) if table.kept is not None else None
        if held.sum() != len(table.records) or (kept is not None and not held.gather(kept).all()):
            return None  # a record of attribute keys alone
        rid = pl.int_range(offset, offset + rows, dtype=pl.UInt32, eager=True)
        if kept is not None:  # rows without keys made no record: number the others in turn
            rid = pl.repeat(None, rows, dtype=pl.UInt32, eager=True).scatter(
                kept, pl.int_range(offset, offset + len(kept), dtype=pl.UInt32, eager=True))
        unkeyed = pl.repeat(False, rows, eager=True)
        conflicts = [keys.is_not_null() for kind, keys in linking if kind in conflict]
        keyed = pl.select(pl.any_horizontal(conflicts)).to_series() if conflicts else unkeyed
        frames.extend(pl.DataFrame({"w": keys.bin.slice(0, 8).bin.reinterpret(dtype=pl.UInt64, endianness="little"),
                                    "rid": rid, "soft": keyed if kind == int(KeyKind.NAME) else unkeyed})
                      .drop_nulls("w") for kind, keys in linking)
        offset += len(table.records)
    return pl.concat(frames).sort("w") if frames else link_frame([])


def joinable(links: Sequence[pl.DataFrame | None], sizes: Sequence[int]) -> list[int] | None:
    """Record numbers (over all parts, in order) that share a linking key with another record that can
    join them; None when a part has no link frame (resolve everything). *sizes*: records per part."""
    query = joinable_query(links, sizes)
    return None if query is None else joinable_rids(query.collect()).tolist()


def joinable_query(links: Sequence[pl.DataFrame | None], sizes: Sequence[int]) -> pl.LazyFrame | None:
    """``joinable`` as one lazy query (its result read by ``joinable_rids``): collected in the background,
    it runs without the GIL from start to end, while this thread unpacks the records."""
    frames: list[pl.LazyFrame] = []
    offset = 0
    for frame, size in zip(links, sizes, strict=True):
        if frame is None:
            return None
        frames.append(frame.lazy().with_columns(pl.col("rid") + offset) if offset else frame.lazy())
        offset += size
    if not frames:
        return pl.LazyFrame(schema={"rid": pl.UInt32})
    every = frames[0]
    for part in frames[1:]:
        every = every.merge_sorted(part, "w")
    w = pl.col("w")
    repeated = every.filter((w == w.shift(1)) | (w == w.shift(-1)))
    return repeated.filter(~pl.col("soft").all().over("w")).select(pl.col("rid").unique().sort())


def joinable_rids(result: pl.DataFrame) -> npt.NDArray[np.int64]:
    """The record numbers in the result of ``joinable_query`` (ascending)."""
    import numpy as np

    return result["rid"].to_numpy().astype(np.int64)


def count_records(parts: Sequence[Sequence[Record]], links: Sequence[pl.DataFrame | None]) -> tuple[list[Record], int]:
    """(distinct records in order, distinct people) of the parts' records: what ``DistinctPeople`` counts."""
    return resolve_parts(parts, joinable(links, [len(part) for part in parts]))


def resolve_parts(parts: Sequence[Sequence[Record]], rids: list[int] | None) -> tuple[list[Record], int]:
    """``count_records`` given the record numbers ``joinable`` found (None: resolve every record)."""
    records = [r for part in parts for r in part]
    if rids is None:
        return _resolved(records)
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


def resolve_blocks(blocks: Sequence[KeyBlock], rids: npt.NDArray[np.int64] | None) -> tuple[KeyBlock, int]:
    """``resolve_parts`` over the parts' key blocks, without a Python object per record: (the records
    with repeats dropped, distinct people). *rids*: what ``joinable`` found (None: resolve all)."""
    from mamori.people.compact import KeyBlock
    from mamori.people.merge import count_block, repeated_records

    block = KeyBlock.concat(blocks)
    if rids is None:
        block = block.drop(repeated_records(block))
        return block, count_block(block)
    if not len(rids):
        return block, len(block)
    linked = block.take(rids)
    repeats = repeated_records(linked)  # the same record twice: kept once, as the whole-file path keeps it
    if len(repeats):
        block = block.drop(rids[repeats])
        linked = linked.drop(repeats)
    return block, len(block) - len(linked) + count_block(linked)
