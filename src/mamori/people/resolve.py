"""How many distinct people a list of records (tuples of identity keys) holds, in memory.

Records that share a key are one person (union-find), with one exception that keeps namesakes
apart: when the records sharing a key disagree on a *conflict* kind (two different name+birth keys,
name+address keys or My Numbers), they are split by those values; a record that lacks the value
joins the group of the lowest-numbered record that has it.

Every named record also has a NAME key (its normalised name). It resolves people known without a
birth date, address or My Number (a staff list, minutes, an event list with phones): such a record
is the keyed person of that name, or one of several namesakes (the lowest-numbered), so it adds
nobody; without any keyed person of that name, those records are one person. Two keyed records are
never joined by their name alone. Two kinds of attribute keys, which never link records, narrow
this (``name_groups``): birth years (a birth date's year, or the years an age stated on a dated row
allows) must meet, and two rows of one list with the same name whose traits differ (45 and 72 years
old, two licence numbers) stay two people. :mod:`mamori.people.resolve_sql` applies the same rule
to record sets that do not fit in memory; both must give the same count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from itertools import chain

from mamori.people.keys import ATTRIBUTE_KINDS, CONFLICT_KINDS, TRAIT_FIELD, YEAR_KINDS, KeyKind

Attrs = tuple[bytes | None, ...]
_CONFLICT = tuple(int(k) for k in CONFLICT_KINDS)
_NAME = int(KeyKind.NAME)
_YEARS = frozenset(int(k) for k in YEAR_KINDS)
_ATTRIBUTES = frozenset(int(k) for k in ATTRIBUTE_KINDS)
_TRAIT = int(KeyKind.LIST_TRAIT)
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


def split_by_conflicts(rids: Sequence[int],
                       attrs: Sequence[Sequence[Hashable | None]] | Mapping[int, Sequence[Hashable | None]]
                       ) -> list[list[int]]:
    """*rids* (records sharing one key) as groups that may be joined; *attrs*: per record, its value of
    each conflict kind (None: none), by record number."""
    ambiguous = [i for i in range(len(_CONFLICT)) if len({attrs[r][i] for r in rids} - {None}) > 1]
    if not ambiguous:
        return [list(rids)]
    full = [r for r in rids if all(attrs[r][i] is not None for i in ambiguous)]
    anchor = min(full) if full else None
    buckets: dict[tuple[Hashable | None, ...], list[int]] = {}
    for r in rids:
        signature = tuple(attrs[r][i] for i in ambiguous)
        if None in signature and anchor is not None:
            signature = tuple(attrs[anchor][i] for i in ambiguous)
        buckets.setdefault(signature, []).append(r)
    return list(buckets.values())


def _years(keys: Sequence[bytes]) -> frozenset[bytes]:
    """The birth years *keys* allow (the payloads of their year keys; empty: unknown)."""
    return frozenset(key[1:] for key in keys if key[0] in _YEARS)


def _traits(keys: Sequence[bytes]) -> dict[bytes, bytes]:
    """A name-only row's traits in its list: field (list, name, trait) → value."""
    return {key[:TRAIT_FIELD]: key[TRAIT_FIELD:] for key in keys if key[0] == _TRAIT}


def _clash(traits: dict[bytes, bytes], others: Sequence[dict[bytes, bytes]]) -> bool:
    return any(other.get(field, value) != value for other in others for field, value in traits.items())


class _Mention:
    """One record under a NAME key, as the name rule sees it."""

    __slots__ = ("rid", "traits", "years")

    def __init__(self, rid: int, marks: Sequence[bytes]) -> None:
        self.rid, self.years, self.traits = rid, _years(marks), _traits(marks)


def name_groups(rids: Sequence[int], keyed: Sequence[bool], marks: Sequence[Sequence[bytes]]) -> list[list[int]]:
    """Records sharing one NAME key (in rid order, with whether each is keyed and its attribute keys) as
    the groups to join: a keyed record is never joined to another by the name alone; each other record
    joins the lowest keyed one whose birth years fit and that holds no row of its list with other
    traits; those none fits join the first fitting group of their own, or start one."""
    loose = [_Mention(r, m) for r, k, m in zip(rids, keyed, marks, strict=True) if not k]
    if not loose:
        return []
    anchors = [_Mention(r, m) for r, k, m in zip(rids, keyed, marks, strict=True) if k]
    joined: dict[int, list[_Mention]] = {}
    pool: list[tuple[list[_Mention], frozenset[bytes]]] = []
    for mention in loose:
        years, traits = mention.years, mention.traits
        fit = next((a for a in anchors if (not years or not a.years or years & a.years)
                    and not (traits and _clash(traits, [m.traits for m in joined.get(a.rid, ())]))), None)
        if fit is not None:
            joined.setdefault(fit.rid, []).append(mention)
            continue
        for i, (members, allowed) in enumerate(pool):
            if (not years or not allowed or years & allowed) and not _clash(traits, [m.traits for m in members]):
                members.append(mention)
                pool[i] = (members, (years & allowed if years and allowed else years or allowed))
                break
        else:
            pool.append(([mention], years))
    groups = [[rid, *(m.rid for m in members)] for rid, members in joined.items()]
    groups.extend([m.rid for m in members] for members, _ in pool)
    return groups


def count_people(records: Sequence[tuple[bytes, ...]]) -> int:
    """Distinct people among *records* (records without keys are not people).

    Only records that can join another are resolved: one whose keys are its own, or attribute keys,
    or NAME keys that only keyed records hold (namesakes in a voter list) is one person as it is.
    """
    records = [r for r in records if r]
    shared = shared_keys(records)
    if shared:
        shared = {k for k in shared if k[0] not in _ATTRIBUTES}
    names = {k for k in shared if k[0] == _NAME}
    if names:
        # A shared NAME key links only when some holder is known by nothing but name (and phone or e-mail).
        loose = {k for r in records if not any(key[0] in _CONFLICT for key in r) for k in r if k in names}
        shared -= names - loose
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
        kind = key[0]
        if kind in _ATTRIBUTES:
            continue
        if kind == _NAME:
            keyed = [any(a is not None for a in attrs[r]) for r in rids]
            if all(keyed):
                continue  # namesakes, each known by a birth date, address or My Number
            split = name_groups(rids, keyed, [[k for k in records[r] if k[0] in _ATTRIBUTES] for r in rids])
        else:
            split = split_by_conflicts(rids, attrs)
        for group in split:
            if len(group) > 1:
                forest.union_all(group)
    return forest.roots
