"""The case store: one DuckDB file in the output folder, readable by its owner only.

It holds the imported log events, the evidence listing with hashes and inspection results (only
keyed hashes of identity values, never the values), which sources were imported (so a re-run is
incremental) and the results of each derived stage with the fingerprint of its inputs (so a stage
runs again only when an input changed). Every import is one transaction that also records the
source as done: a run killed midway leaves either all of a source or none of it.
"""

from __future__ import annotations

import json
import os
import secrets
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from mamori.errors import CaseError

STORE_NAME = "case.duckdb"
SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY, kind VARCHAR, spec VARCHAR, path VARCHAR, size BIGINT, mtime DOUBLE,
    sha256 VARCHAR, content_sha256 VARCHAR, format VARCHAR, lines BIGINT, events BIGINT, bad BIGINT,
    problems VARCHAR, imported_at TIMESTAMPTZ DEFAULT current_timestamp);
CREATE TABLE IF NOT EXISTS file_events (
    source_id INTEGER, line BIGINT, t_us BIGINT, action VARCHAR, path VARCHAR, new_path VARCHAR,
    size BIGINT, ip VARCHAR, "user" VARCHAR, ok BOOLEAN, mask VARCHAR);
CREATE TABLE IF NOT EXISTS access_events (
    source_id INTEGER, line BIGINT, t_us BIGINT, ip VARCHAR, method VARCHAR, path VARCHAR,
    status INTEGER, bytes BIGINT, user_agent VARCHAR, referer VARCHAR, encoding VARCHAR);
CREATE TABLE IF NOT EXISTS evidence_files (
    evidence VARCHAR, rel_path VARCHAR, size BIGINT, mtime DOUBLE, sha256 VARCHAR, note VARCHAR,
    PRIMARY KEY (evidence, rel_path));
ALTER TABLE evidence_files ADD COLUMN IF NOT EXISTS inode BIGINT;
ALTER TABLE evidence_files ADD COLUMN IF NOT EXISTS deleted BOOLEAN;
CREATE TABLE IF NOT EXISTS contents (
    sha256 VARCHAR PRIMARY KEY, status VARCHAR, pii BOOLEAN, categories VARCHAR, persons BIGINT,
    special_care BOOLEAN, reason VARCHAR);
CREATE TABLE IF NOT EXISTS person_keys (sha256 VARCHAR, person BIGINT, key BLOB);
CREATE TABLE IF NOT EXISTS stages (name VARCHAR PRIMARY KEY, fingerprint VARCHAR, payload VARCHAR,
    computed_at TIMESTAMPTZ DEFAULT current_timestamp);
CREATE TABLE IF NOT EXISTS client_accesses (version_id BIGINT, ip VARCHAR, kind VARCHAR, crawler VARCHAR,
    verified BOOLEAN, note VARCHAR, count BIGINT, first_us BIGINT, last_us BIGINT);
