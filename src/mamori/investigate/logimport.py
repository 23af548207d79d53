"""Importing server and access logs into the case store, incrementally and all-or-nothing per file.

A source is known by the SHA-256 of its (decompressed) content: a log rotated to ``access_log.1`` or
compressed to ``access_log.2.gz`` is the same source under a new path and is not imported twice. A
file whose content changed (the live log grew) replaces its earlier events. Files no longer in the
case are dropped with their events.
"""

from __future__ import annotations

import hashlib
import io
import json
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from mamori.errors import LogFormatError
from mamori.investigate.case import MAPPED_FORMATS, LogSource
from mamori.investigate.overlap import mark_overlaps
from mamori.investigate.store import CaseStore
from mamori.logs.accesscols import AccessColumns
from mamori.logs.driver import LogStream, stream_file
from mamori.logs.events import AccessEvent, FileEvent
from mamori.logs.fastaccess import parse_access_columns
from mamori.logs.paths import expand_log_paths
from mamori.logs.reader import open_log
from mamori.logs.registry import detect_format, make_format
from mamori.logs.text import storable

BATCH = 200_000

FILE_SCHEMA: dict[str, Any] = {
    "source_id": pl.Int32, "line": pl.Int64, "t_us": pl.Int64, "action": pl.Utf8, "path": pl.Utf8,
    "new_path": pl.Utf8, "size": pl.Int64, "ip": pl.Utf8, "user": pl.Utf8, "ok": pl.Boolean, "mask": pl.Utf8,
}
ACCESS_SCHEMA: dict[str, Any] = {
    "source_id": pl.Int32, "line": pl.Int64, "t_us": pl.Int64, "ip": pl.Utf8, "method": pl.Utf8, "path": pl.Utf8,
    "status": pl.Int32, "bytes": pl.Int64, "user_agent": pl.Utf8, "referer": pl.Utf8, "encoding": pl.Utf8,
}


@dataclass(frozen=True)
class ImportReport:
    """What one import pass did: files imported, skipped as already there, dropped; events; problems."""

    imported: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    events: int = 0
    problems: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()  # "file: why" of each file that could not be read at all (skipped)

    @property
    def changed(self) -> bool:
        return bool(self.imported or self.dropped)


def content_hashes(path: Path) -> tuple[str, str]:
    """(SHA-256 of the file's bytes, SHA-256 of its decompressed content)."""
    raw = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            raw.update(block)
    plain = hashlib.sha256()
    try:
        with open_log(path) as stream:
            if isinstance(stream, io.BufferedReader):
                return raw.hexdigest(), raw.hexdigest()
            while block := stream.read(1 << 20):
                plain.update(block)
    except (OSError, EOFError, ValueError) as exc:
        raise LogFormatError(f"{path.name}: cannot read the compressed log: {exc}") from exc
    return raw.hexdigest(), plain.hexdigest()


