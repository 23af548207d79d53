"""The evidence in the case store: a listing of every file, hashes on demand, inspection per content.

Listing is cheap (a walk and a stat); only files that may match a server file are hashed, and only
their distinct contents are inspected for personal data, as the city did in 2015 (14,000 of 1.89
million recovered files were checked). Both are committed in small batches, so a killed run resumes
where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from mamori.errors import MamoriError
from mamori.evidence.disk_image import is_disk_image
from mamori.evidence.disk_read import DiskAddress, open_entry, walk_image
from mamori.evidence.files import FileRef, walk
from mamori.evidence.limits import Limits
from mamori.extract.ocr import OcrOptions
from mamori.investigate.case import EvidenceSource
from mamori.investigate.logimport import clean
from mamori.investigate.store import CaseStore
from mamori.models import ItemResult
from mamori.scan.runner import Scan, ScanOptions

COMMIT_EVERY_S = 5.0

EVIDENCE_SCHEMA = {"evidence": pl.Utf8, "rel_path": pl.Utf8, "size": pl.Int64, "mtime": pl.Float64,
                   "note": pl.Utf8, "inode": pl.Int64, "deleted": pl.Boolean}


@dataclass(frozen=True)
class EvidenceFile:
    """One recovered file: which source, its path there ("/"-separated), size, mtime, sha256 if known."""

    evidence: str
    rel_path: str
    size: int
    mtime: float | None
    sha256: str | None
    deleted: bool = False
    """Recovered from a disk image's deleted entries (its content may be partly overwritten)."""
    inode: int | None = None
    """Its inode/MFT number when it is in a disk image (the evidence's path is then the image)."""

    @property
    def name(self) -> str:
        return self.rel_path.rsplit("/", 1)[-1]

    @property
    def label(self) -> str:
        """How findings name it: ``work_pc/rel/path``."""
        return f"{self.evidence}/{self.rel_path}"


@dataclass(frozen=True)
class Content:
    """What inspection said about one distinct content (sha256)."""

    sha256: str
    status: str
    pii: bool | None
    categories: tuple[str, ...]
    persons: int
    special_care: bool
    reason: str | None


def sync_listing(store: CaseStore, sources: Sequence[EvidenceSource]) -> bool:
    """Bring the listing in line with the folders; True when anything changed."""
    changed = False
    names = [s.name for s in sources]
    gone = store.con.execute(
        "SELECT count(*) FROM evidence_files WHERE NOT list_contains(?, evidence)", [names]).fetchone()
    if gone and gone[0]:
        with store.transaction() as con:
            con.execute("DELETE FROM evidence_files WHERE NOT list_contains(?, evidence)", [names])
        changed = True
    for source in sources:
        known = {r[0]: (r[1], r[2]) for r in store.con.execute(
            "SELECT rel_path, size, mtime FROM evidence_files WHERE evidence = ?", [source.name]).fetchall()}
        cols: dict[str, list[object]] = {k: [] for k in EVIDENCE_SCHEMA}
        seen: set[str] = set()
        for rel, size, mtime, note, inode, deleted in _listing(source.path):
            seen.add(rel)
            if known.get(rel) == (size, mtime):
                continue
            for key, value in zip(EVIDENCE_SCHEMA, (source.name, rel, size, mtime, note, inode, deleted),
                                  strict=True):
                cols[key].append(value)
        removed = [r for r in known if r not in seen]
        if cols["rel_path"] or removed:
            changed = True
            with store.transaction() as con:
                stale = cols["rel_path"] + removed
                con.execute("DELETE FROM evidence_files WHERE evidence = ? AND list_contains(?, rel_path)",
                            [source.name, stale])
                store.append("evidence_files", cols, EVIDENCE_SCHEMA)
    return changed


Listed = tuple[str, int, float | None, str | None, int | None, bool]


def _listing(path: Path) -> Iterator[Listed]:
    """(rel_path, size, mtime, note, inode, deleted) of every file in a folder or a disk image."""
    if path.is_file() and is_disk_image(path):
        try:
            for entry in walk_image(path):
                # A deleted name whose entry went to another file has no content of its own to match.
                note = entry.problem or ("entry reused by another file" if entry.origin.reused else None)
                yield entry.path, entry.size, entry.origin.mtime, note, entry.address.inode, entry.origin.deleted
        except (MamoriError, OSError, RuntimeError) as exc:  # libewf/TSK on a damaged image: one listed
            # problem, and the rest of the case goes on
            yield "$image", 0, None, f"cannot read the disk image: {exc}", None, False
        return
    base = str(path)
    for ref in walk([path]):
        rel = clean(ref.path[len(base):].lstrip("/")) or ref.path
        try:
            st = ref.fs_path.stat()
            size, mtime = st.st_size, st.st_mtime
        except OSError:
            size, mtime = 0, None
        yield rel, size, mtime, ref.skip_reason, None, False


def load_listing(store: CaseStore) -> list[EvidenceFile]:
    """Every listed evidence file, in (evidence, path) order."""
    rows = store.con.execute(
        "SELECT evidence, rel_path, size, mtime, sha256, coalesce(deleted, false), inode FROM evidence_files "
        "WHERE note IS NULL ORDER BY evidence, rel_path").fetchall()
    return [EvidenceFile(*row) for row in rows]


def evidence_ref(root: Path, f: EvidenceFile) -> FileRef:
    """How the scanner reaches *f*: a file under its folder, or an entry in its disk image."""
    if f.inode is not None and root.is_file():
        volume = f.rel_path.split("/", 1)[0]
        return FileRef(root, f.label, address=DiskAddress(root, volume, f.inode))
    return FileRef(root / f.rel_path, f.label)


