"""Distinct people of a ``KeyBlock`` in bulk: the rule of ``people.resolve`` over integer record ids.

``count_block(block)`` is ``resolve.count_people(list(block))`` without a Python object per key.
Polars groups the (key, record) pairs; a key whose holders agree on every conflict kind (the
common case) joins them all, and only the few keys the rule must look at record by record
(namesakes under a NAME key a name-only record shares, holders that disagree on a conflict kind)
go to ``resolve.name_groups`` / ``resolve.split_by_conflicts`` with those records alone. The groups are then
joined by label propagation with pointer jumping over integer arrays (``components``).
``repeated_records`` finds records equal to an earlier one (``dict.fromkeys`` of the tuples) from a
64-bit fingerprint per record, checking every candidate exactly.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from mamori.people.compact import KeyBlock
from mamori.people.keys import ATTRIBUTE_KINDS, CONFLICT_KINDS, KeyKind
from mamori.people.resolve import count_people, name_groups, split_by_conflicts

_NAME = int(KeyKind.NAME)
_ATTRIBUTES = [int(k) for k in ATTRIBUTE_KINDS]
_CONFLICT = [int(k) for k in CONFLICT_KINDS]
_ATTRS = ("nb", "na", "mn")  # one column per conflict kind, in CONFLICT_KINDS order
#: Below this many records the tuples are made and ``count_people`` counts them (less fixed cost).
SMALL_BLOCK = 20_000
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))


def count_block(block: KeyBlock, small: int = SMALL_BLOCK) -> int:
    """Distinct people among the records of *block* (records without keys are not people)."""
    if len(block) < small:
        return count_people(list(block))
    lengths = block.lengths()
    if not lengths.all():
        block = block.take(np.flatnonzero(lengths))
    n = len(block)
    if not n:
        return 0
    col = pl.col
    keys = pl.DataFrame({"hi": block.words[:, 0], "lo": block.words[:, 1], "rid": block.record_ids(),
                         "kind": block.kinds()})
    # (key, record) pairs of the keys that may link (held by two records or more).
    shared = (keys.filter(~col("kind").is_in(_ATTRIBUTES)).unique(["hi", "lo", "rid"])
              .filter(pl.len().over("hi", "lo") > 1))
    if shared.is_empty():
        return n
    attrs = _attrs(keys, shared["rid"].unique())
    groups = (shared.join(attrs, on="rid", how="left")
              .with_columns(keyed=pl.any_horizontal(col(a).is_not_null() for a in _ATTRS))
              .sort("hi", "lo", "rid")
              .with_columns(gid=((col("hi") != col("hi").shift()) | (col("lo") != col("lo").shift()))
                            .fill_null(True).cum_sum().cast(pl.Int64) - 1))
    flags = groups.group_by("gid").agg(
        name=col("kind").first() == _NAME, loose=(~col("keyed")).any(),
        ambiguous=pl.any_horizontal(col(a).drop_nulls().n_unique() > 1 for a in _ATTRS))
    groups = groups.join(flags, on="gid", how="left")
    simple = groups.filter(~col("name") & ~col("ambiguous"))
    rid_parts = [simple["rid"].to_numpy()]
    gid_parts = [simple["gid"].to_numpy()]
    next_gid = int(groups["gid"].max() or 0) + 1  # type: ignore[arg-type]
    extra_rids: list[int] = []
    extra_gids: list[int] = []
    # Names a name-only record holds: the rule for namesakes, record by record (few records).
    named = groups.filter(col("name") & col("loose")).group_by("gid", maintain_order=True).agg("rid", "keyed")
    for rids, keyed in named.select("rid", "keyed").iter_rows():
        marks = [[k for k in block[r] if k[0] in _ATTRIBUTES] for r in rids]
        for joined in name_groups(rids, keyed, marks):
            if len(joined) > 1:
                extra_rids.extend(joined)
                extra_gids.extend([next_gid] * len(joined))
                next_gid += 1
    # Holders that disagree on a conflict kind: split by those values (``resolve.split_by_conflicts``).
    split = groups.filter(~col("name") & col("ambiguous"))
    if not split.is_empty():
        values = {rid: tuple(rest) for rid, *rest in split.select("rid", *_ATTRS).iter_rows()}
        for (rids,) in split.group_by("gid", maintain_order=True).agg("rid").select("rid").iter_rows():
            for joined in split_by_conflicts(rids, values):
                if len(joined) > 1:
                    extra_rids.extend(joined)
                    extra_gids.extend([next_gid] * len(joined))
                    next_gid += 1
    rid_parts.append(np.asarray(extra_rids, dtype=np.int64))
    gid_parts.append(np.asarray(extra_gids, dtype=np.int64))
    labels = components(n, np.concatenate(rid_parts).astype(np.int64), np.concatenate(gid_parts).astype(np.int64))
    return int(np.count_nonzero(labels == np.arange(n)))


def _attrs(keys: pl.DataFrame, rids: pl.Series) -> pl.DataFrame:
    """Per record of *rids* that has one: the smallest key of each conflict kind, as a number that orders
    and compares as the key does (null where the record has none)."""
    col = pl.col
    conflict = (keys.filter(col("kind").is_in(_CONFLICT) & col("rid").is_in(rids.implode()))
                .sort("hi", "lo")
                .with_columns(aid=((col("hi") != col("hi").shift()) | (col("lo") != col("lo").shift()))
                              .fill_null(True).cum_sum()))
    return conflict.group_by("rid").agg(
        **{name: col("aid").filter(col("kind") == kind).min() for name, kind in zip(_ATTRS, _CONFLICT, strict=True)})


def components(n: int, rids: npt.NDArray[np.int64], gids: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Per record of ``range(n)``, the smallest record of its connected component, where records with the
    same group id (``rids[i]`` in group ``gids[i]``) are connected."""
    labels = np.arange(n, dtype=np.int64)
    if not len(rids):
        return labels
    by_group = np.argsort(gids, kind="stable")
    g_rids = rids[by_group]
    g_ids = gids[by_group]
    g_starts = np.flatnonzero(np.r_[True, g_ids[1:] != g_ids[:-1]])
    g_sizes = np.diff(np.r_[g_starts, len(g_ids)])
    by_record = np.argsort(g_rids, kind="stable")
    r_sorted = g_rids[by_record]
    r_starts = np.flatnonzero(np.r_[True, r_sorted[1:] != r_sorted[:-1]])
    r_unique = r_sorted[r_starts]
    while True:
        # Each group takes its members' smallest label; each record the smallest of its groups'.
        group_min = np.repeat(np.minimum.reduceat(labels[g_rids], g_starts), g_sizes)
        record_min = np.minimum.reduceat(group_min[by_record], r_starts)
        new = labels.copy()
        new[r_unique] = np.minimum(labels[r_unique], record_min)
        while True:  # pointer jumping: a label's own label, until that is itself
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, labels):
            return labels
        labels = new


