"""Incremental re-scans: a file whose size and modification time are unchanged is not read again.

The cache holds the previous results per file in an owner-only SQLite file. Rows are keyed by a keyed hash
of the path (HMAC with the cache's own secret), never by the path itself; the identity keys inside the results
are the scan's keyed hashes, made with the same secret on every run so that people found in a cached file and
in a file read now are still counted once. With ``hash_check`` a file is also re-hashed (SHA-256, no parsing)
and read again when its content changed under the same size and time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mamori.cache import cache_file
from mamori.errors import ConfigError
from mamori.evidence.files import FileRef
from mamori.models import Gap, ItemResult, Location, Origin, Problem, Sample, Status

_SCHEMA = ("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);"
           "CREATE TABLE IF NOT EXISTS files (key BLOB PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
           " sha256 TEXT NOT NULL, results BLOB NOT NULL, run INTEGER NOT NULL)")
_COMMIT_EVERY = 2000
_FORMAT = "mamori-scan-cache/2"
#: Errors that may not happen again (a crashed reader, a failure while loading): such a file is read next time.
_TRANSIENT = ("the process reading this file crashed", "reading this file failed")


def default_cache_path(roots: Sequence[str | Path]) -> Path:
    """One cache per set of roots, in mamori's cache folder (named by a hash, not by the paths)."""
    joined = "\0".join(sorted(os.path.realpath(r) for r in roots))
    return cache_file(f"scans/{hashlib.sha256(joined.encode('utf-8', 'surrogateescape')).hexdigest()[:32]}.db")


