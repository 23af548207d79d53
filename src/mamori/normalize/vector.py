"""The normalisation rules applied to whole columns at once (Polars), for big tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Polars only for column work: a scan of small files never loads it
    import polars as pl

from mamori.normalize.rules import Step


def expr(steps: Sequence[Step], column: pl.Expr) -> pl.Expr:
    """*column* through *steps*: the vectorised twin of :func:`mamori.normalize.rules.apply`."""
    for step in steps:
        if step.kind == "nfkc":
            column = column.str.normalize("NFKC")
        elif step.kind == "map":
            singles = [(k, v) for k, v in step.table if len(k) == 1]
            column = column.str.replace_many([k for k, _ in singles], [v for _, v in singles])
        elif step.kind == "replace":
            column = column.str.replace_many([k for k, _ in step.table], [v for _, v in step.table], leftmost=True)
        elif step.kind == "sub":
            column = column.str.replace_all(step.arg, step.repl)
        elif step.kind == "rstrip":
            column = column.str.strip_chars_end(step.arg)
    return column


def _runs(steps: Sequence[Step]) -> list[tuple[str, list[Step]]]:
    """Consecutive steps grouped by whether they are guarded (guards of a run joined into one)."""
    runs: list[tuple[str, list[Step]]] = []
    for step in steps:
        if runs and bool(runs[-1][0]) == bool(step.guard):
            guard, group = runs[-1]
            if step.guard and step.guard not in guard.split("|"):
                guard = f"{guard}|{step.guard}"
            runs[-1] = (guard, [*group, step])
        else:
            runs.append((step.guard, [step]))
    return runs


def apply_series(steps: Sequence[Step], values: pl.Series) -> pl.Series:
    """A string Series through *steps*; guarded steps run only on the values their guard matches."""
    import polars as pl

    name = values.name
    for guard, group in _runs(steps):
        if not guard:
            values = pl.select(expr(group, pl.lit(values))).to_series()
            continue
        where = values.str.contains(guard).fill_null(False).arg_true()
        if len(where):
            changed = pl.select(expr(group, pl.lit(values.gather(where)))).to_series()
            values = values.clone().scatter(where, changed)  # scatter works in place: never on the caller's
    return values.alias(name)


def apply_distinct(steps: Sequence[Step], values: pl.Series) -> pl.Series:
    """Like :func:`apply_series`, computed once per distinct value (names and dates repeat a lot)."""
    import polars as pl

    distinct = values.unique()
    if len(distinct) * 2 > len(values):
        return apply_series(steps, values)
    if len(distinct) == 1:  # a column the table does not have (all ""): nothing to look up
        return apply_series(steps, distinct).new_from_index(0, len(values)).alias(values.name)
    return values.replace_strict(distinct, apply_series(steps, distinct), return_dtype=pl.String)
