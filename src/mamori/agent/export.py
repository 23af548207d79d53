"""Write a grant's files to its medium: all of them, verified, or nothing.

1. The medium behind the mount point must be the grant's (vendor, product, serial from sysfs).
2. The source folder must hold exactly the grant's files, each with the approved SHA-256 and size
   (a changed, added or missing file is refused before anything touches the medium).
3. Files are copied into a hidden folder on the medium (``.mamori-tmp-<grant>``), flushed to the
   device, dropped from the page cache and read back from the medium; every hash must be the grant's.
4. The manifest (with the signed grant) is written beside them, and the hidden folder is renamed to
   ``mamori-<request>`` in one step: a reader of the medium sees the whole export or none of it.

Any failure (medium pulled, full, a read-back mismatch, an interrupt) removes the hidden folder; a
SIGKILL can leave it, and the next run of the agent on that medium removes it first.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from mamori.agent.grant import Grant, Ledger
from mamori.agent.home import fsync_dir
from mamori.agent.medium import MediumIdentity, MediumProbe
from mamori.agent.refusal import ExportRefused

BUFFER = 4 << 20
TMP_PREFIX = ".mamori-tmp-"
MANIFEST = "mamori-manifest.json"
RECEIPT = "mamori-receipt.json"
MANIFEST_FORMAT = "mamori-export/1"
_REMOVED = {errno.ENODEV, errno.EIO, errno.ENOENT, errno.ENXIO, errno.ESHUTDOWN, errno.EROFS, errno.ESTALE}
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


@dataclass(frozen=True)
class WrittenFile:
    """One file as it is on the medium."""

    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class ExportResult:
    """A finished export: where it is, what it holds, and the manifest it carries."""

    grant_id: str
    request_id: int
    folder: Path
    medium: MediumIdentity
    files: tuple[WrittenFile, ...]
    manifest: dict[str, Any]

    def executed_report(self) -> dict[str, Any]:
        """The body of /api/exports/{grant}/executed: built from the manifest only, so it is the same on retry."""
        return {"medium": self.manifest["medium"], "result": "ok", "executed_at": self.manifest["written_at"],
                "files": [{"name": f["name"], "sha256": f["sha256"], "size": f["size"]}
                          for f in self.manifest["files"]]}


class Writer:
    """How bytes reach the medium; tests replace it to pull the medium or fill it mid-copy."""

    def copy(self, src: int, dst: int, size: int) -> None:
        """Copy `size` bytes from `src` to `dst` (kernel copy where the kernel can, else buffered)."""
        done = 0
        try:
            while done < size:
                n = os.copy_file_range(src, dst, min(size - done, 1 << 30))
                if n == 0:
                    break
                done += n
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL) or done:
                raise
        if done < size:
            buffer = bytearray(BUFFER)
            view = memoryview(buffer)
            while True:
                n = os.readv(src, [buffer])
                if n == 0:
                    break
                _write_all(dst, view[:n])

    def sync(self, folder: int, files: list[int]) -> None:
        """Flush the copied files to the device (one syncfs for the file system where available)."""
        if not _syncfs(folder):
            for fd in files:
                os.fsync(fd)


def _write_all(fd: int, data: memoryview) -> None:
    while data:
        n = os.write(fd, data)
        data = data[n:]


_libc: Any = None


def _syncfs(fd: int) -> bool:
    global _libc
    if _libc is None:
        name = ctypes.util.find_library("c")
        _libc = ctypes.CDLL(name, use_errno=True) if name else False
    if not _libc or not hasattr(_libc, "syncfs"):
        return False
    if _libc.syncfs(fd) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return True


def hash_file(path: Path, drop_cache: bool = False) -> tuple[str, int]:
    """(SHA-256, size) of a file, read in large buffers; `drop_cache` reads it from the device, not memory."""
    digest = hashlib.sha256()
    buffer = bytearray(BUFFER)
    view = memoryview(buffer)
    size = 0
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        if drop_cache:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        while n := os.readv(fd, [buffer]):
            digest.update(view[:n])
            size += n
    finally:
        os.close(fd)
    return digest.hexdigest(), size


def safe_name(name: str) -> PurePosixPath:
    """A grant's file name as a relative path that stays inside the export folder."""
    path = PurePosixPath(name.replace("\\", "/"))
    if not name or path.is_absolute() or any(p in ("", ".", "..") for p in path.parts) or "\x00" in name:
        raise ExportRefused("forged", f"the grant names an unsafe file {name!r}")
    return path