def _with_inode(store: CaseStore, f: EvidenceFile) -> EvidenceFile:
    if f.inode is not None:
        return f
    row = store.con.execute("SELECT inode, coalesce(deleted, false) FROM evidence_files "
                            "WHERE evidence = ? AND rel_path = ?", [f.evidence, f.rel_path]).fetchone()
    if row is None or row[0] is None:
        return f
    return EvidenceFile(f.evidence, f.rel_path, f.size, f.mtime, f.sha256, bool(row[1]), int(row[0]))


def listing_fingerprint(store: CaseStore) -> str:
    """Changes whenever a file is added, removed or modified."""
    row = store.con.execute(
        "SELECT count(*), coalesce(sum(hash(evidence || '/' || rel_path || ':' || size || ':' || "
        "coalesce(mtime, 0))), 0) FROM evidence_files").fetchone()
    return f"{row[0]}:{row[1]}" if row else "0"


class Hasher:
    """sha256 of evidence files on demand, remembered in the store (committed every few seconds)."""

    def __init__(self, store: CaseStore, roots: dict[str, Path]) -> None:
        self.store, self.roots = store, roots
        self.pending: list[tuple[str, str, str]] = []
        self.last_commit = time.monotonic()
        self.bytes_read = 0

    def __call__(self, f: EvidenceFile) -> EvidenceFile:
        if f.sha256 is not None:
            return f
        digest = hashlib.sha256()
        ref = evidence_ref(self.roots[f.evidence], f)
        try:
            with (ref.fs_path.open("rb") if ref.address is None else open_entry(ref.address)) as stream:
                while block := stream.read(1 << 20):
                    digest.update(block)
                    self.bytes_read += len(block)
        except OSError:
            return f
        sha = digest.hexdigest()
        self.pending.append((sha, f.evidence, f.rel_path))
        if time.monotonic() - self.last_commit > COMMIT_EVERY_S:
            self.flush()
        return EvidenceFile(f.evidence, f.rel_path, f.size, f.mtime, sha, f.deleted, f.inode)

    def flush(self) -> None:
        if self.pending:
            cols = dict(zip(("sha256", "evidence", "rel_path"), map(list, zip(*self.pending, strict=True)),
                            strict=True))
            with self.store.transaction() as con, self.store.frame(cols, dict.fromkeys(cols, pl.Utf8)) as path:
                con.execute("UPDATE evidence_files AS e SET sha256 = h.sha256 FROM read_parquet(?) AS h "
                            "WHERE e.evidence = h.evidence AND e.rel_path = h.rel_path", [path])
            self.pending = []
        self.last_commit = time.monotonic()


def inspect_contents(store: CaseStore, wanted: Iterable[EvidenceFile], roots: dict[str, Path], *,
                     workers: int = 1, limits: Limits | None = None,
                     on_item: Callable[[str], None] | None = None, ocr: OcrOptions | None = None,
                     cluster: str | None = None) -> int:
    """Inspect each distinct content among *wanted* not inspected yet; returns how many were.

    *cluster*: a Dask scheduler's address (or ``local:N``) to inspect on, as ``find --cluster`` does; the
    case's own key is handed to the workers in memory and each content is saved as its file finishes."""
    done = {r[0] for r in store.con.execute("SELECT sha256 FROM contents").fetchall()}
    todo: dict[str, EvidenceFile] = {}
    for f in wanted:
        if f.sha256 and f.sha256 not in done and f.sha256 not in todo:
            todo[f.sha256] = f
    if not todo:
        return 0
    limits = limits or Limits()
    secret = store.secret()
    refs = [(sha, evidence_ref(roots[f.evidence], _with_inode(store, f))) for sha, f in sorted(todo.items())]
    # find's own runner: a big list is split over the workers (its forkserver pool is safe beside the
    # open DuckDB connection and its threads); results come back file by file, in order.
    options = ScanOptions(workers=max(1, workers), limits=limits, secret=secret, ocr=ocr, cluster=cluster)
    scan = Scan([], options, refs=[r for _, r in refs])
    for index, results in scan.indexed_batches():
        sha, ref = refs[index]
        _save(store, sha, results)
        if on_item:
            on_item(ref.path)
    return len(refs)


def _save(store: CaseStore, sha: str, results: list[ItemResult]) -> None:
    """One content's verdict and person keys, in one transaction (resume point per file)."""
    top = results[0]
    keys: dict[str, list[object]] = {"sha256": [], "person": [], "key": []}
    person = 0
    for result in results:
        for record in result.person_keys:
            for key in record:
                keys["sha256"].append(sha)
                keys["person"].append(person)
                keys["key"].append(key)
            person += 1
    with store.transaction() as con:
        con.execute("DELETE FROM person_keys WHERE sha256 = ?", [sha])
        con.execute("INSERT OR REPLACE INTO contents VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [sha, top.status.value, top.pii, json.dumps(list(top.categories)), top.persons,
                     top.special_care, top.reason])
        store.append("person_keys", keys, {"sha256": pl.Utf8, "person": pl.Int64, "key": pl.Binary})


def load_contents(store: CaseStore, shas: Iterable[str]) -> dict[str, Content]:
    """Inspection results for *shas* (those inspected)."""
    wanted = sorted(set(shas))
    rows = store.con.execute(
        "SELECT sha256, status, pii, categories, persons, special_care, reason FROM contents "
        "WHERE list_contains(?, sha256)", [wanted]).fetchall()
    return {r[0]: Content(r[0], r[1], r[2], tuple(json.loads(r[3])), int(r[4]), bool(r[5]), r[6]) for r in rows}