CREATE TABLE IF NOT EXISTS hour_counts (version_id BIGINT, kind VARCHAR, hour_us BIGINT, count BIGINT);
CREATE TABLE IF NOT EXISTS contacts (sha256 VARCHAR, row BIGINT, name VARCHAR, postal VARCHAR, address VARCHAR);
CREATE TABLE IF NOT EXISTS contact_files (sha256 VARCHAR PRIMARY KEY, label VARCHAR, problem VARCHAR);
"""


class CaseStore:
    """An open case store in *directory* (created 0700; the database file is 0600).

    *read_only*: open an existing store for reading (the reports); CaseError when there is none.
    """

    def __init__(self, directory: str | Path, *, read_only: bool = False) -> None:
        self.directory = Path(directory)
        self.read_only = read_only
        if read_only:
            self.path = self.directory / STORE_NAME
            if not self.path.is_file():
                raise CaseError(f"no case store in {self.directory}; run `mamori investigate CASE.toml --out "
                                f"{self.directory}` first")
            try:
                self.con = duckdb.connect(str(self.path), read_only=True)
            except duckdb.Error as exc:
                raise CaseError(f"cannot read the case store {self.path}: {exc}") from exc
            try:
                version = self.meta("schema")
            except duckdb.Error:
                version = None
            if version != SCHEMA_VERSION:
                self.con.close()
                raise CaseError(f"case store {self.path} has schema {version}; this mamori needs "
                                f"{SCHEMA_VERSION}. Run the investigation again into a new --out folder")
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(self.directory, 0o700)
            self.path = self.directory / STORE_NAME
            self.con = duckdb.connect(str(self.path))
        except (OSError, duckdb.Error) as exc:
            raise CaseError(f"cannot open the case store in {self.directory}: {exc}") from exc
        self._lock_down()
        self.con.execute(_SCHEMA)
        version = self.meta("schema")
        if version is None:
            self.set_meta("schema", SCHEMA_VERSION)
        elif version != SCHEMA_VERSION:
            raise CaseError(f"case store {self.path} has schema {version}; this mamori needs {SCHEMA_VERSION}. "
                            "Use a new --out folder")

    def _lock_down(self) -> None:
        for path in (self.path, self.path.with_name(self.path.name + ".wal")):
            if path.exists():
                os.chmod(path, 0o600)

    def close(self) -> None:
        """Checkpoint and close the database."""
        if self.read_only:
            self.con.close()
            return
        try:
            self.con.execute("CHECKPOINT")
        finally:
            self.con.close()
            self._lock_down()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: commit at the end, roll back on any exception (a kill discards it too)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def secret(self) -> bytes:
        """The case's identity-key secret: made once, kept so re-runs give the same person keys."""
        value = self.meta("key_secret")
        if value is None:
            value = secrets.token_hex(32)
            self.set_meta("key_secret", value)
        return bytes.fromhex(value)

    @contextmanager
    def frame(self, columns: Mapping[str, Sequence[Any]], schema: Mapping[str, Any]) -> Iterator[str]:
        """Column lists as a Parquet file DuckDB can read in bulk (``read_parquet(path)``); removed after."""
        temp = self.directory / f".bulk-{uuid.uuid4().hex}.parquet"
        try:
            pl.DataFrame(dict(columns), schema=dict(schema)).write_parquet(temp, compression="lz4")
            os.chmod(temp, 0o600)
            yield str(temp)
        finally:
            temp.unlink(missing_ok=True)

    def append(self, table: str, columns: Mapping[str, Sequence[Any]], schema: Mapping[str, Any]) -> int:
        """Bulk-insert column lists into *table* (DuckDB has no fast row-by-row insert from Python)."""
        count = len(next(iter(columns.values()), ()))
        if count == 0:
            return 0
        names = ", ".join(f'"{c}"' for c in columns)
        with self.frame(columns, schema) as path:
            self.con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM read_parquet(?)", [path])
        return count

    def append_frame(self, table: str, frame: pl.DataFrame) -> int:
        """Bulk-insert a Polars frame whose columns are *table*'s, in its order, over Arrow (no copy to a file)."""
        if frame.height == 0:
            return 0
        self.con.from_arrow(frame.__arrow_c_stream__()).insert_into(table)
        return frame.height

    def stage(self, name: str) -> tuple[str, Any] | None:
        """(fingerprint, payload) of a derived stage's last result, or None."""
        row = self.con.execute("SELECT fingerprint, payload FROM stages WHERE name = ?", [name]).fetchone()
        return None if row is None else (str(row[0]), json.loads(row[1]))

    def save_stage(self, name: str, fingerprint: str, payload: Any) -> None:
        """Record a stage's result with the fingerprint of the inputs it was computed from."""
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        with self.transaction() as con:
            con.execute("DELETE FROM stages WHERE name = ?", [name])
            con.execute("INSERT INTO stages (name, fingerprint, payload) VALUES (?, ?, ?)", [name, fingerprint, text])


def key_records(con: duckdb.DuckDBPyConnection, shas: Iterable[str]) -> list[tuple[bytes, ...]]:
    """The identity keys of every person record in the contents *shas*, one tuple per record.

    Flat rows grouped here: DuckDB's ``list(key) GROUP BY`` costs twice as much for 680,000 records. One
    content at a time and in chunks, without the content's hash on every row: 3.4 M rows held at once, each
    with its own 64-character hash, took about 1.4 GiB for the voter list.
    """
    out: list[tuple[bytes, ...]] = []
    for sha in sorted(set(shas)):
        cursor = con.execute("SELECT person, key FROM person_keys WHERE sha256 = ? ORDER BY person", [sha])
        person: int | None = None
        keys: list[bytes] = []
        while rows := cursor.fetchmany(1 << 16):
            for number, key in rows:
                if number != person:
                    if keys:
                        out.append(tuple(keys))
                    person, keys = number, []
                keys.append(key)
        if keys:
            out.append(tuple(keys))
    return out
