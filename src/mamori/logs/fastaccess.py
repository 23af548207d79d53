"""Combined/common access logs parsed column-wise: Polars splits every line at once, Python sees values once.

The file's bytes are read as Latin-1 (byte-exact: every byte one character, the format's structure is
ASCII) and split into lines the way :func:`mamori.logs.reader.read_line_chunks` splits them. One
regular expression, ``STRICT``, splits the well-formed lines: it accepts a sub-language of
:class:`~mamori.logs.combined.CombinedFormat`'s pattern on which that pattern's groups are unambiguous
(prefix tokens without ``[``, a numeric ``dd/Mon/yyyy:HH:MM:SS +zzzz`` stamp, nothing or ``"referer"
"agent"`` after the size), and it is one-pass so the regex engine captures in a single scan. Every other
non-blank line — bad ones, odd but valid ones, invalid dates — goes through ``CombinedFormat.parse_line``
itself, so bad lines, their messages and the ``max_bad_run`` stop are exactly the line parser's.
Timestamps are computed from the distinct (date, hour, zone) prefixes; requests, referers and user
agents are decoded once per distinct value (:mod:`mamori.logs.accesscols`).
"""

from __future__ import annotations

import io
import lzma
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

import polars as pl

from mamori.errors import ConfigError, LogFormatError
from mamori.logs.accesscols import AccessColumns
from mamori.logs.base import BadLine, ParseContext
from mamori.logs.combined import CombinedFormat
from mamori.logs.driver import DEFAULT_TIMEZONE, LogStream, ParseCounts, resolve_timezone, wrong_format_error
from mamori.logs.events import AccessEvent, LogProblem
from mamori.logs.paths import expand_log_paths
from mamori.logs.reader import COMPRESSED_CHUNK_SIZE, MAX_LINE, open_log
from mamori.logs.registry import SAMPLE_LINES, make_format
from mamori.logs.text import ERRORS
from mamori.logs.timeparse import MONTHS, offset

_Q = r'(?:[^"\\]|\\.)*'
_T = r"[^ \t\n\r\f\v\[]+"
_STAMP = r"[0-9]{2}/[A-Za-z]{3}/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}"
#: Groups: 1-3 (+4 with a vhost) the prefix tokens, 5 stamp, 6 request, 7 status, 8 size, 9 referer, 10 agent.
STRICT = (rf'^({_T}) ({_T}) ({_T}) (?:({_T}) )?\[({_STAMP})\] "({_Q})" ([0-9]{{3}}|-) ([0-9]{{1,18}}|-)'
          rf'(?: "({_Q})" "({_Q})"(?: .*)?)?$')
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_access_columns(path: str | Path | Sequence[str | Path], *, timezone: str | tzinfo = DEFAULT_TIMEZONE,
                         max_bad_run: int = 50, max_problems: int = 1000, on_format_error: str = "raise",
                         rotated: bool = False) -> AccessColumns:
    """The events of combined/common access logs as columns; the same events, problems and errors as
    ``parse_file(path, "combined", …)`` (only ``counts.bytes`` may differ for a file stopped midway)."""
    if on_format_error not in ("raise", "record"):
        raise ConfigError("on_format_error must be 'raise' or 'record'")
    specs = [path] if isinstance(path, str | Path) else list(path)
    paths: list[Path] = []
    for spec in specs:
        paths.extend(p for p in expand_log_paths(spec, rotated=rotated) if p not in paths)
    run = _Run(resolve_timezone(timezone), max(1, max_bad_run), max_problems, on_format_error)
    for index, file in enumerate(paths):
        try:
            run.file(index, file)
        except LogFormatError as exc:
            if on_format_error == "raise":
                raise
            run.problem(str(file), 0, str(exc))
    counts = ParseCounts(**run.counts)
    frame = pl.concat(run.frames, how="vertical") if run.frames else _empty()
    return AccessColumns("combined", tuple(str(p) for p in paths), frame, tuple(run.events), tuple(run.problems),
                         counts)