def import_logs(store: CaseStore, kind: str, sources: Sequence[LogSource],
                on_file: Callable[[str], None] | None = None) -> ImportReport:
    """Bring the store's *kind* ("server" / "access") events in line with *sources*."""
    known = {row[0]: row for row in store.con.execute(
        "SELECT path, id, size, mtime, content_sha256, spec FROM sources WHERE kind = ?", [kind]).fetchall()}
    by_content = {(row[4], row[5]): row[1] for row in known.values()}
    seen_ids: set[int] = set()
    imported: list[str] = []
    unchanged: list[str] = []
    problems: list[str] = []
    failed: list[str] = []
    events = 0
    for source in sources:
        spec = reading_spec(source)
        for path in expand_log_paths(source.path):
            name = str(path)
            try:
                stat = path.stat()
            except OSError as exc:
                failed.append(f"{name}: {exc}")
                continue
            row = known.get(name)
            if row is not None and row[2] == stat.st_size and row[3] == stat.st_mtime and row[5] == spec:
                seen_ids.add(row[1])
                unchanged.append(name)
                continue
            # The first import of a log set cannot meet content it already holds: the file is parsed while
            # another thread hashes it (hashlib and Polars both work without the GIL). Else hash first.
            speculate = kind == "access" and not any(known_spec == spec for _, known_spec in by_content)
            parsed: _Parsed | BaseException | None = None
            try:
                if speculate:
                    with ThreadPoolExecutor(max_workers=1) as pool:
                        hashing = pool.submit(content_hashes, path)
                        try:
                            parsed = _parse(kind, source, path)
                        except (OSError, EOFError, ValueError, zlib.error, LogFormatError) as exc:
                            parsed = exc
                        sha, content = hashing.result()
                else:
                    sha, content = content_hashes(path)
            except LogFormatError as exc:  # one bad file (a truncated .gz) is its own problem; the rest go on
                failed.append(f"{name}: {exc}")
                if row is not None:
                    seen_ids.add(row[1])  # what an earlier run read of it stays
                continue
            same = by_content.get((content, spec))
            if same is not None and same not in seen_ids:
                # the same content under a new path (rotated, compressed): note the path, import nothing
                store.con.execute("UPDATE sources SET path = ?, size = ?, mtime = ?, sha256 = ? WHERE id = ?",
                                  [name, stat.st_size, stat.st_mtime, sha, same])
                seen_ids.add(same)
                unchanged.append(name)
                continue
            if on_file:
                on_file(name)
            replace = row[1] if row is not None and row[1] not in seen_ids else None
            try:
                if isinstance(parsed, BaseException):
                    raise parsed
                new_id, count, file_problems = _import_file(store, kind, source, path, sha, content, stat, replace,
                                                            parsed)
            except (OSError, EOFError, ValueError, zlib.error, LogFormatError) as exc:
                failed.append(f"{name}: {exc}")
                if row is not None:
                    seen_ids.add(row[1])
                continue
            seen_ids.add(new_id)
            by_content[(content, spec)] = new_id
            imported.append(name)
            events += count
            problems.extend(file_problems)
    stale = [row for row in known.values() if row[1] not in seen_ids]
    for row in stale:
        with store.transaction() as con:
            _delete_source(con, kind, row[1])
    if kind == "access":
        mark_overlaps(store.con)
    return ImportReport(tuple(imported), tuple(unchanged), tuple(r[0] for r in stale), events,
                        (*failed, *problems), tuple(failed))


def reading_spec(source: LogSource) -> str:
    """How *source* is read (format, zone, year, mapping): a file read another way is imported again."""
    return json.dumps({"path": source.path, "format": source.format, "timezone": source.timezone,
                       "year": source.year, "mapping": dict(source.mapping)}, ensure_ascii=False, sort_keys=True)


def _delete_source(con: Any, kind: str, source_id: int) -> None:
    table = "file_events" if kind == "server" else "access_events"
    con.execute(f"DELETE FROM {table} WHERE source_id = ?", [source_id])
    con.execute("DELETE FROM sources WHERE id = ?", [source_id])


@dataclass(frozen=True)
class _Parsed:
    """A log file read for import: its format, and its events as columns or as a lazy stream."""

    format: str
    columns: AccessColumns | None
    stream: LogStream | None


def _parse(kind: str, source: LogSource, path: Path) -> _Parsed:
    fmt_name = detect_format(path) if source.format == "auto" else source.format
    fmt = make_format(fmt_name, mapping=source.mapping) if fmt_name in MAPPED_FORMATS else make_format(fmt_name)
    if fmt.kind != kind:
        raise LogFormatError(f"{path.name} is a {fmt.kind} log ({fmt_name}), listed as a {kind} log in the case")
    # combined/common access logs are split column-wise (no Python object per line), parsed before the
    # transaction; other formats stream through their line parser inside it
    if fmt_name == "combined":
        return _Parsed(fmt_name, parse_access_columns([path], timezone=source.timezone), None)
    return _Parsed(fmt_name, None, stream_file([path], fmt, timezone=source.timezone, year=source.year))


