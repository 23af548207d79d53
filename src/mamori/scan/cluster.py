"""``--cluster``: a scan's files inspected on a Dask cluster, with the answer a local scan gives.

The driver (this process) walks and plans as the local runner does: small files are grouped into
tasks of about ``TASK_BYTES`` or ``TASK_FILES`` (so that per-task overhead stays small beside the
work), a big delimited file is cut into byte ranges (``split.plan_split``) keyed by one task each and
merged here (``parts.merge``), anything else is one file in a task of its own. At most a few tasks per
worker thread are in flight, so memory stays flat however many files there are.

Order of results: files come back as their tasks finish, the files of one task in walk order, a
container always followed by what is inside it; a split file when its last part is in; with
``--resume`` the files finished before come first. ``Scan.results`` counts distinct people over them
exactly as for a local scan (the same merge: ``people.dedupe``).

Faults: a worker that dies mid-task has its tasks re-run elsewhere by the scheduler; each file's
result is taken once, by its walk index, whatever is re-run. A task that fails again (a file that
kills every reader) is retried file by file, and such a file ends as ``error``. A killed driver leaves
the state file of ``--resume`` (``scan.resume``) and the run's key in the workers' memory.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mamori.errors import ConfigError
from mamori.evidence.files import FileRef, load_file, walk
from mamori.evidence.limits import MIB
from mamori.evidence.remote import is_url, url_of, walk_url
from mamori.models import ItemResult, Status
from mamori.scan.cluster_address import LOCAL_PREFIX, check_address
from mamori.scan.cluster_tasks import (
    RunKeyPlugin,
    held_key,
    inspect_batch,
    key_check,
    key_part_task,
    plugin_name,
    version,
)
from mamori.scan.parts import PartResult, merge
from mamori.scan.resume import ResumeState, RunHeader
from mamori.scan.split import SplitPlan, plan_split

#: A task holds files until it has this many bytes or this many files (a bigger file is a task alone).
TASK_BYTES = 16 * MIB
TASK_FILES = 16
#: Tasks in flight per worker thread: enough to keep a worker busy while its results travel.
IN_FLIGHT_PER_THREAD = 3
_CONNECT_TIMEOUT = "30s"


@dataclass
class _Connection:
    client: Any
    local: Any = None  # the LocalCluster of local:N

    def close(self) -> None:
        self.client.close()
        if self.local is not None:
            self.local.close()


def connect(address: str) -> _Connection:
    """A client of the cluster at *address*, its workers checked to run this very mamori."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError("--cluster needs Dask distributed: install mamori[cluster]") from None
    check_address(address)
    local = None
    try:
        if address.startswith(LOCAL_PREFIX):
            local = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=int(address[len(LOCAL_PREFIX):]), threads_per_worker=1, processes=True,
                host="127.0.0.1", scheduler_port=0, dashboard_address="127.0.0.1:0", silence_logs=logging.CRITICAL)
            client = Client(local)  # type: ignore[no-untyped-call]
        else:
            client = Client(address, timeout=_CONNECT_TIMEOUT)  # type: ignore[no-untyped-call]
    except OSError as error:
        if local is not None:
            local.close()
        raise ConfigError(f"--cluster {address}: cannot reach the scheduler ({error}); is `dask scheduler` "
                          "running there and the port open to this machine?") from None
    connection = _Connection(client, local)
    try:
        check_versions(client, address)
    except BaseException:
        connection.close()
        raise
    return connection


def check_versions(client: Any, address: str) -> None:
    """ConfigError unless there are workers and every one runs this mamori (and compatible Dask/Python)."""
    client.wait_for_workers(1, timeout=_CONNECT_TIMEOUT)
    mine = version()
    theirs: dict[str, str] = client.run(version)
    wrong = sorted(f"{worker} ({found})" for worker, found in theirs.items() if found != mine)
    if wrong:
        raise ConfigError(f"--cluster {address}: these workers run another mamori than this one ({mine}): "
                          f"{', '.join(wrong)}; install the same version on every machine and restart them")
    try:
        client.get_versions(check=True)
    except ValueError as error:
        raise ConfigError(f"--cluster {address}: Dask or Python differ between machines ({error}); "
                          "install the same versions everywhere") from None


@dataclass
class _Batch:
    files: list[tuple[int, FileRef]]


