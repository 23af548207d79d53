"""Distinct people by union-find over identity keys."""

from __future__ import annotations

from collections.abc import Iterable


class DistinctPeople:
    """Counts distinct people: two records are one person when they share any identity key."""

    def __init__(self) -> None:
        self._index: dict[bytes, int] = {}
        self._parent: list[int] = []
        self._components = 0

    def _find(self, i: int) -> int:
        parent = self._parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def add(self, keys: Iterable[bytes]) -> None:
        """Add one person record given by its keys (records without keys are ignored)."""
        root: int | None = None
        for key in keys:
            idx = self._index.get(key)
            if idx is None:
                idx = len(self._parent)
                self._index[key] = idx
                self._parent.append(idx)
                self._components += 1
            r = self._find(idx)
            if root is None:
                root = r
            elif r != root:
                self._parent[r] = root
                self._components -= 1

    def add_all(self, records: Iterable[Iterable[bytes]]) -> None:
        for keys in records:
            self.add(keys)

    def root(self, key: bytes) -> int:
        """The component a known key belongs to."""
        return self._find(self._index[key])

    @property
    def count(self) -> int:
        """Number of distinct people so far."""
        return self._components