def _import_file(store: CaseStore, kind: str, source: LogSource, path: Path, sha: str, content: str,
                 stat: Any, replace: int | None, parsed: _Parsed | None = None) -> tuple[int, int, list[str]]:
    parsed = parsed or _parse(kind, source, path)
    fmt_name, columns, stream = parsed.format, parsed.columns, parsed.stream
    with store.transaction() as con:
        if replace is not None:
            _delete_source(con, kind, replace)
        rows = con.execute("SELECT coalesce(max(id), 0) + 1 FROM sources").fetchall()
        source_id = int(rows[0][0]) if rows else 1
        if columns is not None:
            _AccessWriter(store, source_id).add_columns(columns)
            counts, log_problems = columns.counts, columns.problems
        else:
            assert stream is not None
            writer = _FileWriter(store, source_id) if kind == "server" else _AccessWriter(store, source_id)
            for event in stream:
                writer.add(event)  # type: ignore[arg-type]
            writer.flush()
            counts, log_problems = stream.counts, tuple(stream.problems)
        problems = [f"{p.file}:{p.line}: {p.reason}" for p in log_problems]
        con.execute(
            "INSERT INTO sources (id, kind, spec, path, size, mtime, sha256, content_sha256, format, lines, events,"
            " bad, problems) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [source_id, kind, reading_spec(source), str(path), stat.st_size, stat.st_mtime, sha, content, fmt_name,
             counts.lines, counts.events, counts.bad, json.dumps(problems[:100], ensure_ascii=False)])
    return source_id, counts.events, problems


def _us(event: FileEvent | AccessEvent) -> int:
    return int(event.time.timestamp() * 1_000_000)


def clean(text: str | None) -> str | None:
    """*text* storable as UTF-8: bytes kept as surrogates (undecodable names) become ``\\xNN`` escapes."""
    return None if text is None else storable(text)


class _FileWriter:
    def __init__(self, store: CaseStore, source_id: int) -> None:
        self.store, self.source_id = store, source_id
        self.rows: list[tuple[Any, ...]] = []

    def add(self, e: FileEvent) -> None:
        self.rows.append((self.source_id, e.line, _us(e), e.action, clean(e.path), clean(e.new_path), e.size,
                          e.ip, clean(e.user), e.ok, e.mask))
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.store.append("file_events", dict(zip(FILE_SCHEMA, zip(*self.rows, strict=True), strict=True)),
                              FILE_SCHEMA)
            self.rows = []


class _AccessWriter:
    def __init__(self, store: CaseStore, source_id: int) -> None:
        self.store, self.source_id = store, source_id
        self.cols: tuple[list[Any], ...] = tuple([] for _ in ACCESS_SCHEMA)
        self.frame: pl.DataFrame | None = None

    def add(self, e: AccessEvent) -> None:
        c = self.cols
        c[0].append(self.source_id)
        c[1].append(e.line)
        c[2].append(_us(e))
        c[3].append(clean(e.ip))
        c[4].append(e.method)
        c[5].append(clean(e.path))
        c[6].append(e.status)
        c[7].append(e.bytes)
        c[8].append(clean(e.user_agent))
        c[9].append(clean(e.referer))
        c[10].append(e.path_encoding)
        if len(c[0]) >= BATCH:
            self.flush()

    def add_columns(self, columns: AccessColumns) -> None:
        """All events of a column-wise parse, straight from the columns (DuckDB reads them over Arrow)."""
        names = [name for name in ACCESS_SCHEMA if name != "source_id"]
        table = columns.table(names).select(pl.lit(self.source_id, pl.Int32).alias("source_id"), *names)
        for start in range(0, table.height, BATCH):
            self.frame = table.slice(start, BATCH)
            self.flush()

    def flush(self) -> None:
        if self.frame is not None:
            part, self.frame = self.frame, None
            self.store.append_frame("access_events", part)
        if self.cols[0]:
            self.store.append("access_events", dict(zip(ACCESS_SCHEMA, self.cols, strict=True)), ACCESS_SCHEMA)
            self.cols = tuple([] for _ in ACCESS_SCHEMA)