@dataclass
class _Split:
    index: int
    ref: FileRef
    plan: SplitPlan
    parts: dict[int, PartResult] = field(default_factory=dict)


@dataclass
class _Running:
    """A future's meaning: a batch of files, or one part of a split file."""

    batch: _Batch | None = None
    split: _Split | None = None
    part: int = 0
    retry: bool = False


def cluster_walk(paths: Sequence[str | Path]) -> Iterator[FileRef]:
    """``files.walk`` of each path, or ``remote.walk_url`` of each fsspec URL."""
    for given in paths:
        yield from walk_url(os.fspath(given)) if is_url(os.fspath(given)) else walk([given])


class ClusterScan:
    """``Scan.indexed_batches`` on a Dask cluster: (walk index, a file's results) as files finish."""

    def __init__(self, paths: Sequence[str | Path], refs: Iterable[FileRef] | None, options: Any) -> None:
        self.paths = [os.fspath(p) for p in paths]
        self.refs = refs
        self.options = options  # runner.ScanOptions (not imported: the runner imports this module)
        self._seen = _Seen()
        self._running: dict[str, _Running] = {}
        self._state: ResumeState | None = None
        self._token = ""
        self._queue: Any = None  # distributed.as_completed

    def batches(self) -> Iterator[tuple[int, list[ItemResult]]]:
        from distributed import as_completed

        opts = self.options
        state = ResumeState.open(Path(opts.resume)) if opts.resume is not None else None
        connection = connect(opts.cluster)
        client = connection.client
        completed = False
        try:
            secret = self._run_key(client, state)
            threads = max(1, sum(client.nthreads().values()))
            if state is not None:
                self._state = state
                state.start(RunHeader(self._token, key_check(secret), tuple(self.paths)))
            self._queue = as_completed()  # type: ignore[no-untyped-call]
            if state is not None:
                for index, results in state.replay():  # what the stopped run finished comes first
                    self._seen.add(index)
                    yield index, results
            refs = cluster_walk(self.paths) if self.refs is None else self.refs
            for work in self._plan(refs, threads):
                self._submit(client, work)
                while self._queue.count() >= threads * IN_FLIGHT_PER_THREAD:
                    yield from self._finish(client, next(self._queue))
            while self._queue.count():
                yield from self._finish(client, next(self._queue))
            completed = True
        finally:
            if state is not None:
                state.close()
            # Kept (in memory only) for --resume while the run is not complete; else taken back now.
            if completed or state is None:
                with suppress(Exception):  # the workers may be gone already: nothing left to take back
                    client.unregister_worker_plugin(plugin_name(self._token))
            connection.close()

    def _run_key(self, client: Any, state: ResumeState | None) -> bytes:
        """The run's key: a resumed run's from the workers' memory, else this scan's, given to the workers."""
        if state is not None and state.header is not None:
            header = state.header
            held = [key for key in client.run(held_key, header.token).values() if key is not None]
            if not held or key_check(held[0]) != header.check:
                raise ConfigError(f"--resume {state.path}: the cluster no longer holds this run's key (it is "
                                  "kept only in the workers' memory, and they were restarted or this is another "
                                  "cluster); delete the state file and start the scan again")
            if list(header.paths) != self.paths:
                raise ConfigError(f"--resume {state.path}: that run scanned {list(header.paths)}; "
                                  "give the same paths or a new state file")
            self._token = header.token
            return bytes(held[0])
        self._token = secrets.token_hex(16)
        secret: bytes = self.options.secret
        client.register_plugin(RunKeyPlugin(self._token, secret), name=plugin_name(self._token))
        return secret

    def _plan(self, refs: Iterable[FileRef], threads: int) -> Iterator[_Batch | _Split]:
        """Tasks in walk order: batches of small files and split files (not those a resumed run has already)."""
        limits = self.options.limits
        group: list[tuple[int, FileRef]] = []
        size = 0
        for index, ref in enumerate(refs):
            if self._state is not None and self._state.holds(index, ref.display_path):
                continue
            plan = plan_split(ref, limits, threads) if url_of(ref) is None else None
            if plan is not None:
                yield _Split(index, ref, plan)
                continue
            bytes_ = _size(ref)
            if group and size + bytes_ > TASK_BYTES:
                yield _Batch(group)
                group, size = [], 0
            group.append((index, ref))
            size += bytes_
            if len(group) >= TASK_FILES or size >= TASK_BYTES:
                yield _Batch(group)
                group, size = [], 0
        if group:
            yield _Batch(group)

    def _submit(self, client: Any, work: _Batch | _Split, retry: bool = False) -> None:
        opts = self.options
        tag = f"{self._token[:8]}-retry" if retry else self._token[:8]
        if isinstance(work, _Batch):
            first, last = work.files[0][0], work.files[-1][0]
            future = client.submit(inspect_batch, self._token, work.files, opts.limits, opts.ocr,
                                   key=f"mamori-inspect-{tag}-{first}-{last}", pure=False, retries=0)
            self._add(future, _Running(batch=work, retry=retry))
            return
        for part in range(len(work.plan.ranges)):
            future = client.submit(key_part_task, self._token, work.plan, part,
                                   key=f"mamori-part-{tag}-{work.index}-{part}", pure=False)
            self._add(future, _Running(split=work, part=part))

    def _add(self, future: Any, running: _Running) -> None:
        self._running[future.key] = running
        self._queue.add(future)

    def _finish(self, client: Any, future: Any) -> Iterator[tuple[int, list[ItemResult]]]:
        running = self._running.pop(future.key)
        try:
            outcome = future.result()
        except Exception as error:  # noqa: BLE001 - a task that failed (its workers died): retry or report
            future.release()
            yield from self._failed(client, running, error)
            return
        future.release()
        if running.batch is not None:
            for index, results in outcome:
                yield from self._take(index, results)
            return
        split = running.split
        assert split is not None
        split.parts[running.part] = outcome
        if len(split.parts) == len(split.plan.ranges):
            results = self._merged(split)
            if results is None:
                self._submit(client, _Batch([(split.index, split.ref)]))
            else:
                yield from self._take(split.index, results)

    def _failed(self, client: Any, running: _Running, error: BaseException) -> Iterator[tuple[int, list[ItemResult]]]:
        if running.split is not None:
            split = running.split
            if split.index not in self._seen and running.part not in split.parts:
                split.parts[running.part] = PartResult(f"part {running.part} failed ({type(error).__name__})")
                if len(split.parts) == len(split.plan.ranges):  # read whole instead, by one worker
                    self._submit(client, _Batch([(split.index, split.ref)]))
            return
        batch = running.batch
        assert batch is not None
        if not running.retry or len(batch.files) > 1:
            for one in batch.files:  # one file at a time: only the file that kills its reader is lost
                self._submit(client, _Batch([one]), retry=True)
            return
        index, ref = batch.files[0]
        yield from self._take(index, [ItemResult(
            path=ref.display_path, status=Status.ERROR, size=0, sha256="", pii=None,
            reason=f"the workers reading this file failed twice ({type(error).__name__}); check it by hand")])

    def _merged(self, split: _Split) -> list[ItemResult] | None:
        """The split file's result from its parts; None when it must be read whole."""
        parts = [split.parts[i] for i in range(len(split.plan.ranges))]
        item = load_file(split.ref, replace(self.options.limits, in_memory_bytes=0))
        if item.status is not None or any(part.fallback for part in parts):
            return None
        return [merge(item, split.plan, parts)]

    def _take(self, index: int, results: list[ItemResult]) -> Iterator[tuple[int, list[ItemResult]]]:
        """*results* of file *index*, once (a task re-run after a worker died gives them again)."""
        if index in self._seen:
            return
        self._seen.add(index)
        if self._state is not None and results:
            self._state.finished(index, results[0].path, results)
        yield index, results


def _size(ref: FileRef) -> int:
    if ref.skip_reason is not None or url_of(ref) is not None or ref.address is not None:
        return 0
    try:
        return os.stat(ref.fs_path).st_size
    except OSError:
        return 0


class _Seen:
    """Walk indices already taken, one bit each (1.89 M files: 240 kB, not a set's 100 MB)."""

    def __init__(self) -> None:
        self._bits = bytearray()

    def add(self, index: int) -> None:
        byte = index >> 3
        if byte >= len(self._bits):
            self._bits.extend(bytes(max(byte + 1 - len(self._bits), len(self._bits))))
        self._bits[byte] |= 1 << (index & 7)

    def __contains__(self, index: int) -> bool:
        byte = index >> 3
        return byte < len(self._bits) and bool(self._bits[byte] & (1 << (index & 7)))
