"""Named records between the engine, the case store and the reports: frozen dataclasses ↔ JSON objects.

The store keeps each derived stage as JSON. Records are written as objects keyed by field name (never as
positional arrays), and every payload carries ``RECORD_VERSION``: a payload of another version is not
read back field by field under a blanket ``except``; it is recomputed (a stage) or refused with what to
do (the reports). Decoding follows the dataclass's type hints, so a missing or mistyped field is a
:class:`~mamori.errors.CaseError` that names it.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from mamori.errors import CaseError

#: Bump when a record's fields change meaning; older payloads are recomputed, not misread.
RECORD_VERSION = 2

T = TypeVar("T")


_PLAIN = (str, int, float, bool, type(None))


@cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.metadata.get("record", True))


def encode(value: Any) -> Any:
    """A dataclass (or a tuple/mapping of them) as plain JSON values, fields by name."""
    kind: type = type(value)
    if kind in _PLAIN:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: encode(getattr(value, name)) for name in _names(kind)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def decode(cls: type[T], data: Any) -> T:
    """The *cls* record encoded in *data* (by :func:`encode`); CaseError naming the bad field."""
    value = _decode(cls, data, cls.__name__)
    return typing.cast(T, value)


@cache
def _plan(cls: type) -> tuple[tuple[str, Any, bool], ...]:
    """(name, type, required) of each field a record carries."""
    hints = _hints(cls)
    return tuple((f.name, hints[f.name], f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
                 for f in dataclasses.fields(cls) if f.init and f.metadata.get("record", True))


def _decode(tp: Any, data: Any, where: str) -> Any:
    if tp in (int, str, bool) and type(data) is tp:
        return data  # the common case first: most fields are plain
    origin = typing.get_origin(tp)
    if tp is Any:
        return data
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(tp)
        if data is None and type(None) in options:
            return None
        for option in options:
            if option is type(None):
                continue
            try:
                return _decode(option, data, where)
            except CaseError:
                continue
        raise CaseError(f"record field {where}: {data!r} fits none of {tp}")
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(data, Mapping):
            raise CaseError(f"record {where}: expected an object, got {type(data).__name__}")
        kwargs = {}
        for name, hint, required in _plan(tp):
            if name in data:
                kwargs[name] = _decode(hint, data[name], where + "." + name)
            elif required:
                raise CaseError(f"record {where} lacks the field {name!r}")
        return tp(**kwargs)
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(data, list):
            raise CaseError(f"record field {where}: expected a list, got {type(data).__name__}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v, where) for v in data)
        if len(args) != len(data):
            raise CaseError(f"record field {where}: expected {len(args)} values, got {len(data)}")
        return tuple(_decode(a, v, where) for a, v in zip(args, data, strict=True))
    if origin in (Mapping, dict) or tp is dict:
        key_t, value_t = typing.get_args(tp) or (str, Any)
        if not isinstance(data, Mapping):
            raise CaseError(f"record field {where}: expected an object")
        return {(int(k) if key_t is int else k): _decode(value_t, v, where) for k, v in data.items()}
    if tp is datetime:
        try:
            return datetime.fromisoformat(data)
        except (TypeError, ValueError) as exc:
            raise CaseError(f"record field {where}: {data!r} is not an ISO time") from exc
    if tp is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    if tp in (int, str, bool, float):
        if type(data) is not tp:
            raise CaseError(f"record field {where}: expected {tp.__name__}, got {data!r}")
        return data
    raise CaseError(f"record field {where}: cannot decode type {tp}")


def payload(**records: Any) -> dict[str, Any]:
    """A stage payload: the named record lists and the record version."""
    return {"record_version": RECORD_VERSION, **{k: encode(v) for k, v in records.items()}}


def current(data: Any) -> bool:
    """Whether a stored payload was written with this RECORD_VERSION."""
    return isinstance(data, Mapping) and data.get("record_version") == RECORD_VERSION


_POLARS = {int: "Int64", str: "Utf8", bool: "Boolean", float: "Float64"}


def columns_of(cls: type, rows: Sequence[Any]) -> tuple[dict[str, list[Any]], dict[str, Any]]:
    """Records of a flat *cls* as named column lists and their Polars types (for a bulk insert)."""
    import polars as pl

    names = _names(cls)
    hints = _hints(cls)
    columns = {name: [getattr(r, name) for r in rows] for name in names}
    return columns, {name: getattr(pl, _POLARS[hints[name]]) for name in names}


def from_rows(cls: type[T], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[T]:
    """Records of *cls* from rows whose columns are *names* (a table read back by column name)."""
    kind: type = cls
    if set(names) != set(_names(kind)):
        raise CaseError(f"stored {cls.__name__} columns {list(names)} are not its fields {list(_names(kind))}")
    return [cls(**dict(zip(names, row, strict=True))) for row in rows]


def field_names(cls: type) -> tuple[str, ...]:
    """The fields a record carries, in order."""
    return _names(cls)
