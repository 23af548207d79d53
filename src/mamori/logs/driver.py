"""Running a log format over files: rotated sets in order, bad lines counted, runs of them stopping a file."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mamori.errors import ConfigError, LogFormatError
from mamori.logs.base import BadLine, LogFormat, ParseContext
from mamori.logs.events import LogEvent, LogProblem
from mamori.logs.paths import expand_log_paths
from mamori.logs.reader import read_line_chunks

DEFAULT_TIMEZONE = "Asia/Tokyo"


@dataclass(frozen=True)
class ParseCounts:
    """How many files, lines (blank ones included), events, event-less lines and bad lines were read."""

    files: int = 0
    lines: int = 0
    events: int = 0
    skipped: int = 0
    bad: int = 0
    bytes: int = 0


@dataclass(frozen=True)
class ParseResult:
    """Everything one ``parse_file`` call read."""

    format: str
    files: tuple[str, ...]
    events: list[LogEvent]
    problems: tuple[LogProblem, ...]
    counts: ParseCounts


def resolve_timezone(tz: str | tzinfo) -> tzinfo:
    """A tzinfo from an IANA name ("Asia/Tokyo", "UTC") or a tzinfo; ConfigError for unknown names."""
    if not isinstance(tz, str):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"unknown time zone '{tz}'; give an IANA name such as Asia/Tokyo or UTC") from exc


class LogStream:
    """The events of a set of log files, read lazily (iterate once); then ``problems`` and ``counts``."""

    def __init__(self, paths: Sequence[Path], fmt: LogFormat, *, timezone: str | tzinfo = DEFAULT_TIMEZONE,
                 max_bad_run: int = 50, max_problems: int = 1000, on_format_error: str = "raise",
                 year: int | None = None) -> None:
        if on_format_error not in ("raise", "record"):
            raise ConfigError("on_format_error must be 'raise' or 'record'")
        self.paths = tuple(paths)
        self.format = fmt
        self.tz = resolve_timezone(timezone)
        self.max_bad_run = max(1, max_bad_run)
        self.max_problems = max_problems
        self.on_format_error = on_format_error
        self.year = year
        self.problems: list[LogProblem] = []
        self._counts = {"files": 0, "lines": 0, "events": 0, "skipped": 0, "bad": 0, "bytes": 0}

    @property
    def counts(self) -> ParseCounts:
        return ParseCounts(**self._counts)

    def __iter__(self) -> Iterator[LogEvent]:
        for path in self.paths:
            try:
                yield from self._file_events(path)
            except LogFormatError as exc:
                if self.on_format_error == "raise":
                    raise
                self._problem(str(path), 0, str(exc))

    def _problem(self, source: str, line: int, reason: str) -> None:
        if len(self.problems) < self.max_problems:
            self.problems.append(LogProblem(source, line, reason))

    def _file_events(self, path: Path) -> Iterator[LogEvent]:
        source = str(path)
        try:
            mtime = datetime.fromtimestamp(path.stat().st_mtime, self.tz)
        except (OSError, ValueError, OverflowError):
            mtime = None
        ctx = ParseContext(source, self.tz, year=self.year, reference=mtime)
        parse = self.format.parse_line
        counts = self._counts
        counts["files"] += 1
        number = good = events = skipped = bad_total = run = run_start = 0
        recent: list[str] = []
        try:
            for lines, size in read_line_chunks(path, self.format.encoding):
                counts["bytes"] += size
                for line in lines:
                    number += 1
                    if not line:
                        continue
                    ctx.line = number
                    try:
                        event = parse(line, ctx)
                    except BadLine as exc:
                        bad_total += 1
                        if run == 0:
                            run_start, recent = number, []
                        run += 1
                        if len(recent) < 20:
                            recent.append(line)
                        self._problem(source, number, str(exc))
                        if run >= self.max_bad_run:
                            raise self._wrong_format(path, run_start, recent) from None
                        continue
                    run = 0
                    good += 1
                    if event is None:
                        skipped += 1
                    else:
                        events += 1
                        yield event
            if good == 0 and bad_total:
                raise self._wrong_format(path, run_start, recent)
        finally:
            counts["lines"] += number
            counts["events"] += events
            counts["skipped"] += skipped
            counts["bad"] += bad_total

    def _wrong_format(self, path: Path, line: int, sample: list[str]) -> LogFormatError:
        return wrong_format_error(self.format.name, path, line, sample)


def wrong_format_error(name: str, path: Path, line: int, sample: list[str]) -> LogFormatError:
    """The error for a file that is not in format *name* from *line* on, guessing the right one from *sample*."""
    from mamori.logs.registry import guess_format, log_formats

    guess = guess_format(sample, exclude=name)
    hint = f"try --format {guess}" if guess else f"known formats: {', '.join(log_formats().names())}"
    return LogFormatError(f"line {line} of {path.name} is not {name} format; {hint}")


def stream_file(path: str | Path | Sequence[str | Path], fmt: LogFormat | str = "auto", *,
                timezone: str | tzinfo = DEFAULT_TIMEZONE, max_bad_run: int = 50, max_problems: int = 1000,
                on_format_error: str = "raise", rotated: bool = False, year: int | None = None) -> LogStream:
    """A lazy :class:`LogStream` over *path* (a file, a glob, a rotated set, or a list of them).

    *fmt* is a LogFormat, a registered name, or "auto" (sniffed from the first file). Naive
    timestamps take *timezone*; syslog-style lines without a year take *year* (default: the file's
    modification year, months after it counting as the year before).
    """
    from mamori.logs.registry import detect_format, make_format

    specs = [path] if isinstance(path, str | Path) else list(path)
    paths: list[Path] = []
    for spec in specs:
        paths.extend(p for p in expand_log_paths(spec, rotated=rotated) if p not in paths)
    if isinstance(fmt, str):
        fmt = make_format(detect_format(paths[0]) if fmt == "auto" else fmt)
    return LogStream(paths, fmt, timezone=timezone, max_bad_run=max_bad_run, max_problems=max_problems,
                     on_format_error=on_format_error, year=year)


def parse_file(path: str | Path | Sequence[str | Path], fmt: LogFormat | str = "auto", *,
               timezone: str | tzinfo = DEFAULT_TIMEZONE, max_bad_run: int = 50, max_problems: int = 1000,
               on_format_error: str = "raise", rotated: bool = False, year: int | None = None) -> ParseResult:
    """Read every event of *path* into memory (see :func:`stream_file` for the lazy form)."""
    stream = stream_file(path, fmt, timezone=timezone, max_bad_run=max_bad_run, max_problems=max_problems,
                         on_format_error=on_format_error, rotated=rotated, year=year)
    events = list(stream)
    return ParseResult(stream.format.name, tuple(str(p) for p in stream.paths), events,
                       tuple(stream.problems), stream.counts)