@dataclass
class _Run:
    tz: tzinfo
    max_bad_run: int
    max_problems: int
    on_format_error: str
    frames: list[pl.DataFrame] = field(default_factory=list)
    events: list[AccessEvent] = field(default_factory=list)
    problems: list[LogProblem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("files", "lines", "events", "skipped", "bad", "bytes"), 0))

    def problem(self, source: str, line: int, reason: str) -> None:
        if len(self.problems) < self.max_problems:
            self.problems.append(LogProblem(source, line, reason))

    def file(self, index: int, path: Path) -> None:
        self.counts["files"] += 1
        data, read_error = read_bytes(path)
        self.counts["bytes"] += len(data)
        series = split_lines(data)
        fmt = CombinedFormat()
        sample = [_exact(line) for line in series.head(SAMPLE_LINES).to_list()]
        if (any(sample) and not fmt.matches(sample)) or (
                len(data) > MAX_LINE and (series.str.len_chars().max() or 0) > MAX_LINE):  # type: ignore[operator]
            # rare shapes (cut giant lines, a file of another format): the line parser decides everything
            self._delegate(path)
            return
        self._columns(index, path, series, fmt, read_error)

    def _delegate(self, path: Path) -> None:
        stream = LogStream([path], make_format("combined"), timezone=self.tz, max_bad_run=self.max_bad_run,
                           max_problems=self.max_problems - len(self.problems), on_format_error="raise")
        try:
            for event in stream:
                self.events.append(event)  # type: ignore[arg-type]
        finally:
            self.problems.extend(stream.problems)
            for key, value in stream.counts.__dict__.items():
                if key not in ("files", "bytes"):
                    self.counts[key] += value

    def _columns(self, index: int, path: Path, series: pl.Series, fmt: CombinedFormat,
                 read_error: LogFormatError | None) -> None:
        source = str(path)
        frame = _split(series)
        odd = pl.col("t_us").is_null() & ~pl.col("blank")
        slow = frame.filter(odd).select("line", "rank", "text")
        # a clean log (every line split, none blank) is kept as it is: no copy of its columns
        fast = frame if slow.is_empty() and not frame["blank"].any() else frame.filter(pl.col("t_us").is_not_null())
        try:
            mtime = datetime.fromtimestamp(path.stat().st_mtime, self.tz)
        except (OSError, ValueError, OverflowError):
            mtime = None
        ctx = ParseContext(source, self.tz, reference=mtime)
        stop = good = bad = run = run_start = last_bad = 0
        recent: list[str] = []
        events: list[AccessEvent] = []
        for number, rank, raw in slow.iter_rows():
            line = _exact(raw)
            ctx.line = number
            try:
                events.append(fmt.parse_line(line, ctx))
            except BadLine as exc:
                bad += 1
                if run == 0 or rank != last_bad + 1:
                    run, run_start, recent = 0, number, []
                run += 1
                last_bad = rank
                if len(recent) < 20:
                    recent.append(line)
                self.problem(source, number, str(exc))
                if run >= self.max_bad_run:
                    stop = number
                    break
                continue
            good += 1
            run = 0
        if stop:
            fast = fast.filter(pl.col("line") < stop)
        good += fast.height
        self.counts["lines"] += stop or series.len()
        self.counts["events"] += good
        self.counts["bad"] += bad
        self.frames.append(fast.select(pl.lit(index, pl.Int32).alias("file"), *_RAW_COLUMNS))
        self.events.extend(events)
        if stop or (read_error is None and good == 0 and bad):
            raise wrong_format_error(fmt.name, path, run_start, recent)
        if read_error is not None:
            raise read_error


_RAW_COLUMNS = ("line", "t_us", "zone", "vhost", "ip", "user", "request", "status", "bytes", "referer", "agent")


