"""Reading 7z archives with py7zr, one member at a time (``archive_7z.SevenZipFormat`` calls in here).

py7zr pushes member data into writer objects and has no pull API, so extraction runs in a
helper thread that hands over one finished member and then waits until the next one is
asked for: at most one member is in memory, and nothing runs while the scanner works.
py7zr decompresses each member up to its declared size only, so declared sizes are checked
against the limits before extraction and the writer enforces them again as bytes arrive.
Kept apart from the format so that sniffing a file never imports py7zr (a twentieth of a second).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import IO

import py7zr
from py7zr.io import Py7zIO, WriterFactory

from mamori.errors import ArchiveLimit, CorruptFile, Encrypted, MamoriError
from mamori.evidence.archive_base import MemberCollector, declared_too_large, failed_member, member_path
from mamori.evidence.limits import ExpansionBudget, Limits
from mamori.i18n import said
from mamori.models import Item, Status


def read_members(item: Item, limits: Limits, budget: ExpansionBudget) -> Iterator[Item]:
    """The members of 7z archive *item* (``ArchiveFormat.members``)."""
    with item.open() as stream:
        archive = _open(stream, item)
        with archive:
            if archive.needs_password():
                raise Encrypted(said("reason.encrypted_7z", path=item.path))
            files = [f for f in archive.list() if not (f.is_directory or f.is_symlink)]
            _check_ratio(item, limits, sum(f.uncompressed or 0 for f in files))
            if budget.members + len(files) > limits.max_members:
                raise ArchiveLimit(
                    said("reason.evidence.7z_lists_members_with", path=str(item.path), value2=str(len(files)),
                         max_members=str(limits.max_members))
                )
            mtimes = {f.filename: f.creationtime.timestamp() if f.creationtime else None for f in files}
            pending: list[str] = []
            for f in files:
                declared = declared_too_large(f.uncompressed or 0, None, limits)
                if declared is None:
                    pending.append(f.filename)
                    continue
                # A refused member of a solid block is still decompressed to reach the next ones.
                budget.add_bytes(f.uncompressed or 0, member_path(item, f.filename))
                yield failed_member(
                    item, f.filename, budget, Status.TOO_LARGE, declared,
                    size=f.uncompressed or 0, mtime=mtimes[f.filename],
                )
            yield from _extract(archive, item, pending, mtimes, limits, budget)


def _open(stream: IO[bytes], item: Item) -> py7zr.SevenZipFile:
    try:
        return py7zr.SevenZipFile(stream)
    except py7zr.PasswordRequired as exc:
        raise Encrypted(said("reason.evidence.7z_archive_with_encrypted", path=str(item.path))) from exc
    except Exception as exc:  # py7zr raises many kinds on damaged headers
        raise CorruptFile(said("reason.evidence.readable_7z_archive", path=str(item.path), exc=str(exc))) from exc


def _check_ratio(item: Item, limits: Limits, declared: int) -> None:
    if declared > limits.ratio_grace_bytes and declared > limits.max_ratio * max(item.size, 1):
        raise ArchiveLimit(
            said("reason.evidence.declares_bytes_from_ratio",
                 path=str(item.path), declared=str(declared), size=str(item.size), max_ratio=limits.max_ratio)
        )


def _extract(
    archive: py7zr.SevenZipFile, item: Item, pending: list[str], mtimes: dict[str, float | None],
    limits: Limits, budget: ExpansionBudget,
) -> Iterator[Item]:
    """Extraction passes until every pending member is out; a damaged member ends a pass,
    is reported unreadable, and the next pass goes on after it."""
    while pending:
        relay = _Relay(item, mtimes, limits, budget)
        done: set[str] = set()
        try:
            for member in relay.run(archive, pending):
                done.add(relay.last_name)
                yield member
            return
        except _MemberFailed as failure:
            if failure.name is None:
                raise CorruptFile(said("reason.evidence.damaged_7z_archive", path=str(item.path),
                                       cause=str(failure.cause))) from failure.cause
            done.add(failure.name)
            yield failure.item
        remaining = [name for name in pending if name not in done]
        if len(remaining) >= len(pending):
            raise CorruptFile(said("reason.evidence.damaged_7z_archive_extraction", path=str(item.path)))
        pending = remaining
        archive.reset()


class _MemberFailed(Exception):
    def __init__(self, name: str | None, item: Item | None, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.name = name
        self.item = item if item is not None else Item("", 0, "")
        self.cause = cause


class _Cancelled(Exception):
    """The consumer stopped iterating; unwinds py7zr in the helper thread."""


class _Relay(WriterFactory):
    """Runs one extraction pass in a thread and hands members over one at a time."""

    def __init__(self, item: Item, mtimes: dict[str, float | None], limits: Limits, budget: ExpansionBudget) -> None:
        self.item, self.mtimes, self.limits, self.budget = item, mtimes, limits, budget
        self.handoff: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=1)
        self.resume = threading.Semaphore(0)
        self.cancelled = False
        self.current: _Sink | None = None
        self.last_name = ""

    def create(self, filename: str) -> Py7zIO:
        if self.cancelled:
            raise _Cancelled
        collector = MemberCollector(
            self.item, filename, self.limits, self.budget, mtime=self.mtimes.get(filename),
        )
        self.current = _Sink(self, filename, collector)
        return self.current

    def deliver(self, sink: _Sink) -> None:
        self.current = None
        self.handoff.put(("member", sink))
        self.resume.acquire()  # the consumer asks for the next member before py7zr goes on
        if self.cancelled:
            raise _Cancelled

    def run(self, archive: py7zr.SevenZipFile, targets: list[str]) -> Iterator[Item]:
        def work() -> None:
            try:
                archive.extract(targets=targets, factory=self)
                self.handoff.put(("done", None))
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer thread, re-raised there
                self.handoff.put(("error", exc))

        thread = threading.Thread(target=work, name="mamori-7z", daemon=True)
        thread.start()
        try:
            while True:
                kind, payload = self.handoff.get()
                if kind == "done":
                    return
                if kind == "error":
                    raise self._failure(payload)
                assert isinstance(payload, _Sink)
                self.last_name = payload.name
                yield payload.collector.item()
                self.resume.release()
        finally:
            self.cancelled = True
            self.resume.release()
            thread.join()

    def _failure(self, error: object) -> Exception:
        """What the consumer raises for an error from the helper thread."""
        if isinstance(error, MamoriError):
            return error
        cause = error if isinstance(error, BaseException) else RuntimeError(str(error))
        sink = self.current
        if sink is None:
            return _MemberFailed(None, None, cause)
        reason = "CRC error" if isinstance(cause, py7zr.exceptions.CrcError) else f"damaged data ({cause})"
        return _MemberFailed(sink.name, sink.collector.failed(Status.UNREADABLE, f"7z member: {reason}"), cause)


class _Sink(Py7zIO):
    """Receives one member's bytes from py7zr and feeds them through the limits."""

    def __init__(self, relay: _Relay, name: str, collector: MemberCollector) -> None:
        self.relay, self.name, self.collector = relay, name, collector

    def write(self, s: bytes | bytearray) -> int:
        if self.relay.cancelled:
            raise _Cancelled
        self.collector.feed(bytes(s))  # past a member limit the rest is dropped, not kept
        return len(s)

    def close(self) -> None:
        self.relay.deliver(self)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return self.collector.size
