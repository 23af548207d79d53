"""Identity keys for every row of a big table at once: Polars string expressions on whole columns.

Gives exactly the keys :meth:`KeyMaker.keys` gives row by row (the same rules, the same order of
kinds), at a small fraction of the cost: normalising runs in Polars, dates are parsed once per
distinct value, and only the final keyed hash is per value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import polars as pl

from mamori.normalize.age import SLACK_YEARS, years_for
from mamori.normalize.rules import (
    ADDRESS_KEY_RULES,
    ADDRESS_RULES,
    DIGIT_RULES,
    EMAIL_RULES,
    NAME_RULES,
    PHONE_RULES,
)
from mamori.normalize.vector import apply_distinct, apply_series
from mamori.normalize.wareki import iso_dates, parse_cell_date
from mamori.people.keys import TRAITS, KeyKind, KeyMaker, trait_key
from mamori.people.traits import trait_value

#: The roles a table column can play for identity, in PersonFields terms (and a stated age with its row's day).
ROLES = ("name", "kana", "birth", "address", "phone", "email", "my_number", "age", "on")
#: Birth years a stated age gives at most (``people.age.birth_years``).
_AGE_YEARS = 2 + 2 * SLACK_YEARS
#: Columns named this plus a trait of ``TRAITS`` hold what tells two rows of one list apart.
TRAIT_ROLE = "trait:"
_KANA_ONLY = r"^[ァ-ヺー]+$"


def _per_distinct(cells: pl.Series, value: Callable[[str], object], dtype: pl.DataType) -> pl.Series:
    """*value* of each cell, worked out once per distinct cell."""
    return cells.replace_strict({c: value(c) for c in cells.unique().to_list()}, return_dtype=dtype)


def _years_of(pair: str) -> list[int]:
    age, _, on = pair.partition("\x1f")
    return list(years_for(age, parse_cell_date(on)))


def _stated_years(age: pl.Series, on: pl.Series) -> pl.Series | None:
    """The birth years each row's age allows on its row's day (a list per row), or None without ages."""
    if not (age != "").any():
        return None
    return _per_distinct(age + "\x1f" + on, _years_of, pl.List(pl.Int32))


def _trait_strings(frame: pl.DataFrame, keys: pl.DataFrame, listed_in: str) -> pl.DataFrame:
    """The list-and-name (``ls``) and trait values (``tv:age`` …) of the name-only rows that have traits."""
    col = pl.col
    present = [t for t in sorted(TRAITS) if TRAIT_ROLE + t in frame.columns]
    loose = col("nm").is_not_null() & (col("_b") == "") & (col("_a") == "") & (col("mn").is_null())
    if not present or not keys.select(loose.any()).item():
        return keys  # a voter list: every row is known by birth date or address
    values = {t: _per_distinct(frame[TRAIT_ROLE + t], partial(trait_value, t), pl.String()) for t in present}
    traits = keys.with_columns(**{f"_v{t}": v for t, v in values.items()}).select(
        pl.when(loose & (col(f"_v{t}") != "")).then(pl.concat_str(pl.lit(f"{t}|"), col(f"_v{t}"))).alias(f"tv:{t}")
        for t in values)
    some = pl.any_horizontal(traits[c].is_not_null() for c in traits.columns)
    return keys.with_columns(traits).with_columns(ls=pl.when(some).then(pl.lit(f"{listed_in}|") + col("nm")))


def _readings(kana: pl.Series, names: pl.Series) -> pl.Series:
    """The normalised readings where a row's key needs one: its name is blank or itself a reading
    (a row with a kanji name is keyed by that name; its reading is never looked at)."""
    needed = ((names == "") | names.str.contains(_KANA_ONLY)).arg_true()
    if len(needed) == len(kana):
        return apply_distinct(NAME_RULES, kana)
    blank = pl.repeat("", len(kana), eager=True, dtype=pl.String).alias(kana.name)
    return blank.scatter(needed, apply_distinct(NAME_RULES, kana.gather(needed))) if len(needed) else blank


def _key_strings(frame: pl.DataFrame, scope: str, listed_in: str = "") -> pl.DataFrame:
    """One column of key values per kind (null where the row has no such key)."""
    col = pl.col
    names = apply_distinct(NAME_RULES, frame["name"])
    named = frame.with_columns(
        n0=names, k0=_readings(frame["kana"], names),
        b=iso_dates(frame["birth"]), a=apply_series(ADDRESS_RULES + ADDRESS_KEY_RULES, frame["address"]),
        p=apply_distinct(PHONE_RULES, frame["phone"]), e=apply_distinct(EMAIL_RULES, frame["email"]),
        m=apply_distinct(DIGIT_RULES, frame["my_number"]),
    ).with_columns(is_kana=(col("n0") != "") & col("n0").str.contains(_KANA_ONLY))
    named = named.with_columns(
        n=pl.when(col("is_kana")).then(pl.lit("")).otherwise(col("n0")),
        k=pl.when(col("is_kana") & (col("k0") == "")).then(col("n0")).otherwise(col("k0")),
    )
    has_n, has_k, has_b = col("n") != "", col("k") != "", col("b") != ""
    keys = named.select(
        nb=pl.when(has_n & has_b).then(pl.concat_str(col("n"), pl.lit("|"), col("b"))),
        na=pl.when(has_n & (col("a") != "")).then(pl.concat_str(col("n"), pl.lit("|"), col("a"))),
        mn=pl.when(col("m").str.len_chars() == 12).then(col("m")),
        np=pl.when(has_n & (col("p").str.len_chars() >= 10)).then(pl.concat_str(col("n"), pl.lit("|"), col("p"))),
        em=pl.when(col("e").str.contains("@", literal=True)).then(col("e")),
        kb=pl.when(has_k & has_b & ~has_n).then(pl.concat_str(col("k"), pl.lit("|"), col("b"))),
        _n=col("n"), _k=col("k"), _b=col("b"), _a=col("a"),
    )
    stated = _stated_years(frame["age"], frame["on"])
    # Every named row gets the NAME key after the others, then its birth year (see KeyMaker.keys).
    name = pl.when(col("_n") != "").then(col("_n")).when(col("_k") != "").then(col("_k"))
    year = pl.when(col("_b") != "").then(pl.concat_str(name, pl.lit("|"), col("_b").str.head(4)))
    keys = keys.with_columns(nm=name, ny=year)
    if stated is not None:  # without a birth date: the years a stated age allows, in order
        allowed = keys.with_columns(_y=stated).select(
            pl.when((col("_b") == "") & col("_y").list.len().gt(j)).then(
                pl.concat_str(col("nm"), pl.lit("|"), col("_y").list.get(j, null_on_oob=True).cast(pl.String)
                              .str.zfill(4))).alias(f"a{j}") for j in range(_AGE_YEARS))
        keys = keys.with_columns(allowed)
    if listed_in:
        keys = _trait_strings(frame, keys, listed_in)
    return keys.drop("_n", "_k", "_b", "_a")


# (column, kind hashed, kind marked): stated ages are NAME_YEAR values marked NAME_AGE (KeyMaker.keys).
_KINDS = (("nb", KeyKind.NAME_BIRTH, None), ("na", KeyKind.NAME_ADDRESS, None), ("mn", KeyKind.MY_NUMBER, None),
          ("np", KeyKind.NAME_PHONE, None), ("em", KeyKind.EMAIL, None), ("kb", KeyKind.KANA_BIRTH, None),
          ("nm", KeyKind.NAME, None), ("ny", KeyKind.NAME_YEAR, None),
          *((f"a{j}", KeyKind.NAME_YEAR, KeyKind.NAME_AGE) for j in range(_AGE_YEARS)))


def key_strings(columns: Mapping[str, Sequence[str] | pl.Series], scope: str = "",
                listed_in: str = "", distinct: bool = True) -> pl.DataFrame:
    """The normalised key values of each distinct row (of each row without *distinct*), all in Polars.

    *listed_in* names the list the rows stand in: their traits (``TRAIT_ROLE`` columns) count there.
    """
    height = max((len(v) for v in columns.values()), default=0)
    roles = [*ROLES, *(c for c in columns if c.startswith(TRAIT_ROLE))]
    frame = pl.DataFrame({role: (pl.Series(role, columns[role], dtype=pl.String) if role in columns
                                 else pl.repeat("", height, eager=True, dtype=pl.String).alias(role))
                          for role in roles}).fill_null("")
    keys = _key_strings(frame, scope, listed_in)
    return keys.unique(maintain_order=True) if distinct else keys


def _macs(series: pl.Series, kind: KeyKind, keymaker: KeyMaker, tag: KeyKind | None) -> list[bytes | None]:
    """The key of each value of *series* (None where null); values that repeat (names) are hashed once."""
    values = series.drop_nulls()
    estimate: int = pl.select(pl.lit(values).approx_n_unique()).item()
    if estimate * 2 <= len(values):
        # Each row gets its value's number among the distinct ones: one key object per distinct value.
        distinct = values.unique(maintain_order=True)
        hashed: list[bytes | None] = [*keymaker.mac_many(kind, distinct.cast(pl.Binary).to_list(), tag), None]
        codes = series.cast(pl.Enum(distinct)).to_physical().fill_null(len(distinct))
        return list(map(hashed.__getitem__, codes.to_list()))
    encoded = values.cast(pl.Binary).to_list()
    if len(values) == len(series):
        return list(keymaker.mac_many(kind, encoded, tag))
    macs = iter(keymaker.mac_many(kind, encoded, tag))
    return [next(macs) if present else None for present in series.is_not_null().to_list()]


@dataclass(frozen=True)
class Hashed:
    """The identity records of a table's rows, and the same keys kind by kind (for linking them)."""

    records: list[tuple[bytes, ...]]  # one per row that has a key, in row order
    columns: tuple[tuple[int, list[bytes | None]], ...] = ()  # (first byte of its keys, key or None per row)
    kept: list[int] | None = None  # the rows the records are of, when some row had no key (None: every row)