def check_sources(grant: Grant, source: Path, threads: int = 2,
                  ignore: frozenset[Path] = frozenset()) -> list[tuple[PurePosixPath, Path, str, int]]:
    """The grant's files in `source`, each re-hashed; refuse added, missing or changed files.

    `ignore` holds files that may sit beside them without being exported (the grant file itself).
    """
    wanted = {safe_name(str(f["name"])): (str(f["sha256"]), int(f["size"])) for f in grant.files}
    present: set[PurePosixPath] = set()
    for dirpath, dirnames, filenames in os.walk(source):
        dirnames.sort()
        for found in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            if Path(dirpath, found).resolve() not in ignore:
                present.add(PurePosixPath(Path(dirpath, found).relative_to(source).as_posix()))
    if added := sorted(present - set(wanted)):
        raise ExportRefused("file_added", ", ".join(str(a) for a in added[:5]))
    if missing := sorted(set(wanted) - present):
        raise ExportRefused("file_missing", ", ".join(str(m) for m in missing[:5]))
    entries = sorted(wanted.items())
    for rel, (_, size) in entries:
        target = source / rel
        if target.is_symlink() or not target.is_file():
            raise ExportRefused("file_added", f"{rel} is not a regular file")
        if target.stat().st_size != size:
            raise ExportRefused("file_changed", f"{rel}: {target.stat().st_size} bytes, approved {size}")
    with ThreadPoolExecutor(max_workers=threads) as pool:
        hashes = list(pool.map(lambda e: hash_file(source / e[0]), entries))
    for (rel, (sha, size)), (got, got_size) in zip(entries, hashes, strict=True):
        if got != sha or got_size != size:
            raise ExportRefused("file_changed", str(rel))
    return [(rel, source / rel, sha, size) for rel, (sha, size) in entries]


def remove_stale(mount: Path) -> list[str]:
    """Remove hidden folders that a killed export left on the medium; their names."""
    removed = []
    try:
        for entry in os.scandir(mount):
            if entry.name.startswith(TMP_PREFIX) and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(entry.name)
    except OSError:
        pass
    return removed


def _reason(exc: OSError) -> str:
    if exc.errno in _FULL:
        return "disk_full"
    if exc.errno in _REMOVED:
        return "medium_removed"
    return "write_failed"


def folder_name(grant: Grant) -> str:
    """Where the export goes on the medium: one folder per request."""
    return f"mamori-{grant.request_id}"


