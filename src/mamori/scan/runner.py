"""A whole scan: walk the paths, inspect files in parallel processes, count distinct people."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import secrets
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from functools import partial
from multiprocessing import forkserver
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mamori.errors import ReaderCrashed
from mamori.evidence.files import FileRef, load_file, walk
from mamori.evidence.limits import Limits
from mamori.extract.ocr import OcrOptions
from mamori.i18n import said
from mamori.models import ROLE_BUSINESS, ROLE_STAFF, ItemResult, ScanSummary, Status
from mamori.people.dedupe import DistinctPeople
from mamori.people.keys import KeyMaker
from mamori.scan import split
from mamori.scan.inspect import Inspector
from mamori.scan.sandbox import Sandbox, limit_memory
from mamori.scan.sheet_split import sheet_to_csv, wants_sheet_split
from mamori.scan.split import SplitPlan, plan_split

if TYPE_CHECKING:  # the parts (Polars) load only when a big file is split
    from mamori.scan.incremental import ScanCache
    from mamori.scan.parts import PartResult

ProgressCallback = Callable[[ItemResult], None]
_POLARS_THREADS = "POLARS_MAX_THREADS"
_SHM = Path("/dev/shm")
#: A scan of no more files than this, no bigger in all than SMALL_SCAN_BYTES, runs in the calling process.
SMALL_SCAN_FILES = 8
SMALL_SCAN_BYTES = 4 * 1024 * 1024  # memory-backed where there is one: parts hand their keys over through it


@dataclass(frozen=True)
class ScanOptions:
    """How to scan: parallelism, limits and the identity-key secret (fresh per run by default)."""

    workers: int = 1
    limits: Limits = field(default_factory=Limits)
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    ocr: OcrOptions | None = None
    """Read scans and images with Tesseract (``--ocr``); None leaves them ``needs_ocr``."""
    cluster: str | None = None
    """A Dask scheduler (``tcp://host:8786``) or ``local:N``: the files are inspected there (``scan.cluster``)."""
    resume: Path | None = None
    """With ``cluster``: the state file that lets a killed run go on (``scan.resume``)."""


def inspect_file(ref: FileRef, limits: Limits, secret: bytes, ocr: OcrOptions | None = None) -> list[ItemResult]:
    """Everything about one file on disk (the unit of work sent to a process)."""
    item = load_file(ref, limits)
    return Inspector(limits, KeyMaker(secret), ocr).inspect(item)


@dataclass
class _Pending:
    """A file in flight: one task, or one task per part of a big delimited file (with its plan)."""

    ref: FileRef
    futures: list[Future[Any]]
    plan: SplitPlan | None = None
    sheet: tuple[str, str] | None = None  # a workbook keyed as a CSV: (that CSV's path, the workbook's format)


def _done(fn: Callable[..., Any], *args: Any) -> Future[Any]:
    """A finished future holding ``fn(*args)``, or what it raised (as a worker's would)."""
    future: Future[Any] = Future()
    try:
        future.set_result(fn(*args))
    except Exception as error:  # noqa: BLE001 - handed over like a worker's failure: the caller decides
        future.set_exception(error)
    return future


def _crashed(ref: FileRef) -> ItemResult:
    return ItemResult(path=ref.display_path, status=Status.ERROR, size=0, sha256="", pii=None,
                      reason=said("reason.crashed_twice"))


def _guarded(inspect: Callable[[], list[ItemResult]], ref: FileRef) -> list[ItemResult]:
    """*inspect*'s results; a failure outside the inspector (a MemoryError while loading the file, the
    helper process dying under a native reader) ends as this file's ``error``, not as the end of the scan."""
    try:
        return inspect()
    except ReaderCrashed as crash:
        try:
            size = os.stat(ref.fs_path).st_size
        except OSError:
            size = 0
        return [ItemResult(path=ref.display_path, status=Status.ERROR, size=size, sha256="", pii=None,
                           reason=str(crash))]
    except Exception as error:  # noqa: BLE001 - one file never ends a scan
        return [ItemResult(path=ref.display_path, status=Status.ERROR, size=0, sha256="", pii=None,
                           reason=said("reason.read_failed", error=f"{type(error).__name__}: {error}"))]


def worker_pool(workers: int, memory_bytes: int | None = None) -> ProcessPoolExecutor:
    """Worker processes started from a fork server that has imported the engine once.

    Not plain fork: a child forked from a process whose Polars/DuckDB thread pools have run may run
    them single-threaded or hang; the fork server never runs them, and forking from it is cheap.
    The detectors' data (lexicon, gazetteer, postal codes) is not loaded in the server: a worker
    loads it when it first needs it, in parallel with the others, and a worker keying a part of a
    big table (``parts.key_part``) never needs it, so it starts as soon as the imports are done.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["mamori.scan.inspect", "mamori.scan.parts"])
    # Each worker gets its share of the cores for Polars' thread pool (read when the server imports
    # Polars): more threads than cores only spin, and that CPU is taken from the other workers.
    share = os.environ.get(_POLARS_THREADS) or str(max(1, (os.cpu_count() or 1) // workers))
    before = os.environ.get(_POLARS_THREADS)
    os.environ[_POLARS_THREADS] = share
    try:
        # Started now, not at the first task: the server imports while this process walks and plans.
        forkserver.ensure_running()
    finally:
        if before is None:
            del os.environ[_POLARS_THREADS]
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=limit_memory,
                               initargs=(memory_bytes,))


def _first_files(refs: Iterable[FileRef]) -> tuple[list[FileRef], Iterator[FileRef] | None]:
    """The first files of *refs*, and the rest of them — or None when those are all there are and they are
    few and small (at most ``SMALL_SCAN_FILES`` files, ``SMALL_SCAN_BYTES`` in all, none big enough to split)."""
    rest = iter(refs)
    head: list[FileRef] = []
    total = 0
    for ref in rest:
        head.append(ref)
        try:
            size = os.stat(ref.fs_path).st_size if ref.skip_reason is None else 0
        except OSError:
            size = 0
        total += size
        if len(head) > SMALL_SCAN_FILES or total > SMALL_SCAN_BYTES or size >= split.SPLIT_BYTES:
            return head, rest
    return head, None


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


class Scan:
    """Iterate over ``results()``; afterwards ``summary`` holds the totals."""

    def __init__(self, paths: Sequence[str | Path], options: ScanOptions | None = None,
                 refs: Iterable[FileRef] | None = None, cache: ScanCache | None = None) -> None:
        """Scan what is below *paths*, or exactly the files *refs* (a case's evidence, in that order).

        With *cache*, unchanged files are not read again (their previous results are used); the options'
        secret must then be the cache's.
        """
        self.paths = list(paths)
        self.refs = refs
        self.options = options or ScanOptions()
        self.cache = cache
        self.summary: ScanSummary | None = None
        self._handoff: str | None = None  # a private directory the workers write parts' keys to

    def _handoff_dir(self) -> str | None:
        if self._handoff is None:
            parent = _SHM if _SHM.is_dir() and os.access(_SHM, os.W_OK) else None
            try:
                self._handoff = tempfile.mkdtemp(prefix="mamori-parts-", dir=parent)
            except OSError:
                return None  # the parts come back through the pipe instead
        return self._handoff

    def indexed_batches(self) -> Iterator[tuple[int, list[ItemResult]]]:
        """(walk index, that file's results): in walk order, or as files finish on a cluster."""
        if self.options.cluster is None:
            yield from enumerate(self.batches())
            return
        from mamori.scan.cluster import ClusterScan  # Dask is imported only for a cluster scan

        yield from ClusterScan(self.paths, self.refs, self.options).batches()

    def batches(self) -> Iterator[list[ItemResult]]:
        """Each file's results (the file, then what is inside it), file by file in order (on a cluster: as they
        finish, ``scan.cluster``)."""
        opts = self.options
        if opts.cluster is not None:
            yield from (batch for _, batch in self.indexed_batches())
            return
        refs: Iterable[FileRef] = walk(self.paths) if self.refs is None else self.refs
        if opts.workers > 1:
            head, rest = _first_files(refs)
            if rest is None:  # a handful of small files: starting workers would cost more than it saves
                yield from self._in_process(head)
                return
            refs = itertools.chain(head, rest)
        else:
            yield from self._in_process(refs)
            return
        # A bounded window of work in flight keeps memory flat and output in walk order.
        window: deque[_Pending] = deque()
        # With a cache, workers start only when a file must be read (an unchanged tree needs none).
        memory = opts.limits.worker_memory_bytes
        from mamori.scan.incremental import LazyPool

        pool: Any = (worker_pool(opts.workers, memory) if self.cache is None
                     else LazyPool(partial(worker_pool, opts.workers, memory)))
        try:
            for ref in refs:
                window.append(self._submit(pool, ref))
                while len(window) >= opts.workers * 4:
                    batch, pool = self._collect(window, pool)
                    yield batch
            while window:
                batch, pool = self._collect(window, pool, last=len(window) == 1)
                yield batch
        finally:
            pool.shutdown(cancel_futures=True)
            if self._handoff is not None:
                shutil.rmtree(self._handoff, ignore_errors=True)
                self._handoff = None

    def _in_process(self, refs: Iterable[FileRef]) -> Iterator[list[ItemResult]]:
        """Files inspected one after another by one helper process (forked from this one: no start-up to
        pay), so that a reader's crash is that file's ``error`` and the scan goes on (``sandbox``)."""
        opts = self.options
        with Sandbox(opts.limits.worker_memory_bytes) as sandbox:
            sandbox.start()  # forked now: planning a big CSV below runs Polars here, and then forking is unsafe
            try:
                for ref in refs:
                    if self.cache is not None and (hit := self.cache.lookup(ref)) is not None:
                        yield hit
                        continue
                    # A file too big to key in one piece is keyed part after part, by the helper.
                    plan = plan_split(ref, opts.limits, 1)
                    ordinary = partial(_guarded, partial(sandbox.call, inspect_file, ref, opts.limits, opts.secret,
                                                         opts.ocr), ref)
                    if plan is None:
                        yield ordinary()
                    else:
                        from mamori.scan.parts import key_part

                        handoff = self._handoff_dir()
                        parts = [_done(sandbox.call, key_part, plan, i, opts.secret, handoff)
                                 for i in range(len(plan.ranges))]
                        yield self._merged(ref, plan, parts, ordinary)
            finally:
                if self._handoff is not None:
                    shutil.rmtree(self._handoff, ignore_errors=True)
                    self._handoff = None

    def _submit(self, pool: ProcessPoolExecutor, ref: FileRef) -> _Pending:
        """*ref* sent to the workers: split over all of them when it is a big delimited file."""
        opts = self.options
        if self.cache is not None and (hit := self.cache.lookup(ref)) is not None:
            return _Pending(ref, [_done(list, hit)])
        plan = plan_split(ref, opts.limits, opts.workers)
        sheet = None
        if plan is None and wants_sheet_split(ref, opts.workers) and (handoff := self._handoff_dir()) is not None:
            # One worker reads the workbook (this waits for it: the others go on with what is in flight).
            read: Future[Any] = pool.submit(sheet_to_csv, ref, opts.limits, opts.secret, handoff)
            try:
                outcome = read.result()
            except BrokenProcessPool:  # handed to _collect, which starts new workers and retries
                return _Pending(ref, [read])
            if isinstance(outcome, list):  # not split: the worker inspected it
                return _Pending(ref, [read])
            sheet = outcome
            plan = plan_split(FileRef(Path(sheet[0]), ref.path), opts.limits, opts.workers)
            if plan is None:
                Path(sheet[0]).unlink(missing_ok=True)
                sheet = None
        if plan is None:
            return _Pending(ref, [pool.submit(inspect_file, ref, opts.limits, opts.secret, opts.ocr)])
        from mamori.scan.parts import key_part

        handoff = self._handoff_dir()
        return _Pending(ref, [pool.submit(key_part, plan, i, opts.secret, handoff) for i in range(len(plan.ranges))],
                        plan, sheet)

    def _collect(self, window: deque[_Pending], pool: ProcessPoolExecutor,
                 last: bool = False) -> tuple[list[ItemResult], ProcessPoolExecutor]:
        """The oldest result; if a worker died (a crash in a native library), retry that file alone once.

        *last*: nothing else will be sent to the workers once this result is in.
        """
        opts = self.options
        pending = window.popleft()
        ref = pending.ref
        try:
            if pending.plan is None:
                return pending.futures[0].result(), pool
            try:
                def ordinary() -> list[ItemResult]:
                    return pool.submit(inspect_file, ref, opts.limits, opts.secret, opts.ocr).result()

                batch = self._merged(ref, pending.plan, pending.futures, ordinary,
                                     # the workers exit (freeing their memory) while this process merges
                                     (lambda: pool.shutdown(wait=False)) if last else None)
            finally:
                if pending.sheet is not None:
                    Path(pending.sheet[0]).unlink(missing_ok=True)
            if pending.sheet is not None and batch[0].status is Status.OK and batch[0].format == pending.plan.format:
                # keyed from the CSV of its one sheet: reported as the workbook it is
                batch = [replace(batch[0], format=pending.sheet[1], encoding=None, problems=())]
            return batch, pool
        except BrokenProcessPool:
            pool.shutdown(cancel_futures=True)
            pool = worker_pool(opts.workers, opts.limits.worker_memory_bytes)
            try:
                batch = pool.submit(inspect_file, ref, opts.limits, opts.secret, opts.ocr).result()
            except BrokenProcessPool:
                pool.shutdown(cancel_futures=True)
                pool = worker_pool(opts.workers, opts.limits.worker_memory_bytes)
                batch = [_crashed(ref)]
            # Everything else in flight died with the pool: send it again.
            for i, other in enumerate(window):
                window[i] = self._submit(pool, other.ref)
            return batch, pool

    def _merged(self, ref: FileRef, plan: SplitPlan, futures: list[Future[Any]],
                ordinary: Callable[[], list[ItemResult]],
                before_merge: Callable[[], None] | None = None) -> list[ItemResult]:
        """A split file's result from its parts, or the *ordinary* one (the file read whole) when a part
        could not be read."""
        # Hashed here while the workers read the parts; never kept in memory whole.
        item = load_file(ref, replace(self.options.limits, in_memory_bytes=0))
        parts: list[PartResult] | None
        try:
            parts = self._parts(futures)
        except BrokenProcessPool:
            raise
        except Exception:  # noqa: BLE001 - a part failed: the ordinary path reads the file and reports why
            parts = None
        if item.status is not None or parts is None or any(p.fallback for p in parts):
            for part in parts or []:
                part.discard()
            return ordinary()
        if before_merge is not None:
            before_merge()
        from mamori.scan.parts import merge

        return [merge(item, plan, parts)]

    @staticmethod
    def _parts(futures: list[Future[Any]]) -> list[PartResult]:
        """The parts' results in order; each loaded as it arrives, while the other workers still run."""
        index = {future: i for i, future in enumerate(futures)}
        parts: list[PartResult | None] = [None] * len(futures)
        for future in as_completed(futures):
            part: PartResult = future.result()
            parts[index[future]] = part.loaded()
        return [part for part in parts if part is not None]

    def results(self, on_result: ProgressCallback | None = None) -> Iterator[ItemResult]:
        """Each item's result in walk order (an archive before its members)."""
        started = time.perf_counter()
        people = DistinctPeople()
        by_role = {ROLE_STAFF: DistinctPeople(), ROLE_BUSINESS: DistinctPeople()}
        items = pii_items = not_inspected = total_bytes = 0
        for batch in self.batches():
            if self.cache is not None:
                self.cache.store(batch)
            for result in batch:
                items += 1
                pii_items += result.pii is True
                not_inspected += not result.status.inspected
                if "!" not in result.path:
                    total_bytes += result.size
                people.add_all(result.person_keys, None if result.container else result.persons)
                for role, keys in result.role_keys:
                    if role in by_role:
                        by_role[role].add_all(keys)
                if on_result:
                    on_result(result)
                yield result
        counts = self.cache.people_counts() if self.cache is not None else None  # nothing changed: as last time
        if counts is None:
            counts = (people.count, by_role[ROLE_STAFF].count, by_role[ROLE_BUSINESS].count)
            if self.cache is not None:
                self.cache.remember_people_counts(counts)
        self.summary = ScanSummary(items, pii_items, not_inspected, counts[0], time.perf_counter() - started,
                                   total_bytes, unique_staff=counts[1], unique_business=counts[2])