def _split(text: pl.Series) -> pl.DataFrame:
    """Per line: number, blank, non-blank rank, text, and for STRICT lines with a valid time the raw fields."""
    stamp = pl.col("g").struct.field("5")
    group = pl.col("g").struct.field
    vhosted = group("4").is_not_null()
    fields = pl.LazyFrame({"text": text}).with_row_index("line", offset=1).with_columns(
        g=pl.col("text").str.extract_groups(STRICT)).select(
        pl.col("line").cast(pl.Int64), "text",
        hour=pl.concat_str([stamp.str.slice(0, 14), stamp.str.slice(20)]),
        seconds=stamp.str.slice(15, 2).cast(pl.Int64) * 60 + stamp.str.slice(18, 2).cast(pl.Int64),
        valid=(stamp.str.slice(15, 1) < "6") & (stamp.str.slice(18, 1) < "6"),
        zone=stamp.str.slice(21),
        vhost=pl.when(vhosted).then(group("1")),
        ip=pl.when(vhosted).then(group("2")).otherwise(group("1")),
        user=pl.when(vhosted).then(group("4")).otherwise(group("3")),
        request=group("6"),
        status=pl.when(group("7") == "-").then(0).otherwise(group("7").cast(pl.Int32, strict=False)).cast(pl.Int32),
        bytes=pl.when(group("8") == "-").then(None).otherwise(group("8").cast(pl.Int64, strict=False)),
        referer=group("9"),
        agent=group("10"),
    )
    # two halves: Polars runs the parts of a concat on both cores
    half = max(1, -(-text.len() // 2))
    frame = pl.concat([fields.slice(0, half), fields.slice(half)], parallel=True).collect()
    hours = frame["hour"].drop_nulls().unique().to_list()
    base = pl.col("hour").replace_strict(hours, [_hour_us(h) for h in hours], default=None, return_dtype=pl.Int64)
    return frame.with_columns(
        blank=pl.col("text") == "",
        rank=(pl.col("text") != "").cum_sum(),
        t_us=pl.when(pl.col("valid")).then(base + pl.col("seconds") * 1_000_000),
    )


def split_lines(data: bytes) -> pl.Series:
    """The lines of *data* as the log reader splits them ("\\r\\n" ends a line too), bytes as Latin-1."""
    if data and data.isascii() and b"\x01" not in data and not data.endswith(b"\r"):
        # the common case (Apache and nginx escape non-ASCII bytes): Polars' multi-threaded CSV reader
        frame = pl.read_csv(data, has_header=False, separator="\x01", quote_char=None, new_columns=["text"],
                            schema={"text": pl.Utf8}, infer_schema=False)
        return frame["text"].fill_null("")
    text = data.decode("latin-1")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if "\r" in text:
        ended = len(lines) if text.endswith("\n") else len(lines) - 1
        lines[:ended] = [line[:-1] if line[-1:] == "\r" else line for line in lines[:ended]]
    return pl.Series("text", lines, dtype=pl.Utf8)


def _hour_us(key: str) -> int | None:
    """µs since the epoch of ``dd/Mon/yyyy:HH +zzzz`` (as TimeCache.clf reads it), None if invalid."""
    try:
        when = datetime(int(key[7:11]), MONTHS[key[3:6]], int(key[0:2]), int(key[12:14]), tzinfo=offset(key[15:]))
    except (KeyError, ValueError):
        return None
    return (when - _EPOCH) // timedelta(microseconds=1)


def _exact(line: str) -> str:
    """A Latin-1 read line as the line parser sees it (UTF-8, undecodable bytes as surrogates)."""
    return line if line.isascii() else line.encode("latin-1").decode("utf-8", ERRORS)


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema={"file": pl.Int32, "line": pl.Int64, "t_us": pl.Int64, "zone": pl.Utf8,
                                "vhost": pl.Utf8, "ip": pl.Utf8, "user": pl.Utf8, "request": pl.Utf8,
                                "status": pl.Int32, "bytes": pl.Int64, "referer": pl.Utf8, "agent": pl.Utf8})


def read_bytes(path: Path) -> tuple[bytes, LogFormatError | None]:
    """The decompressed bytes of *path*, and the error that cut them short (then only whole lines are kept)."""
    try:
        stream = open_log(path)
    except OSError as exc:
        raise LogFormatError(f"{path}: cannot read the log file: {exc.strerror or exc}") from exc
    if isinstance(stream, io.BufferedReader):
        with stream:
            try:
                return stream.read(), None
            except OSError as exc:
                raise LogFormatError(f"{path}: cannot read the log file: {exc.strerror or exc}") from exc
    blocks: list[bytes] = []
    with stream:
        while True:
            try:
                block = stream.read(COMPRESSED_CHUNK_SIZE)  # the reader's step: a corrupt tail loses the same lines
            except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
                data = b"".join(blocks)
                return data[: data.rfind(b"\n") + 1], LogFormatError(
                    f"{path.name}: compressed data is truncated or corrupt ({exc}); lines before it were read")
            if not block:
                return b"".join(blocks), None
            blocks.append(block)

