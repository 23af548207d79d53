"""`verify_log`: re-check a whole audit log from its records up, and say where it first breaks.

Every record is re-read, its leaf hash and every tree node recomputed and compared with the
stored ones, every checkpoint's signature checked and its root compared with the recomputed root
at its size, and consecutive checkpoints checked for consistency with RFC 9162 proofs. The scan
reads the files through ``mmap`` and does one hash per record and per interior node, so a million
entries take seconds. Verification only reads; it holds the log's lock just long enough to fix
the sizes it checks, so a running server can go on appending.

What no local check can catch: someone able to write the files who removes the newest entries
from all of them together with the checkpoints covering them, or who replaces the stored key and
re-signs. Receipts and checkpoints handed out are the witnesses against that: pass the public key
an auditor holds as `public_key`, not the copy stored beside the log.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import mmap
import os
import sys
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from mamori.audit.checkpoint import Checkpoint, Verifier, load_verifier, parse_verifier, verify_checkpoint
from mamori.audit.log import log_dir
from mamori.audit.merkle import EMPTY_ROOT, HASH_SIZE, consistency_proof, verify_consistency
from mamori.audit.scan import EntryScan, scan_entries
from mamori.audit.store import OFFSET, BufferNodes, is_torn_tail, leaves_for, node_count
from mamori.audit.tail import scan_frames
from mamori.errors import AuditError, AuditIntegrityError


@dataclass(frozen=True)
class VerifyReport:
    """Outcome of `verify_log`; `problem` is the first inconsistency found, None when `ok`."""

    ok: bool
    entries_checked: int
    checkpoints_checked: int
    size: int
    root: bytes
    problem: str | None = None
    entry: int | None = None
    notes: tuple[str, ...] = ()


@contextlib.contextmanager
def _mapped(path: Path, length: int) -> Iterator[bytes | mmap.mmap]:
    if length == 0:
        yield b""
        return
    with open(path, "rb") as f, mmap.mmap(f.fileno(), length, access=mmap.ACCESS_READ) as mm:
        yield mm


def _snapshot(directory: Path) -> tuple[dict[str, int], bytes]:
    """File sizes and the checkpoint file, read under a shared lock so no append is half-seen."""
    try:
        fd = os.open(directory / "lock", os.O_RDONLY)
    except FileNotFoundError:  # a copy of a log, with nobody appending to it
        fd = os.open(os.devnull, os.O_RDONLY)
    except OSError as exc:
        raise AuditError(f"cannot read the audit log in {directory}: {exc.strerror}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        sizes = {name: (directory / name).stat().st_size for name in ("records.log", "offsets.bin", "nodes.bin")}
        checkpoints = (directory / "checkpoints.log").read_bytes()
    except OSError as exc:
        raise AuditError(f"cannot read the audit log in {directory}: {exc.strerror}") from exc
    finally:
        os.close(fd)
    return sizes, checkpoints


def _checkpoints(data: bytes, verifier: Verifier, origin: str) -> tuple[list[Checkpoint], str | None, int]:
    """The stored checkpoints, or the first that fails; and how many bytes of torn tail follow them."""
    frames, good = scan_frames(data)
    result: list[Checkpoint] = []
    for k, (start, stop) in enumerate(frames):
        try:
            cp = verify_checkpoint(data[start + 4 : stop - 4].decode("utf-8"), verifier)
        except (AuditIntegrityError, UnicodeDecodeError) as exc:
            return result, f"checkpoint {k}: {exc}", 0
        if cp.origin != origin:
            return result, f"checkpoint {k}: it is for log {cp.origin!r}, not this log ({origin!r})", 0
        if result and cp.size < result[-1].size:
            return result, f"checkpoint {k}: tree size went back from {result[-1].size} to {cp.size}", 0
        result.append(cp)
    if good != len(data) and not is_torn_tail(data, good):
        return result, f"checkpoint {len(frames)}: checkpoints.log is damaged at byte {good}", 0
    return result, None, len(data) - good


def verify_log(home: Path, public_key: Verifier | str | None = None, trusted: Sequence[str] = ()) -> VerifyReport:
    """Verify the audit log of `home`; `public_key` (default: the one stored beside the log) checks checkpoints.

    `trusted` are signed checkpoints the auditor kept (witness files, receipts' notes): with any of them the
    check is strict — the log must hold every entry each one signed, with the same root (and an RFC 9162
    consistency proof to the newest stored checkpoint), and every entry must be covered by a signed checkpoint.
    """
    directory = log_dir(Path(home))
    given = parse_verifier(public_key) if isinstance(public_key, str) else public_key
    try:
        origin = json.loads((directory / "meta.json").read_text(encoding="utf-8"))["origin"]
        verifier = given or load_verifier(directory / "checkpoint.pub")
        sizes, cp_data = _snapshot(directory)
    except (OSError, ValueError, KeyError, TypeError, AuditError) as exc:
        if trusted:
            return _gone(trusted, f"the audit log in {directory} is missing or unreadable ({exc})")
        if isinstance(exc, AuditError):
            raise
        raise AuditError(f"no readable audit log in {directory}: {exc}") from exc
    n = leaves_for(sizes["nodes.bin"] // HASH_SIZE)
    notes: list[str] = []
    if public_key is None:
        notes.append("checkpoint signatures checked with the key stored beside the log; pass the published key")
    if sizes["nodes.bin"] != node_count(n) * HASH_SIZE:
        notes.append("nodes.bin ends in a partial write of an unacknowledged entry (a crash)")
    checkpoints, cp_problem, torn = _checkpoints(cp_data, verifier, origin)
    if torn:
        notes.append(f"checkpoints.log ends in {torn} bytes of a torn, never-returned checkpoint (a crash)")

    def report(scan: EntryScan | None, problem: str | None, entry: int | None = None, checked: int = 0) -> VerifyReport:
        return VerifyReport(
            ok=problem is None,
            entries_checked=scan.checked if scan else 0,
            checkpoints_checked=checked,
            size=n,
            root=scan.root if scan else EMPTY_ROOT,
            problem=problem,
            entry=entry,
            notes=tuple(notes),
        )

    if cp_problem:
        return report(None, cp_problem)
    held, trusted_problem = _trusted(trusted, verifier, origin, n)
    if trusted_problem:
        return report(None, trusted_problem)
    with (
        _mapped(directory / "records.log", sizes["records.log"]) as records,
        _mapped(directory / "nodes.bin", node_count(n) * HASH_SIZE) as nodes,
        _mapped(directory / "offsets.bin", sizes["offsets.bin"]) as offsets_raw,
    ):
        usable = min(len(offsets_raw) - len(offsets_raw) % OFFSET.size, n * OFFSET.size)
        offsets = array("Q", offsets_raw[:usable])
        if sys.byteorder == "little":
            offsets.byteswap()
        labels = sorted([(cp.size, cp.root, f"checkpoint {k} (size {cp.size}, signed {cp.time})")
                         for k, cp in enumerate(checkpoints)]
                        + [(cp.size, cp.root, f"the trusted checkpoint {k} (size {cp.size}, signed {cp.time})")
                           for k, cp in enumerate(held)], key=lambda label: label[0])
        scan = scan_entries(records, nodes, offsets, n, labels)
        if scan.problem:
            return report(scan, scan.problem, scan.entry, scan.checkpoints_passed)
        for k, cp in enumerate(checkpoints):
            if cp.size > n:
                return report(
                    scan,
                    f"checkpoint {k} (signed {cp.time}) covers {cp.size} entries but the log holds {n}: "
                    f"entries {n}..{cp.size - 1} were deleted",
                    n,
                    k,
                )
        source = BufferNodes(nodes, n)
        for k in range(1, len(checkpoints)):
            old, new = checkpoints[k - 1], checkpoints[k]
            if old.size == 0:
                continue
            try:
                proof = consistency_proof(source, old.size, new.size)
                verify_consistency(old.size, new.size, old.root, new.root, proof)
            except AuditIntegrityError as exc:
                return report(scan, f"checkpoints {k - 1} and {k} are not consistent: {exc}", None, k)
        for k, cp in enumerate(held):
            newest = checkpoints[-1] if checkpoints else None
            if cp.size == 0 or newest is None or newest.size < cp.size:
                continue
            try:
                proof = consistency_proof(source, cp.size, newest.size)
                verify_consistency(cp.size, newest.size, cp.root, newest.root, proof)
            except AuditIntegrityError as exc:
                return report(scan, f"the trusted checkpoint {k} is not consistent with the log's newest: {exc}",
                              None, len(checkpoints))
        covered = checkpoints[-1].size if checkpoints else 0
        if trusted and covered < n:
            return report(scan, f"entries {covered}..{n - 1} are covered by no signed checkpoint: appended without "
                          "the log's key (forged), checkpoints.log cut or deleted, or written just before a crash",
                          covered, len(checkpoints))
        if held:
            notes.append(f"consistent with {len(held)} trusted checkpoint(s), the largest of size "
                         f"{max(cp.size for cp in held)}")
        if scan.tail_bytes:
            notes.append(
                f"{scan.tail_bytes} bytes after entry {n - 1} were never acknowledged (a crash); "
                "opening the log recovers or cuts them"
            )
        return report(scan, None, None, len(checkpoints))



def _trusted(notes: Sequence[str], verifier: Verifier, origin: str, n: int) -> tuple[list[Checkpoint], str | None]:
    """The auditor's checkpoints, checked for signature and origin and against the log's size."""
    held: list[Checkpoint] = []
    for k, note in enumerate(notes):
        try:
            cp = verify_checkpoint(note, verifier)
        except AuditIntegrityError as exc:
            return held, f"the trusted checkpoint {k}: {exc}"
        if cp.origin != origin:
            return held, f"the trusted checkpoint {k} is for log {cp.origin!r}, not this log ({origin!r})"
        if cp.size > n:
            return held, (f"the trusted checkpoint {k} (signed {cp.time}) covers {cp.size} entries but the log holds "
                          f"{n}: entries {n}..{cp.size - 1} were deleted (the log was truncated, emptied or replaced)")
        held.append(cp)
    return held, None


def _gone(trusted: Sequence[str], problem: str) -> VerifyReport:
    sizes = []
    for note in trusted:
        lines = note.split("\n", 2)
        sizes.append(int(lines[1]) if len(lines) > 2 and lines[1].isdigit() else 0)
    return VerifyReport(ok=False, entries_checked=0, checkpoints_checked=0, size=0, root=EMPTY_ROOT,
                        problem=f"{problem}; the auditor holds a checkpoint of {max(sizes, default=0)} entries")
