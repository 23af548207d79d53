"""The log-format protocol and the driver that runs a format over files (plaso-like).

A format sniffs a sample (``matches``) and turns one line into one event (``parse_line``): it returns
the event, None for a line of the format that carries no event (a CONNECT, a comment, a header), or
raises :class:`BadLine` for a line that is not in the format. The driver opens plain/.gz/.bz2/.xz
files, expands globs and rotated sets oldest first, counts bad lines as problems, and stops a file
with a LogFormatError after a run of consecutive bad lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any, ClassVar, Protocol, runtime_checkable

from mamori.errors import LogFormatError
from mamori.logs.events import LogEvent
from mamori.logs.timeparse import TimeCache


class BadLine(LogFormatError):
    """One line is not in the format; the driver records it as a problem and goes on."""


@runtime_checkable
class LogFormat(Protocol):
    """One log format: a cheap sniff and a line parser."""

    name: str
    kind: str  # "server" (file operations → FileEvent) | "access" (web requests → AccessEvent)
    encoding: str  # how to decode line bytes (undecodable bytes are kept as surrogates)

    def matches(self, sample_lines: Sequence[str]) -> bool:
        """Whether the first lines of a file look like this format."""
        ...

    def parse_line(self, line: str, ctx: ParseContext) -> LogEvent | None:
        """The event of one line, None for a line that carries none; raises BadLine if not this format."""
        ...


class ParseContext:
    """Per-file state handed to ``parse_line``: where we are, the zone for naive times, parser state."""

    __slots__ = ("_ref_month", "line", "source", "state", "times", "tz", "year")

    def __init__(self, source: str, tz: tzinfo, *, year: int | None = None, reference: datetime | None = None):
        self.source = source
        self.line = 0
        self.tz = tz
        self.times = TimeCache(tz)
        self.state: dict[str, Any] = {}
        self.year = year if year is not None else (reference.year if reference else datetime.now(tz).year)
        self._ref_month = 13 if year is not None or reference is None else reference.month

    def year_for(self, month: int) -> int:
        """The year of a year-less (syslog) timestamp: months after the file's mtime are last year's."""
        return self.year - 1 if month > self._ref_month else self.year


class BaseFormat:
    """Shared behaviour: ``matches`` = most non-blank sample lines parse and at least one gives an event."""

    name: ClassVar[str] = ""
    kind: ClassVar[str] = "server"
    encoding: str = "utf-8"
    #: Whether ``detect_format`` may try this format (False for formats that need options).
    sniffable: ClassVar[bool] = True
    #: Share of non-blank sample lines that must parse for ``matches``.
    match_share: ClassVar[float] = 0.8

    def matches(self, sample_lines: Sequence[str]) -> bool:
        """Whether most of the sample parses as this format and some line gives an event."""
        ctx = ParseContext("<sample>", UTC)
        good = bad = events = 0
        for number, line in enumerate(sample_lines, start=1):
            if not line.strip():
                continue
            ctx.line = number
            try:
                event = self.parse_line(line, ctx)
            except LogFormatError:
                bad += 1
                continue
            good += 1
            events += event is not None
        return events > 0 and good >= self.match_share * (good + bad)

    def parse_line(self, line: str, ctx: ParseContext) -> LogEvent | None:
        raise NotImplementedError


def bad(reason: str) -> BadLine:
    """A BadLine with *reason* (parsers ``raise bad("…")``)."""
    return BadLine(reason)
