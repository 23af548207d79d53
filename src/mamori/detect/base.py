"""Detectors as data: patterns, context words and a ``validate`` hook."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, Protocol

from mamori.models import Location


@dataclass(frozen=True)
class Finding:
    """One value of a category found in a document (the raw value stays in memory only)."""

    category: str
    value: str
    location: Location
    confidence: float
    detector: str


class Detector(Protocol):
    """Finds values of one category in running text (already NFKC-normalised)."""

    name: ClassVar[str]
    category: ClassVar[str]

    def find(self, text: str, location: Location) -> Iterator[Finding]: ...


class PatternDetector:
    """A detector made of regular expressions, optional context words and a ``validate`` check.

    Without context a candidate gets ``base_confidence``; with a context word within
    ``context_window`` characters before it, ``context_confidence``. ``requires_context`` drops
    candidates that have none (numbers that are only meaningful when labelled).
    """

    name: ClassVar[str] = ""
    category: ClassVar[str] = ""
    patterns: ClassVar[tuple[re.Pattern[str], ...]] = ()
    context: ClassVar[tuple[str, ...]] = ()
    context_window: ClassVar[int] = 24
    requires_context: ClassVar[bool] = False
    base_confidence: ClassVar[float] = 0.6
    context_confidence: ClassVar[float] = 0.95

    def validate(self, candidate: str) -> bool:
        """Checksum or allocation rule; True by default."""
        return True

    def has_context(self, text: str, start: int) -> bool:
        before = text[max(0, start - self.context_window) : start].lower()
        return any(word.lower() in before for word in self.context)

    def find(self, text: str, location: Location) -> Iterator[Finding]:
        for pattern in self.patterns:
            for m in pattern.finditer(text):
                candidate = m.group(0)
                if not self.validate(candidate):
                    continue
                with_context = self.has_context(text, m.start())
                if self.requires_context and not with_context:
                    continue
                confidence = self.context_confidence if with_context else self.base_confidence
                yield Finding(self.category, candidate, location, confidence, self.name)