def hash_table(keys: pl.DataFrame, keymaker: KeyMaker) -> Hashed:
    """The identity records of *keys* (stage 2: one keyed hash per distinct value of each kind)."""
    names = [name for name, _, _ in _KINDS if name in keys.columns and keys[name].null_count() < len(keys)]
    hashed = [(tag or kind, _macs(keys[name], kind, keymaker, tag)) for name, kind, tag in _KINDS if name in names]
    if not hashed:
        return Hashed([])
    rows = list(zip(*(column for _, column in hashed), strict=True))
    # Only the rows missing a kind are rebuilt (a few, usually): a Python pass over all rows costs more
    # than the hashing of one kind.
    gaps = keys.select(pl.any_horizontal(pl.col(name).is_null() for name in names)).to_series().arg_true()
    for i in gaps.to_list():
        rows[i] = tuple(k for k in rows[i] if k is not None)
    if "ls" in keys.columns:
        _add_traits(keys, keymaker, rows)
    columns = tuple((int(kind), column) for kind, column in hashed)
    if not len(gaps) or all(rows[i] for i in gaps.to_list()):
        return Hashed(rows, columns)
    kept = [i for i, row in enumerate(rows) if row]
    return Hashed([rows[i] for i in kept], columns, kept)


def hash_records(keys: pl.DataFrame, keymaker: KeyMaker) -> list[tuple[bytes, ...]]:
    """The identity records of *keys* (``hash_table``'s records)."""
    return hash_table(keys, keymaker).records


def _add_traits(keys: pl.DataFrame, keymaker: KeyMaker, rows: list[tuple[bytes | None, ...]]) -> None:
    """Append each name-only row's LIST_TRAIT keys (as ``KeyMaker.trait_keys`` makes them) in place."""
    scopes = _macs(keys["ls"], KeyKind.LIST_TRAIT, keymaker, None)
    columns = [(c[3:], _macs(keys[c], KeyKind.LIST_TRAIT, keymaker, None)) for c in keys.columns if c.startswith("tv:")]
    for i, scope in enumerate(scopes):
        if scope is not None:
            rows[i] = (*rows[i], *(trait_key(scope, trait, value)
                                   for trait, values in columns if (value := values[i]) is not None))


def person_records(columns: Mapping[str, Sequence[str] | pl.Series], keymaker: KeyMaker,
                   scope: str = "") -> list[tuple[bytes, ...]]:
    """Keys of each distinct row given by role → cell values (all roles the same length; missing = "")."""
    if not max((len(v) for v in columns.values()), default=0):
        return []
    return hash_records(key_strings(columns, scope), keymaker)
