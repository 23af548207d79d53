"""How many distinct people a list of records (tuples of identity keys) holds, in memory.

Records that share a key are one person (union-find), with one exception that keeps namesakes
apart: when the records sharing a key disagree on a *conflict* kind (two different name+birth keys,
name+address keys or My Numbers), they are split by those values; a record that lacks the value
joins the group of the lowest-numbered record that has it.

Every named record also has a NAME key (its normalised name). It resolves people known without a
birth date, address or My Number (a staff list, minutes, an event list with phones): such a record
is the keyed person of that name, or one of several namesakes (the lowest-numbered), so it adds
nobody; without any keyed person of that name, those records are one person. Two keyed records are
never joined by their name alone. :mod:`mamori.people.resolve_sql` is the same rule in SQL for
record sets that do not fit in memory; both must give the same count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain

from mamori.people.keys import CONFLICT_KINDS, KeyKind

Attrs = tuple[bytes | None, ...]
_CONFLICT = tuple(int(k) for k in CONFLICT_KINDS)
_NAME = int(KeyKind.NAME)
_POLARS_FROM = 200_000


def _attrs(keys: tuple[bytes, ...]) -> Attrs:
    """The smallest key of each conflict kind, or None."""
    found: list[bytes | None] = [None] * len(_CONFLICT)
    for key in keys:
        kind = key[0]
        if kind in _CONFLICT:
            i = _CONFLICT.index(kind)
            current = found[i]
            if current is None or key < current:
                found[i] = key
    return tuple(found)


class _Forest:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.roots = n

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union_all(self, members: Sequence[int]) -> None:
        first = self.find(members[0])
        for other in members[1:]:
            root = self.find(other)
            if root != first:
                self.parent[root] = first
                self.roots -= 1


def _split(rids: list[int], attrs: list[Attrs]) -> list[list[int]]:
    """*rids* (records sharing one key) as groups that may be joined."""
    ambiguous = [i for i in range(len(_CONFLICT)) if len({attrs[r][i] for r in rids} - {None}) > 1]
    if not ambiguous:
        return [rids]
    full = [r for r in rids if all(attrs[r][i] is not None for i in ambiguous)]
    anchor = min(full) if full else None
    buckets: dict[tuple[bytes | None, ...], list[int]] = {}
    for r in rids:
        signature = tuple(attrs[r][i] for i in ambiguous)
        if None in signature and anchor is not None:
            signature = tuple(attrs[anchor][i] for i in ambiguous)
        buckets.setdefault(signature, []).append(r)
    return list(buckets.values())


def _split_name(rids: list[int], attrs: list[Attrs]) -> list[list[int]]:
    """*rids* sharing a NAME key: a person known with a birth date, address or My Number ("keyed") is
    never joined to another keyed one by the name alone; the others (name only, or with a phone or an
    e-mail) join the lowest-numbered keyed record, or one another when none is keyed."""
    keyed = [r for r in rids if any(a is not None for a in attrs[r])]
    if len(keyed) <= 1:
        return [rids]
    anchor = min(keyed)
    return [[anchor, *(r for r in rids if not any(a is not None for a in attrs[r]))]]


def count_people(records: Sequence[tuple[bytes, ...]]) -> int:
    """Distinct people among *records* (records without keys are not people).

    Records that share no key with any other are one person each; only the rest are resolved.
    """
    records = [r for r in records if r]
    shared = shared_keys(records)
    if not shared:
        return len(records)
    linked = [r for r in records if not shared.isdisjoint(r)]
    return len(records) - len(linked) + _resolve(linked)


def shared_keys(records: Sequence[tuple[bytes, ...]]) -> set[bytes]:
    """Keys that occur in more than one place among *records*."""
    keys = list(chain.from_iterable(records))
    if len(keys) < _POLARS_FROM:
        return {k for k, n in Counter(keys).items() if n > 1}
    import polars as pl

    series = pl.Series("k", keys, dtype=pl.Binary)
    return set(series.filter(series.is_duplicated()).unique().to_list())


def _resolve(records: list[tuple[bytes, ...]]) -> int:
    groups: dict[bytes, list[int]] = {}
    for rid, keys in enumerate(records):
        for key in keys:
            members = groups.get(key)
            if members is None:
                groups[key] = [rid]
            elif members[-1] != rid:
                members.append(rid)
    forest = _Forest(len(records))
    attrs: list[Attrs] | None = None
    for key, rids in groups.items():
        if len(rids) < 2:
            continue
        if attrs is None:
            attrs = [_attrs(r) for r in records]
        for group in (_split_name if key[0] == _NAME else _split)(rids, attrs):
            if len(group) > 1:
                forest.union_all(group)
    return forest.roots