def _private_file(path: Path) -> None:
    """Create the cache's folder (0700) and file (0600); refuse one that others may read."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        st = path.stat()
    except OSError as exc:
        raise ConfigError(f"the scan cache {path} cannot be created ({exc.strerror}); give --cache a folder "
                          "you can write to") from None
    if st.st_mode & 0o077:
        os.chmod(path, 0o600)


# -- results as JSON (every field, so that a cached result is the result) ---------------------------------------

def _loc(location: Location | None) -> dict[str, Any] | None:
    return None if location is None else {k: v for k, v in vars(location).items() if v is not None}


def _b64(keys: Sequence[tuple[bytes, ...]]) -> list[list[str]]:
    return [[k.hex() for k in record] for record in keys]  # hex: bytes.fromhex is the fastest way back


def _unb64(rows: list[list[str]]) -> tuple[tuple[bytes, ...], ...]:
    fromhex = bytes.fromhex
    return tuple(tuple(map(fromhex, record)) for record in rows)


def encode(results: Sequence[ItemResult]) -> bytes:
    """*results* as compressed JSON."""
    out = []
    for r in results:
        out.append({
            "path": r.path, "status": r.status.value, "size": r.size, "sha256": r.sha256, "pii": r.pii,
            "categories": list(r.categories), "persons": r.persons, "special_care": r.special_care,
            "reason": r.reason, "format": r.format, "encoding": r.encoding, "container": r.container,
            "confidence": [list(c) for c in r.confidence],
            "samples": [[s.category, s.masked, _loc(s.location)] for s in r.samples],
            "problems": [[p.code, p.message, _loc(p.location), p.gap.value if p.gap else None] for p in r.problems],
            "person_keys": _b64(r.person_keys), "partial": r.partial,
            "origin": None if r.origin is None else vars(r.origin), "ocr": r.ocr,
            "roles": [list(x) for x in r.roles], "role_keys": [[role, _b64(keys)] for role, keys in r.role_keys],
            "mtime": r.mtime, "owner": r.owner,
        })
    return zlib.compress(json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 1)


def decode(blob: bytes) -> list[ItemResult]:
    """What :func:`encode` wrote."""
    rows = json.loads(zlib.decompress(blob).decode("utf-8"))
    return [ItemResult(
        path=d["path"], status=Status(d["status"]), size=d["size"], sha256=d["sha256"], pii=d["pii"],
        categories=tuple(d["categories"]), persons=d["persons"], special_care=d["special_care"],
        reason=d["reason"], format=d["format"], encoding=d["encoding"], container=d["container"],
        confidence=tuple((c, float(v)) for c, v in d["confidence"]),
        samples=tuple(Sample(c, m, Location(**(loc or {}))) for c, m, loc in d["samples"]),
        problems=tuple(Problem(c, m, None if loc is None else Location(**loc), Gap(g) if g else None)
                       for c, m, loc, g in d["problems"]),
        person_keys=_unb64(d["person_keys"]), partial=d["partial"],
        origin=None if d["origin"] is None else Origin(**d["origin"]), ocr=d["ocr"],
        roles=tuple((role, int(n)) for role, n in d["roles"]),
        role_keys=tuple((role, _unb64(keys)) for role, keys in d["role_keys"]),
        mtime=d["mtime"], owner=d["owner"]) for d in rows]


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class ScanCache:
    """Previous results by file; ``lookup`` before a file is read, ``store`` once its results are in."""

    path: Path
    config: str
    """What the results depend on besides the file (mamori's version, limits, OCR): another value empties it."""
    hash_check: bool = False
    hits: int = 0
    misses: int = 0
    _db: sqlite3.Connection = field(init=False, repr=False)
    _secret: bytes = field(init=False, repr=False)
    _run: int = field(init=False)
    _seen: dict[str, tuple[bytes, int, int]] = field(init=False, default_factory=dict, repr=False)
    _met: list[tuple[bytes]] = field(init=False, default_factory=list, repr=False)  # keys of the hits
    _writes: int = field(init=False, default=0)
    _stored: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        _private_file(self.path)
        try:
            self._db = sqlite3.connect(self.path, isolation_level="DEFERRED")
            self._db.executescript(_SCHEMA)
            meta = dict(self._db.execute("SELECT name, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"the scan cache {self.path} is damaged ({exc}); delete it and scan again") from None
        config = f"{_FORMAT}|{self.config}".encode()
        if meta.get("config") != config or len(meta.get("secret", b"")) != 32:
            # A new mamori or other options: nothing cached is valid; a new secret for the identity keys.
            self._db.execute("DELETE FROM files")
            meta = {"config": config, "secret": os.urandom(32), "run": b"0"}
            self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(meta.items()))
        self._secret = bytes(meta["secret"])
        self._run = int(bytes(meta.get("run", b"0"))) + 1
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('run', ?)", (str(self._run).encode(),))
        self._db.commit()

    @property
    def secret(self) -> bytes:
        """The identity-key secret every run with this cache uses."""
        return self._secret

    def _key(self, display_path: str) -> bytes:
        return hmac.new(self._secret, display_path.encode("utf-8", "surrogateescape"), hashlib.sha256).digest()

    def lookup(self, ref: FileRef) -> list[ItemResult] | None:
        """The cached results of *ref* when the file is unchanged; None when it must be read."""
        if ref.skip_reason is not None or ref.address is not None:
            return None
        try:
            st = os.stat(ref.fs_path)
        except OSError:
            return None
        key = self._key(ref.display_path)
        row = self._db.execute("SELECT size, mtime_ns, sha256, results FROM files WHERE key = ?", (key,)).fetchone()
        results = None if row is None else self._valid(ref, row, st)
        if results is None:
            self.misses += 1
            self._seen[ref.display_path] = (key, st.st_size, st.st_mtime_ns)
            return None
        self.hits += 1
        self._met.append((key,))
        return results

    def _valid(self, ref: FileRef, row: tuple[Any, ...], st: os.stat_result) -> list[ItemResult] | None:
        if row[0] != st.st_size or row[1] != st.st_mtime_ns:
            return None
        if self.hash_check:
            try:
                if _sha256_of(ref.fs_path) != row[2]:
                    return None
            except OSError:
                return None
        try:
            return decode(row[3])
        except (ValueError, KeyError, TypeError, zlib.error):
            return None  # a damaged row: read the file again

    def store(self, batch: Sequence[ItemResult]) -> None:
        """Keep a file's fresh results (not those of a reader that crashed or failed to load it: read it again)."""
        if not batch:
            return
        seen = self._seen.pop(batch[0].path, None)
        if seen is None or (batch[0].status is Status.ERROR and (batch[0].reason or "").startswith(_TRANSIENT)):
            return
        key, size, mtime_ns = seen
        self._db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                         (key, size, mtime_ns, batch[0].sha256, encode(batch), self._run))
        self._stored += 1
        self._tick()

    def _tick(self) -> None:
        self._writes += 1
        if self._writes % _COMMIT_EVERY == 0:
            self._db.commit()

    def people_counts(self) -> tuple[int, int, int] | None:
        """The last run's distinct people (all, staff, business) when this run met only unchanged files and
        every file the cache held: the same records give the same counts, so they are not resolved again."""
        if self.misses or self._stored or not self.hits:
            return None
        held = self._db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
        row = self._db.execute("SELECT value FROM meta WHERE name = 'people'").fetchone()
        if held != len(set(self._met)) or row is None:
            return None
        try:
            counts = tuple(int(v) for v in bytes(row[0]).decode("ascii").split(","))
        except ValueError:
            return None
        return (counts[0], counts[1], counts[2]) if len(counts) == 3 else None

    def remember_people_counts(self, counts: tuple[int, int, int]) -> None:
        """Keep this run's distinct-people counts for a next run that meets nothing changed."""
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('people', ?)", (",".join(map(str, counts)).encode(),))

    def close(self, complete: bool) -> None:
        """Write everything; after a *complete* run, drop files this run did not meet (deleted or moved)."""
        if not complete:
            self._db.execute("DELETE FROM meta WHERE name = 'people'")  # counts of a partial run are not kept
        else:
            # Files met in the cache are kept; those neither met nor read this run are gone from the tree.
            self._db.execute("CREATE TEMP TABLE met (key BLOB PRIMARY KEY)")
            self._db.executemany("INSERT OR IGNORE INTO met VALUES (?)", self._met)
            self._db.execute("DELETE FROM files WHERE run <> ? AND key NOT IN (SELECT key FROM met)", (self._run,))
        self._db.commit()
        self._db.close()


class LazyPool:
    """A process pool started at the first ``submit`` (a scan whose files all come from the cache needs none)."""

    def __init__(self, start: Callable[[], ProcessPoolExecutor]) -> None:
        self._start = start
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if self._pool is None:
            self._pool = self._start()
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)
