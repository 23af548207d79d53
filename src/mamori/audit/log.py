"""The append-only, durable, multi-process audit log of mamori.

Storage (in ``HOME/audit/``, directory 0700, files 0600) — plain append-only files rather than
SQLite, because the log only ever appends and reads by position, and the node layout below
makes roots and proofs O(log n) without an index structure:

- ``records.log``: the canonical record of every event, framed (`store.encode_frame`);
- ``offsets.bin``: the byte offset of every record (u64), for reading entry i directly;
- ``nodes.bin``: every complete Merkle subtree hash in post-order (leaf hashes included);
- ``checkpoints.log``: signed checkpoints (one per append batch), framed; each is also published to
  the witness directory (witness.py); ``checkpoint.key``/``.pub``: the signing key;
- ``meta.json``: format and origin (the log's name in its checkpoints); ``lock``: the fcntl lock.

An append takes an exclusive ``flock`` on ``lock`` (so appends from several processes and
threads serialise), writes the record frame and its offset and fsyncs both, *then* writes the
entry's node hashes and fsyncs them, and only then returns. Hence an entry is acknowledged
exactly when its leaf is in ``nodes.bin``, and every acknowledged record was completely on disk
before its leaf was written. On opening (and before each append) the files are reconciled:

- a record *after* the last leaf in ``nodes.bin`` was never acknowledged: complete, intact
  frames there are rolled forward (their nodes are added); a partial or checksum-failing frame
  there is a torn tail from a crash and is cut off (``AuditLog.recovery`` says so);
- a record at or before the last leaf that is missing or cut short was acknowledged and then
  lost or altered: nothing is truncated, `AuditIntegrityError` is raised.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from mamori.audit.checkpoint import (
    Checkpoint,
    Signer,
    Verifier,
    generate_signer,
    load_signer,
    load_verifier,
    save_signer,
    sign_checkpoint,
    verify_checkpoint,
)
from mamori.audit.event import AuditEvent, parse_record, utc_now
from mamori.audit.merkle import HASH_SIZE, consistency_proof, inclusion_proof, leaf_hash, root_hash
from mamori.audit.receipt import Receipt
from mamori.audit.store import (
    OFFSET,
    FileNodes,
    encode_frame,
    fold_frontier,
    frame_at,
    frontier,
    is_torn_tail,
    leaves_for,
    open_append,
    push_leaf,
    read_or_create_meta,
    sync,
    sync_dir,
    write_all,
)
from mamori.audit.tail import TailState, reconcile, scan_frames
from mamori.audit.witness import publish, witness_dir_for
from mamori.errors import AuditError, AuditIntegrityError

FORMAT = "mamori-audit/1"
FILES = ("records.log", "offsets.bin", "nodes.bin", "checkpoints.log")


def log_dir(home: Path) -> Path:
    """Where the audit log of a mamori home lives."""
    return home / "audit"


@dataclass(frozen=True)
class LogEntry:
    """An acknowledged entry: its index, leaf hash and record bytes."""

    index: int
    leaf_hash: bytes
    record: bytes


class AuditLog:
    """Append-only Merkle-tree log of audit events, safe to share between processes."""

    def __init__(
        self, home: Path, *, signer: Signer | None = None, checkpoint_every: int = 1, durable: bool = True,
        witness: Path | bool | None = True,
    ) -> None:
        """Open (creating if needed) the log of `home`; `durable=False` skips fsync (tests, benchmark setup).

        A checkpoint is signed whenever an append batch crosses a multiple of `checkpoint_every` entries
        (1: after every batch, so every acknowledged entry is covered by a signed tree head). Each one is
        also published to the witness directory: `witness` True takes the one configured for `home`
        (witness.witness_dir_for), a Path names one, False/None publishes nowhere.
        """
        self.path = log_dir(Path(home))
        self.checkpoint_every = checkpoint_every
        self.durable = durable
        self.witness = witness_dir_for(Path(home)) if witness is True else (witness or None)
        self.witness_problem: str | None = None
        self.recovery: TailState | None = None
        # How far checkpoints.log is known intact, and its last note: checkpoints are written after every batch,
        # so each write must not re-read the whole file (that made appends quadratic).
        self._cp_checked = (-1, 0)
        self._cp_last: str | None = None
        self._pid = -1
        self._fds: tuple[int, int, int, int] = (-1, -1, -1, -1)
        self._fd_lock = threading.Lock()
        try:
            Path(home).mkdir(mode=0o700, parents=True, exist_ok=True)
            self.path.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise AuditError(f"cannot create the audit log directory {self.path}: {exc.strerror}") from exc
        with self._locked():
            self.origin = read_or_create_meta(self.path / "meta.json", FORMAT, durable=durable)
            self.signer = self._init_key(signer)
            self._reconcile()
            if self.durable:
                sync_dir(self.path)

    @property
    def verifier(self) -> Verifier:
        """The public key that checks this log's checkpoints."""
        return self.signer.verifier

    def _init_key(self, signer: Signer | None) -> Signer:
        key, pub = self.path / "checkpoint.key", self.path / "checkpoint.pub"
        if signer is None:
            if not key.exists():
                save_signer(generate_signer(), key)
            signer = load_signer(key)
        if not pub.exists():
            fd = os.open(pub, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(signer.verifier.to_text() + "\n")
        elif load_verifier(pub) != signer.verifier:
            raise AuditError(f"the signing key is not the key in {pub}: checkpoints would not verify")
        return signer

    def _files(self) -> tuple[int, int, int, int]:
        # Descriptors are reopened after fork so a child never shares file positions or locks by accident.
        with self._fd_lock:
            if self._pid != os.getpid():
                records, offsets, nodes, checkpoints = (open_append(self.path / name) for name in FILES)
                self._fds, self._pid = (records, offsets, nodes, checkpoints), os.getpid()
            return self._fds

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            fd = os.open(self.path / "lock", os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError as exc:
            raise AuditError(f"cannot open the audit lock file in {self.path}: {exc.strerror}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _reconcile(self) -> TailState:
        records, offsets, nodes, _ = self._files()
        state = reconcile(records, offsets, nodes, durable=self.durable)
        if state.rolled_forward or state.discarded_bytes:
            self.recovery = state
        return state

    def close(self) -> None:
        """Close the files (the object can still be used; they reopen on demand)."""
        with self._fd_lock:
            if self._pid == os.getpid():
                for fd in self._fds:
                    os.close(fd)
            self._pid = -1

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def size(self) -> int:
        """Number of acknowledged entries."""
        return leaves_for(os.fstat(self._files()[2]).st_size // HASH_SIZE)

    def append(self, event: AuditEvent) -> LogEntry:
        """Append one event; when this returns, it is on disk (fsync)."""
        return self.append_many([event])[0]

    def append_many(self, events: Sequence[AuditEvent]) -> list[LogEntry]:
        """Append events in order with one lock and one fsync per file."""
        if not events:
            return []
        records, offsets, nodes, _ = self._files()
        with self._locked():
            state = self._reconcile()
            n, end = state.size, state.records_end
            front = frontier(FileNodes(nodes, n), n)
            frames: list[bytes] = []
            offs: list[bytes] = []
            new_nodes: list[bytes] = []
            entries: list[LogEntry] = []
            for i, event in enumerate(events, start=n):
                record = event.record(i)
                frame = encode_frame(record)
                frames.append(frame)
                offs.append(OFFSET.pack(end))
                end += len(frame)
                leaf = leaf_hash(record)
                new_nodes.append(leaf)
                push_leaf(front, i, leaf, new_nodes)
                entries.append(LogEntry(i, leaf, record))
            try:
                write_all(records, b"".join(frames))
                write_all(offsets, b"".join(offs))
                if self.durable:
                    sync(records)
                    sync(offsets)
                # The leaves go to disk only after their records are durable: see the module docstring.
                write_all(nodes, b"".join(new_nodes))
                if self.durable:
                    sync(nodes)
            except OSError as exc:
                raise AuditError(f"could not write the audit log in {self.path}: {exc.strerror}") from exc
            size = n + len(events)
            if self.checkpoint_every and size // self.checkpoint_every > n // self.checkpoint_every:
                self._write_checkpoint(size, front)
        return entries

    def record(self, index: int) -> bytes:
        """The canonical record bytes of entry `index`."""
        records, offsets, _, _ = self._files()
        if not 0 <= index < self.size:
            raise AuditError(f"the audit log has no entry {index} (it holds {self.size})")
        (start,) = OFFSET.unpack(os.pread(offsets, OFFSET.size, index * OFFSET.size))
        if start >= os.fstat(records).st_size:
            raise AuditError(f"entry {index}: the offsets index is damaged; run `mamori audit verify`")
        head = os.pread(records, 4, start)
        frame = os.pread(records, int.from_bytes(head, "big") + 8, start) if len(head) == 4 else b""
        found = frame_at(frame, 0, len(frame))
        if found is None or not found[1]:
            raise AuditError(f"entry {index}: the record is damaged; run `mamori audit verify`")
        return frame[4:-4]

    def event(self, index: int) -> AuditEvent:
        """The event stored as entry `index`."""
        return parse_record(self.record(index))[1]

    def events(self, start: int = 0) -> Iterator[tuple[int, AuditEvent]]:
        """(index, event) for every entry from `start` on."""
        for index in range(start, self.size):
            yield index, self.event(index)

    def root(self, size: int | None = None) -> bytes:
        """Merkle root of the first `size` entries (default: all)."""
        n = self.size
        size = n if size is None else size
        if not 0 <= size <= n:
            raise AuditError(f"the audit log holds {n} entries, not {size}")
        return root_hash(FileNodes(self._files()[2], n), size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """RFC 9162 inclusion proof of entry `index` in the tree of `size` entries."""
        n = self.size
        size = n if size is None else size
        if size > n:
            raise AuditError(f"the audit log holds {n} entries, not {size}")
        return inclusion_proof(FileNodes(self._files()[2], n), index, size)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """RFC 9162 consistency proof between two tree sizes of this log."""
        n = self.size
        new_size = n if new_size is None else new_size
        if new_size > n:
            raise AuditError(f"the audit log holds {n} entries, not {new_size}")
        return consistency_proof(FileNodes(self._files()[2], n), old_size, new_size)

    def checkpoints(self) -> list[str]:
        """Every stored signed checkpoint, oldest first."""
        fd = self._files()[3]
        data = os.pread(fd, os.fstat(fd).st_size, 0)
        return [data[start + 4 : stop - 4].decode("utf-8", "replace") for start, stop in scan_frames(data)[0]]

    def checkpoint(self) -> str:
        """Sign and store a checkpoint of the current tree (or return the latest if the tree has not grown)."""
        with self._locked():
            n = self._reconcile().size
            self._checkpoint_tail()
            if self._cp_last is not None and verify_checkpoint(self._cp_last, self.verifier).size == n:
                return self._cp_last
            return self._write_checkpoint(n, frontier(FileNodes(self._files()[2], n), n))

    def _checkpoint_tail(self) -> int:
        """Check checkpoints.log from where this process last saw it intact; cut a torn tail; return its end."""
        fd = self._files()[3]
        size = os.fstat(fd).st_size
        pid, start = self._cp_checked
        if pid != os.getpid() or start > size:
            start, self._cp_last = 0, None
        if start == size:
            return size
        data = os.pread(fd, size - start, start)
        frames, good = scan_frames(data)
        if frames:
            first, stop = frames[-1]
            self._cp_last = data[first + 4 : stop - 4].decode("utf-8", "replace")
        if good != len(data):
            if not is_torn_tail(data, good):
                raise AuditIntegrityError(
                    f"checkpoints.log is damaged at byte {start + good}: run `mamori audit verify`")
            os.ftruncate(fd, start + good)  # a checkpoint torn by a crash: it was never returned, so never relied on
        self._cp_checked = (os.getpid(), start + good)
        return start + good

    def _write_checkpoint(self, size: int, front: dict[int, bytes]) -> str:
        fd = self._files()[3]
        end = self._checkpoint_tail()
        note = sign_checkpoint(Checkpoint(self.origin, size, fold_frontier(front), utc_now()), self.signer)
        frame = encode_frame(note.encode())
        write_all(fd, frame)
        if self.durable:
            sync(fd)
        self._cp_checked, self._cp_last = (os.getpid(), end + len(frame)), note
        if self.witness is not None:
            # The entry is durable already: a witness that cannot be reached is reported, not fatal.
            try:
                publish(self.witness, self.origin, note)
                self.witness_problem = None
            except OSError as exc:
                self.witness_problem = f"cannot publish the checkpoint to {self.witness}: {exc.strerror or exc}"
        return note

    def receipt(self, index: int) -> Receipt:
        """A receipt for entry `index`, proven against the latest checkpoint (signing a new one if needed)."""
        record = self.record(index)
        note = self.checkpoint()
        size = verify_checkpoint(note, self.verifier).size
        return Receipt(index, record, tuple(self.inclusion_proof(index, size)), note)

