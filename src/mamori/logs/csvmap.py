"""A CSV export from a hosting control panel, read through a column mapping given by the case file.

::

    [[server_log]]
    format = "csv"
    path = "server/filelog.csv"
    mapping = {time = "日時", time_format = "%Y/%m/%d %H:%M:%S", action = "操作",
               actions = {"アップロード" = "upload", "削除" = "delete"}, path = "ファイル", ip = "IPアドレス",
               size = "サイズ", encoding = "cp932"}

Columns are header names (the first line is the header) or 0-based indexes (``header = false``).
``time_format`` is "iso" (also ``2015/04/11 10:15:01``), "epoch" or a ``strptime`` format; times
without a zone take the log time zone. Rows whose action value is not in ``actions`` are skipped.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from mamori.errors import ConfigError, LogFormatError
from mamori.logs.base import BaseFormat, ParseContext, bad
from mamori.logs.events import ACTIONS, FileEvent
from mamori.logs.text import decode_name
from mamori.logs.timeparse import epoch

Column = str | int


@dataclass(frozen=True)
class CsvMapping:
    """Which CSV column holds what, and how to read times and actions."""

    time: Column
    path: Column
    time_format: str = "iso"
    action: Column | None = None
    actions: Mapping[str, str] = field(default_factory=dict)
    default_action: str = "upload"
    new_path: Column | None = None
    ip: Column | None = None
    size: Column | None = None
    user: Column | None = None
    ok: Column | None = None
    ok_values: tuple[str, ...] = ("ok", "OK", "success", "成功", "1", "true", "TRUE")
    delimiter: str = ","
    header: bool = True
    encoding: str = "utf-8"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CsvMapping:
        """Build from a case-file table; ConfigError naming unknown keys or bad action names."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"csv mapping: unknown keys {unknown}; known: {sorted(known)}")
        if "time" not in data or "path" not in data:
            raise ConfigError("csv mapping needs at least 'time' and 'path' columns")
        values = dict(data)
        if "ok_values" in values:
            values["ok_values"] = tuple(values["ok_values"])
        mapping = cls(**values)
        wrong = sorted({a for a in mapping.actions.values() if a not in ACTIONS}
                       | ({mapping.default_action} - ACTIONS))
        if wrong:
            raise ConfigError(f"csv mapping: unknown actions {wrong}; use {sorted(ACTIONS)}")
        if len(mapping.delimiter) != 1:
            raise ConfigError("csv mapping: 'delimiter' must be one character")
        return mapping


class CsvMapFormat(BaseFormat):
    """Rows of a control-panel CSV export, read through a :class:`CsvMapping`."""

    name = "csv"
    kind = "server"
    sniffable = False

    def __init__(self, mapping: CsvMapping | Mapping[str, Any] | None = None, **options: Any) -> None:
        if mapping is None:
            mapping = options
        elif options:
            raise ConfigError("csv log format: give the mapping either as 'mapping' or as keywords, not both")
        self.mapping = mapping if isinstance(mapping, CsvMapping) else CsvMapping.from_dict(mapping)
        self.encoding = self.mapping.encoding

    def parse_line(self, line: str, ctx: ParseContext) -> FileEvent | None:
        mp = self.mapping
        try:
            row = next(csv.reader([line], delimiter=mp.delimiter))
        except (csv.Error, StopIteration) as exc:
            raise bad(f"not a CSV row: {exc}") from None
        index: dict[str, int] | None = ctx.state.get("columns")
        if index is None:
            if mp.header:
                ctx.state["columns"] = self._columns(row, ctx)
                return None
            ctx.state["columns"] = index = {}
        get = _getter(row, ctx.state["columns"])
        when = self._time(get(mp.time), ctx)
        action = mp.default_action
        if mp.action is not None:
            mapped = mp.actions.get(get(mp.action).strip())
            if mapped is None:
                return None
            action = mapped
        path, raw = decode_name(get(mp.path))
        new_path = decode_name(get(mp.new_path))[0] or None if mp.new_path is not None else None
        size_text = get(mp.size).replace(",", "").strip() if mp.size is not None else ""
        if size_text and not size_text.isdecimal():
            raise bad(f"size {size_text!r} is not a number")
        ok = get(mp.ok).strip() in mp.ok_values if mp.ok is not None else True
        return FileEvent(when, action, path, new_path, int(size_text) if size_text else None,
                         get(mp.ip).strip() if mp.ip is not None else "",
                         get(mp.user).strip() if mp.user is not None else "", ok, raw_name_bytes=raw,
                         source=ctx.source, line=ctx.line)

    def _columns(self, header: Sequence[str], ctx: ParseContext) -> dict[str, int]:
        names = {name.strip().lstrip("\ufeff"): i for i, name in enumerate(header)}
        mp = self.mapping
        wanted = [c for c in (mp.time, mp.path, mp.action, mp.new_path, mp.ip, mp.size, mp.user, mp.ok)
                  if isinstance(c, str)]
        missing = [c for c in wanted if c not in names]
        if missing:
            raise LogFormatError(f"CSV header of {ctx.source} has no column {missing}; it has {list(names)}")
        return names

    def _time(self, text: str, ctx: ParseContext) -> datetime:
        text = text.strip()
        fmt = self.mapping.time_format
        if fmt == "epoch":
            when = epoch(text)
        elif fmt == "iso":
            when = ctx.times.iso(text.replace("/", "-"))
        else:
            cache: dict[str, datetime] = ctx.state.setdefault("times", {})
            when = cache.get(text)
            if when is None:
                try:
                    parsed = datetime.strptime(text, fmt)
                except ValueError:
                    raise bad(f"time {text!r} does not fit {fmt!r}") from None
                when = parsed if parsed.tzinfo else parsed.replace(tzinfo=ctx.tz)
                if len(cache) < 65536:
                    cache[text] = when
        if when is None:
            raise bad(f"time {text!r} is not {fmt}")
        return when


def _getter(row: Sequence[str], names: Mapping[str, int]) -> Any:
    def get(column: Column) -> str:
        i = column if isinstance(column, int) else names.get(column, -1)
        if not 0 <= i < len(row):
            raise bad(f"row has no column {column!r} ({len(row)} fields)")
        return row[i]

    return get
