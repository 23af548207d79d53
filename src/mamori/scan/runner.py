"""A whole scan: walk the paths, inspect files in parallel processes, count distinct people."""

from __future__ import annotations

import multiprocessing
import os
import secrets
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from mamori.evidence.files import FileRef, load_file, walk
from mamori.evidence.limits import Limits
from mamori.models import ItemResult, ScanSummary, Status
from mamori.people.dedupe import DistinctPeople
from mamori.people.keys import KeyMaker
from mamori.scan.inspect import Inspector

ProgressCallback = Callable[[ItemResult], None]


@dataclass(frozen=True)
class ScanOptions:
    """How to scan: parallelism, limits and the identity-key secret (fresh per run by default)."""

    workers: int = 1
    limits: Limits = field(default_factory=Limits)
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)


def inspect_file(ref: FileRef, limits: Limits, secret: bytes) -> list[ItemResult]:
    """Everything about one file on disk (the unit of work sent to a process)."""
    item = load_file(ref, limits)
    return Inspector(limits, KeyMaker(secret)).inspect(item)


def _crashed(ref: FileRef) -> ItemResult:
    return ItemResult(path=ref.display_path, status=Status.ERROR, size=0, sha256="", pii=None,
                      reason="the process reading this file crashed twice (a fault in a native reader)")


def _pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes started from a fork server that has imported the engine once.

    Not plain fork: a child forked from a process whose Polars/DuckDB thread pools have run may run
    them single-threaded or hang; the fork server never runs them, and forking from it is cheap.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["mamori.scan.inspect", "mamori.scan.warm"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


class Scan:
    """Iterate over ``results()``; afterwards ``summary`` holds the totals."""

    def __init__(self, paths: Sequence[str | Path], options: ScanOptions | None = None) -> None:
        self.paths = list(paths)
        self.options = options or ScanOptions()
        self.summary: ScanSummary | None = None

    def _batches(self) -> Iterator[list[ItemResult]]:
        opts = self.options
        refs = walk(self.paths)
        if opts.workers <= 1:
            for ref in refs:
                yield inspect_file(ref, opts.limits, opts.secret)
            return
        # A bounded window of work in flight keeps memory flat and output in walk order.
        window: deque[tuple[FileRef, Future[list[ItemResult]]]] = deque()
        pool = _pool(opts.workers)
        try:
            for ref in refs:
                window.append((ref, pool.submit(inspect_file, ref, opts.limits, opts.secret)))
                while len(window) >= opts.workers * 4:
                    batch, pool = self._collect(window, pool)
                    yield batch
            while window:
                batch, pool = self._collect(window, pool)
                yield batch
        finally:
            pool.shutdown(cancel_futures=True)

    def _collect(self, window: deque[tuple[FileRef, Future[list[ItemResult]]]],
                 pool: ProcessPoolExecutor) -> tuple[list[ItemResult], ProcessPoolExecutor]:
        """The oldest result; if a worker died (a crash in a native library), retry that file alone once."""
        opts = self.options
        ref, future = window.popleft()
        try:
            return future.result(), pool
        except BrokenProcessPool:
            pool.shutdown(cancel_futures=True)
            pool = _pool(opts.workers)
            try:
                batch = pool.submit(inspect_file, ref, opts.limits, opts.secret).result()
            except BrokenProcessPool:
                pool.shutdown(cancel_futures=True)
                pool = _pool(opts.workers)
                batch = [_crashed(ref)]
            # Everything else in flight died with the pool: send it again.
            for i, (other, _) in enumerate(window):
                window[i] = (other, pool.submit(inspect_file, other, opts.limits, opts.secret))
            return batch, pool

    def results(self, on_result: ProgressCallback | None = None) -> Iterator[ItemResult]:
        """Each item's result in walk order (an archive before its members)."""
        started = time.perf_counter()
        people = DistinctPeople()
        items = pii_items = not_inspected = total_bytes = 0
        for batch in self._batches():
            for result in batch:
                items += 1
                pii_items += result.pii is True
                not_inspected += not result.status.inspected
                if "!" not in result.path:
                    total_bytes += result.size
                people.add_all(result.person_keys, None if result.container else result.persons)
                if on_result:
                    on_result(result)
                yield result
        self.summary = ScanSummary(items, pii_items, not_inspected, people.count,
                                   time.perf_counter() - started, total_bytes)