def repeated_records(block: KeyBlock) -> npt.NDArray[np.int64]:
    """The records (numbers, ascending) equal to an earlier record of *block*: what ``dict.fromkeys``
    of its tuples would drop."""
    n = len(block)
    if n < 2:
        return np.zeros(0, dtype=np.int64)
    lengths = block.lengths()
    fingerprint = np.zeros(n, dtype=np.uint64)
    if len(block.words):
        hi, lo = block.words[:, 0], block.words[:, 1]
        place = (np.arange(len(hi), dtype=np.int64) - np.repeat(block.starts(), lengths)).astype(np.uint64)
        with np.errstate(over="ignore"):
            mixed = (hi * _MIX[0]) ^ (lo * _MIX[1]) ^ ((place + np.uint64(1)) * _MIX[2])
            mixed ^= mixed >> np.uint64(29)
        present = np.flatnonzero(lengths)
        fingerprint[present] = np.bitwise_xor.reduceat(mixed, block.starts()[present])
    frame = pl.DataFrame({"f": fingerprint, "n": lengths})
    candidates = np.flatnonzero(frame.select(pl.struct("f", "n").is_duplicated()).to_series().to_numpy())
    if not len(candidates):
        return np.zeros(0, dtype=np.int64)
    # Same fingerprint and length: compared key by key (a fingerprint may collide).
    first: dict[tuple[bytes, ...], int] = {}
    repeats = [int(r) for r, record in zip(candidates.tolist(), block.take(candidates), strict=True)
               if first.setdefault(record, r) != r]
    return np.asarray(repeats, dtype=np.int64)