@dataclass
class Exporter:
    """Writes grants to media; the probe and the writer are what tests replace."""

    probe: MediumProbe
    ledger: Ledger
    writer: Writer
    endpoint: str = ""
    audit_key: str = ""
    threads: int = 2
    progress: Callable[[str], None] | None = None

    def identify(self, grant: Grant, mount: Path) -> MediumIdentity:
        """The medium at `mount`, refused unless it is the grant's."""
        found = self.probe.identify(mount)
        if found.as_grant() != grant.medium:
            wanted = grant.medium
            raise ExportRefused("other_medium", f"connected {found.vendor_id}:{found.product_id} {found.serial!r}, "
                                                f"approved {wanted['vendor_id']}:{wanted['product_id']} "
                                                f"{wanted['serial']!r}")
        return found

    def recover(self, grant: Grant, mount: Path) -> ExportResult | None:
        """An export of `grant` that reached the medium before the agent was killed, if there is one."""
        entry = self.ledger.state(grant.grant_id)
        manifest_path = mount / folder_name(grant) / MANIFEST
        if entry is None or entry.get("state") != "writing" or not manifest_path.is_file():
            return None
        try:
            manifest = json.loads(manifest_path.read_bytes())
        except (OSError, ValueError):
            return None
        if manifest.get("grant_id") != grant.grant_id:
            return None
        return self._result(grant, mount / folder_name(grant), self.probe.identify(mount), manifest)

    def export(self, grant: Grant, source: Path, mount: Path, ignore: frozenset[Path] = frozenset()) -> ExportResult:
        """Write `grant`'s files from `source` to the medium at `mount`; ExportRefused and nothing on it otherwise."""
        medium = self.identify(grant, mount)
        if (recovered := self.recover(grant, mount)) is not None:
            return recovered
        files = check_sources(grant, source, self.threads, ignore)
        remove_stale(mount)
        final = mount / folder_name(grant)
        if final.exists():
            raise ExportRefused("destination_exists", str(final))
        self.ledger.begin(grant)
        tmp = mount / f"{TMP_PREFIX}{grant.grant_id}"
        try:
            written = self._write(files, tmp)
            manifest = self._manifest(grant, medium, written)
            _write_new(tmp / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            fsync_dir(tmp)
            os.rename(tmp, final)
            fsync_dir(mount)
        except ExportRefused:
            self._abandon(grant, tmp)
            raise
        except OSError as exc:
            self._abandon(grant, tmp)
            raise ExportRefused(_reason(exc), f"{exc.strerror or exc}") from exc
        except BaseException:
            self._abandon(grant, tmp)
            raise
        return self._result(grant, final, medium, manifest)

    def _abandon(self, grant: Grant, tmp: Path) -> None:
        shutil.rmtree(tmp, ignore_errors=True)
        self.ledger.abandon(grant)

    def _write(self, files: list[tuple[PurePosixPath, Path, str, int]], tmp: Path) -> list[WrittenFile]:
        tmp.mkdir(mode=0o700)
        targets = [(name, src, tmp / name, sha, size) for name, src, sha, size in files]
        for _, _, target, _, _ in targets:
            target.parent.mkdir(parents=True, exist_ok=True)

        def copy(item: tuple[PurePosixPath, Path, Path, str, int]) -> int:
            _, src, target, _, size = item
            fd_in = os.open(src, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            try:
                fd_out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                try:
                    self.writer.copy(fd_in, fd_out, size)
                except BaseException:
                    os.close(fd_out)
                    raise
                return fd_out
            finally:
                os.close(fd_in)

        opened: list[int] = []
        try:
            with ThreadPoolExecutor(max_workers=self.threads) as pool:
                futures = [pool.submit(copy, t) for t in targets]
            failure: BaseException | None = None
            for future in futures:  # collect every opened file, so none leaks when one copy failed
                try:
                    opened.append(future.result())
                except BaseException as exc:  # noqa: BLE001 (re-raised below, after the others are closed)
                    failure = failure or exc
            if failure is not None:
                raise failure
            folder = os.open(tmp, os.O_RDONLY)
            try:
                self.writer.sync(folder, opened)
            finally:
                os.close(folder)
        finally:
            for fd in opened:
                os.close(fd)
        with ThreadPoolExecutor(max_workers=self.threads) as pool:
            back = list(pool.map(lambda t: hash_file(t[2], drop_cache=True), targets))
        written = []
        for (name, _, _, sha, size), (got, got_size) in zip(targets, back, strict=True):
            if (got, got_size) != (sha, size):
                raise ExportRefused("verify_failed", str(name))
            written.append(WrittenFile(str(name), got, got_size))
        return written

    def _manifest(self, grant: Grant, medium: MediumIdentity, written: list[WrittenFile]) -> dict[str, Any]:
        return {"format": MANIFEST_FORMAT, "grant_id": grant.grant_id, "request_id": grant.request_id,
                "requester": grant.doc.get("requester"), "purpose": grant.doc.get("purpose"),
                "recipient": grant.doc.get("recipient"), "medium": medium.as_grant(),
                "files": [{"name": w.name, "sha256": w.sha256, "size": w.size} for w in written],
                "written_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "endpoint": self.endpoint,
                "grant": json.loads(grant.envelope), "audit_key": self.audit_key,
                "receipt": f"{RECEIPT} (added when the server confirms the export)"}

    def _result(self, grant: Grant, folder: Path, medium: MediumIdentity, manifest: dict[str, Any]) -> ExportResult:
        files = tuple(WrittenFile(str(f["name"]), str(f["sha256"]), int(f["size"])) for f in manifest["files"])
        return ExportResult(grant.grant_id, grant.request_id, folder, medium, files, manifest)


def _write_new(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        _write_all(fd, memoryview(data))
        os.fsync(fd)
    finally:
        os.close(fd)


def write_receipt(folder: Path, receipt: dict[str, Any]) -> Path | None:
    """Put the server's audit receipt beside the manifest (atomically); None when the medium is not there."""
    if not (folder / MANIFEST).is_file():
        return None
    target = folder / RECEIPT
    tmp = folder / f".{RECEIPT}.tmp"
    try:
        tmp.unlink(missing_ok=True)
        _write_new(tmp, json.dumps(receipt, ensure_ascii=False).encode())
        os.replace(tmp, target)
        fsync_dir(folder)
    except OSError:
        tmp.unlink(missing_ok=True)
        return None
    return target
