"""Detectors as data: patterns, context words and a ``validate`` hook."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, Protocol

from mamori.models import Location

#: Findings below this confidence are not reported: the engine counts every finding it gets.
MIN_CONFIDENCE = 0.5


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
    ``context_window`` characters before it (or ``context_after`` characters after it),
    ``context_confidence``. ``requires_context`` drops candidates that have none (numbers
    that are only meaningful when labelled). A pattern with a group named ``v`` reports
    only that group as the value, so a pattern may be anchored on its label.
    """

    name: ClassVar[str] = ""
    category: ClassVar[str] = ""
    patterns: ClassVar[tuple[re.Pattern[str], ...]] = ()
    context: ClassVar[tuple[str, ...]] = ()
    context_window: ClassVar[int] = 24
    context_after: ClassVar[int] = 0
    requires_context: ClassVar[bool] = False
    base_confidence: ClassVar[float] = 0.6
    context_confidence: ClassVar[float] = 0.95
    #: Lookaround-free patterns one of which every line with a finding matches (a digit, a label word): the
    #: engine skips the detector for text none of them matches, one C-level search instead of ``find``.
    #: Empty: no such test (the detector always runs). ``tests/detect/test_prefilters.py`` checks each one.
    prefilter: ClassVar[tuple[re.Pattern[str], ...]] = ()

    def validate(self, candidate: str) -> bool:
        """Checksum or allocation rule; True by default."""
        return True

    def has_context(self, text: str, start: int, end: int | None = None) -> bool:
        """True when a context word is within the window before *start* (or after *end*)."""
        before = text[max(0, start - self.context_window) : start].lower()
        if any(word.lower() in before for word in self.context):
            return True
        if self.context_after and end is not None:
            after = text[end : end + self.context_after].lower()
            return any(word.lower() in after for word in self.context)
        return False

    def confidence(self, text: str, match: re.Match[str]) -> float | None:
        """The confidence of one match, or None to drop it."""
        if not self.validate(_value(match)):
            return None
        with_context = self.has_context(text, match.start(), match.end())
        if self.requires_context and not with_context:
            return None
        return self.context_confidence if with_context else self.base_confidence

    def may_find(self, text: str) -> bool:
        """False only when ``find`` cannot find anything in *text* or in any part of it (a line)."""
        return not self.prefilter or any(p.search(text) for p in self.prefilter)

    def find(self, text: str, location: Location) -> Iterator[Finding]:
        """Every validated match of every pattern in *text*."""
        seen: set[tuple[int, int]] = set()  # one value matched by two patterns is one finding
        for pattern in self.patterns:
            for m in pattern.finditer(text):
                span = _span(m)
                if span in seen:
                    continue
                confidence = self.confidence(text, m)
                if confidence is not None and confidence >= MIN_CONFIDENCE:
                    seen.add(span)
                    yield Finding(self.category, _value(m), location, confidence, self.name)


def _value(match: re.Match[str]) -> str:
    return match.group("v") if "v" in match.re.groupindex else match.group(0)


def _span(match: re.Match[str]) -> tuple[int, int]:
    return match.span("v") if "v" in match.re.groupindex else match.span()
