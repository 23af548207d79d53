"""What the reports read from the case store beside ``Findings``: log files and evidence hashes, version ids.

``Findings.accesses`` name server-file versions by the engine's version id, which ``ServerFile`` does
not carry; the id is found again from the store's saved *files* stage (logged path, size, upload
instant). Everything here only reads; a missing or foreign store gives empty facts, never an error,
so a report can still be written from ``findings.json`` alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from mamori.investigate.findings import Findings, ServerFile
from mamori.investigate.store import STORE_NAME, key_records
from mamori.people.dedupe import DistinctPeople


@dataclass(frozen=True)
class LogFile:
    """One imported log file as the store recorded it."""

    kind: str  # "server" | "access"
    path: str
    size: int | None
    sha256: str | None
    format: str
    lines: int
    events: int
    bad: int


@dataclass(frozen=True)
class EvidenceHash:
    """One evidence file the findings name, with its hash when the engine computed it."""

    label: str
    size: int | None
    sha256: str | None


@dataclass(frozen=True)
class StoreFacts:
    """Log files, hashes of the evidence files the findings use, and server file → version id."""

    logs: tuple[LogFile, ...] = ()
    evidence: tuple[EvidenceHash, ...] = ()
    version_of: Mapping[int, int] | None = None  # index in findings.server_files → version id


def _connect(out_dir: Path) -> duckdb.DuckDBPyConnection | None:
    path = out_dir / STORE_NAME
    if not path.is_file():
        return None
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None


def read_facts(out_dir: Path, findings: Findings) -> StoreFacts:
    """The store's facts for *findings*; empty when the store cannot be read."""
    con = _connect(out_dir)
    if con is None:
        return StoreFacts()
    try:
        logs = tuple(LogFile(k, p, s, h, f or "", int(n or 0), int(e or 0), int(b or 0)) for k, p, s, h, f, n, e, b in
                     con.execute("SELECT kind, path, size, sha256, format, lines, events, bad FROM sources "
                                 "ORDER BY kind DESC, path").fetchall())
        labels = sorted({label for f in findings.server_files for label in f.evidence})
        known = {f"{ev}/{rel}": (size, sha) for ev, rel, size, sha in con.execute(
            "SELECT evidence, rel_path, size, sha256 FROM evidence_files WHERE list_contains(?, evidence || '/' || "
            "rel_path)", [labels]).fetchall()}
        evidence = tuple(EvidenceHash(label, *known.get(label, (None, None))) for label in labels)
        row = con.execute("SELECT payload FROM stages WHERE name = 'files'").fetchone()
        version_of = _version_ids(findings.server_files, json.loads(row[0])) if row else None
        return StoreFacts(logs, evidence, version_of)
    except (duckdb.Error, ValueError, KeyError, TypeError, IndexError):
        return StoreFacts()
    finally:
        con.close()


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _version_ids(files: tuple[ServerFile, ...], payload: Mapping[str, object]) -> dict[int, int]:
    by_key: dict[tuple[str, int | None, datetime | None], list[int]] = {}
    rows = payload["versions"]
    assert isinstance(rows, list)
    for r in rows:
        by_key.setdefault((r[1], r[3], _instant(r[4])), []).append(int(r[0]))
    out: dict[int, int] = {}
    for i, f in enumerate(files):
        ids = by_key.get((f.logged_path, f.size, _instant(f.uploaded_at)))
        if ids:
            out[i] = ids.pop(0)
    return out


def distinct_persons(out_dir: Path, shas: Iterable[str]) -> int | None:
    """Distinct people across the contents *shas* (as the engine counts them), or None without a store."""
    wanted = sorted(set(shas))
    if not wanted:
        return 0
    con = _connect(out_dir)
    if con is None:
        return None
    try:
        records = key_records(con, wanted)
    except duckdb.Error:
        return None
    finally:
        con.close()
    people = DistinctPeople()
    people.add_all(records)
    return people.count
