"""Access events as columns: the result of :func:`mamori.logs.fastaccess.parse_access_columns`.

The well-formed lines stay as raw Latin-1 fields in a Polars frame; the lines the line parser read
are ready :class:`AccessEvent` values. ``table()`` gives one storable row per event without a Python
object per line (each distinct request, referer, user agent, address is decoded once);
``events()`` gives the very events :func:`mamori.logs.driver.parse_file` gives (tests, small files).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import polars as pl

from mamori.logs.combined import Request, logged_text, split_request
from mamori.logs.driver import ParseCounts
from mamori.logs.events import AccessEvent, LogProblem
from mamori.logs.text import ERRORS, storable
from mamori.logs.timeparse import offset

#: Columns of ``AccessColumns.table()``; ``file`` indexes ``AccessColumns.files``; text is storable UTF-8.
TABLE_SCHEMA: dict[str, Any] = {
    "file": pl.Int32, "line": pl.Int64, "t_us": pl.Int64, "ip": pl.Utf8, "method": pl.Utf8, "target": pl.Utf8,
    "path": pl.Utf8, "query": pl.Utf8, "status": pl.Int32, "bytes": pl.Int64, "referer": pl.Utf8,
    "user_agent": pl.Utf8, "vhost": pl.Utf8, "user": pl.Utf8, "protocol": pl.Utf8, "encoding": pl.Utf8,
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _text(raw: str) -> str:
    return raw if raw.isascii() else raw.encode("latin-1").decode("utf-8", ERRORS)


def _plain(raw: str | None) -> str:
    return _text(raw) if raw else ""


def _user(raw: str | None) -> str:
    return "" if raw is None or raw == "-" else _text(raw)


def _quoted(raw: str | None) -> str:
    return logged_text(None if raw is None else _text(raw))


def _request(raw: str | None) -> Request:
    return split_request(_text(raw or ""))


@dataclass(frozen=True)
class AccessColumns:
    """Access events of a set of files: raw columns of the fast-split lines plus the line parser's events."""

    format: str
    files: tuple[str, ...]
    raw: pl.DataFrame
    parsed: tuple[AccessEvent, ...]
    problems: tuple[LogProblem, ...]
    counts: ParseCounts

    def table(self, names: Sequence[str] = tuple(TABLE_SCHEMA)) -> pl.DataFrame:
        """One row per event in file and line order, built column-wise: the columns *names* of ``TABLE_SCHEMA``."""
        raw = self.raw
        keys = [*dict.fromkeys(("file", "line", *names))]  # the order keys, whatever is asked
        schema = {name: TABLE_SCHEMA[name] for name in keys}
        split: list[Callable[[Callable[[Request], str]], pl.Series]] = []

        def req(pick: Callable[[Request], str]) -> pl.Series:
            if not split:  # requests are split once, and only when a column of them is asked for
                split.append(_distinct(raw["request"], _request))
            return split[0](pick)

        makers: dict[str, Callable[[], pl.Series]] = {
            "file": lambda: raw["file"], "line": lambda: raw["line"], "t_us": lambda: raw["t_us"],
            "ip": lambda: _mapped(raw["ip"], lambda v: storable(_plain(v))),
            "method": lambda: req(lambda r: storable(r.method)),
            "target": lambda: req(lambda r: storable(r.target)),
            "path": lambda: req(lambda r: storable(r.path)),
            "query": lambda: req(lambda r: storable(r.query)),
            "status": lambda: raw["status"], "bytes": lambda: raw["bytes"],
            "referer": lambda: _mapped(raw["referer"], lambda v: storable(_quoted(v))),
            "user_agent": lambda: _mapped(raw["agent"], lambda v: storable(_quoted(v))),
            "vhost": lambda: _mapped(raw["vhost"], lambda v: storable(_plain(v))),
            "user": lambda: _mapped(raw["user"], lambda v: storable(_user(v))),
            "protocol": lambda: req(lambda r: storable(r.protocol)),
            "encoding": lambda: req(lambda r: r.encoding),
        }
        fast = pl.DataFrame([makers[name]().rename(name) for name in keys], schema=schema)
        if not self.parsed:
            return fast.select(names)
        index = {name: i for i, name in enumerate(self.files)}
        rows = [(index[e.source], e.line, (e.time - _EPOCH) // timedelta(microseconds=1), storable(e.ip), e.method,
                 storable(e.target), storable(e.path), storable(e.query), e.status, e.bytes, storable(e.referer),
                 storable(e.user_agent), storable(e.vhost), storable(e.user), e.protocol, e.path_encoding)
                for e in self.parsed]
        slow = pl.DataFrame(rows, schema=TABLE_SCHEMA, orient="row").select(keys)
        return pl.concat([fast, slow]).sort("file", "line").select(names)

    def events(self) -> list[AccessEvent]:
        """The events as values, in file and line order, identical to the line parser's."""
        cache = lru_cache(maxsize=None)
        zones, text, quoted, user, request = cache(offset), cache(_plain), cache(_quoted), cache(_user), cache(_request)
        out = list(self.parsed)
        for file, line, t_us, zone, vhost, ip, usr, req, status, size, referer, agent in self.raw.iter_rows():
            r = request(req)
            when = (_EPOCH + timedelta(microseconds=t_us)).astimezone(zones(zone))
            out.append(AccessEvent(when, text(ip), r.method, r.target, r.path, r.query, status, size,
                                   quoted(referer), quoted(agent), text(vhost), user(usr), r.protocol, r.encoding,
                                   self.files[file], line))
        order = {name: i for i, name in enumerate(self.files)}
        out.sort(key=lambda e: (order[e.source], e.line))
        return out


def _keys(column: pl.Series) -> tuple[list[Any], pl.Series]:
    """The distinct values of *column* and, per row, the index of its value among them."""
    keys = column.unique(maintain_order=True).to_list()
    present = [k for k in keys if k is not None]
    codes = column.replace_strict(present, list(range(len(present))), default=len(present),
                                  return_dtype=pl.UInt32).fill_null(len(present))
    if len(present) < len(keys):
        present.append(None)
    return present, codes


def _mapped(column: pl.Series, fn: Callable[[Any], str]) -> pl.Series:
    """*fn* applied to every row of *column*, computed once per distinct value."""
    keys, codes = _keys(column)
    return pl.Series([fn(k) for k in keys], dtype=pl.Utf8).gather(codes)


def _distinct(column: pl.Series, fn: Callable[[Any], Request]) -> Callable[[Callable[[Request], str]],
                                                                           pl.Series]:
    """A column maker for the parts of *fn*'s result, *fn* computed once per distinct value."""
    keys, codes = _keys(column)
    values: Sequence[Request] = [fn(k) for k in keys]

    def part(pick: Callable[[Request], str]) -> pl.Series:
        return pl.Series([pick(v) for v in values], dtype=pl.Utf8).gather(codes)

    return part
