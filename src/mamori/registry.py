"""A small generic registry: name → class, built-ins and entry-point plugins alike."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any, Generic, TypeVar

from mamori.errors import ConfigError

T = TypeVar("T")


def load_spec(spec: str) -> Any:
    """The object a ``"package.module:Name"`` spec names (how built-ins are listed, imported only when used)."""
    module, _, attr = spec.partition(":")
    return getattr(import_module(module), attr)


def from_specs(kind: str, specs: Iterable[str], entry_point_group: str,
               make: Callable[[Any], T] = lambda cls: cls()) -> Registry[T]:
    """A registry of the built-ins named by *specs* and the plugins of *entry_point_group*, alike.

    Each loaded class goes through *make* (by default: instantiate it; pass ``lambda cls: cls`` to keep classes).
    """
    registry: Registry[T] = Registry(kind, (make(load_spec(s)) for s in specs))
    for ep in entry_points(group=entry_point_group):
        registry.add(make(ep.load()))
    return registry


class Registry(Generic[T]):
    """Maps names to implementations of one kind; rejects duplicates, lists names on a miss."""

    def __init__(self, kind: str, builtins: Iterable[T] = ()) -> None:
        self.kind = kind
        self._entries: dict[str, T] = {}
        for entry in builtins:
            self.add(entry)

    def add(self, entry: T) -> T:
        """Register *entry* under its ``name`` attribute."""
        name = getattr(entry, "name", None)
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{self.kind} {entry!r} has no name; give it a class attribute `name`")
        if name in self._entries:
            raise ConfigError(f"{self.kind} '{name}' is registered twice; rename one of them")
        self._entries[name] = entry
        return entry

    def get(self, name: str) -> T:
        """The entry called *name*, or a ConfigError listing the names that exist."""
        try:
            return self._entries[name]
        except KeyError:
            known = ", ".join(sorted(self._entries)) or "(none)"
            raise ConfigError(f"unknown {self.kind} '{name}'; known: {known}") from None

    def names(self) -> list[str]:
        return sorted(self._entries)

    def __iter__(self) -> Iterator[T]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries
