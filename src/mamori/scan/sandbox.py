"""Inspection in a helper process, so that a reader's native crash ends one item, never the scan.

The readers of Excel, PDF and XML files are native code (python-calamine, pypdfium2, lxml): a fault in
them — a segfault, an abort on a failed allocation, a Rust panic — takes down the process it runs in.
A scan that inspected in its own process (``--workers 1``, one-CPU hosts, a handful of small files)
then ended with no summary. Here each task runs in one long-lived helper process; when the helper
dies, the task in hand raises :class:`ReaderCrashed` (the scan makes that item's ``error``) and the next
task starts a new helper.

The helper is forked from the calling process when that is safe — cheap, everything is imported
already — and otherwise started from the fork server the worker pools use. Forking is unsafe once the
parent runs a native thread pool (Polars' rayon pool, DuckDB's threads): the child would inherit the
pool's bookkeeping without its threads and wait for them forever. Threads that are known to be harmless
(jemalloc's background purger, Polars' spill cleaner, both started by ``import polars``) and Python's own
threads (a progress bar) do not count. The helper runs under a memory limit (``RLIMIT_DATA``), so a
reader that would take the machine's memory fails there — as a ``MemoryError`` or an abort — instead.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import warnings
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from mamori.errors import MamoriError, ReaderCrashed

T = TypeVar("T")

#: Threads ``import polars`` starts that hold no state a forked child could wait on.
_HARMLESS_THREADS = frozenset({"jemalloc_bg_thd", "polars-ooc-clea"})
_PRELOAD = ["mamori.scan.inspect", "mamori.scan.parts"]
_PR_SET_PDEATHSIG = 1


def fork_is_safe() -> bool:
    """True when a child forked from this process can run Polars and the readers.

    Every thread that is neither a Python thread nor one of the harmless ones is taken to be a
    native pool's; unknown platforms (no ``/proc``) are taken to be unsafe.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        names = [Path(f"/proc/self/task/{task}/comm").read_text().strip() for task in os.listdir("/proc/self/task")]
    except OSError:
        return False
    native = sum(1 for name in names if name not in _HARMLESS_THREADS)
    return native <= threading.active_count()


def _context() -> BaseContext:
    if fork_is_safe():
        return multiprocessing.get_context("fork")
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")  # Windows


def limit_memory(data_bytes: int | None) -> None:
    """Cap this process's data segment (heap and private mappings) at *data_bytes*; None leaves it."""
    if not data_bytes:
        return
    try:
        import resource
    except ImportError:  # Windows: no rlimits
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    cap = data_bytes if hard == resource.RLIM_INFINITY else min(data_bytes, hard)
    if soft == resource.RLIM_INFINITY or soft > cap:
        resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the scanning process dies (no helper left behind after a kill -9)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the helper still ends when it reads EOF from a parent that is gone


def _serve(tasks: Connection, data_bytes: int | None, parents_end: Connection | None = None) -> None:
    """The helper's loop: run each ``(fn, args)`` received, send back ``(True, result)`` or ``(False, error)``."""
    _die_with_parent()
    if parents_end is not None:
        parents_end.close()  # a forked child holds a copy of it: closed, the parent's death reads as EOF here
    # Ctrl-C reaches the whole process group: the parent decides, and ends this process when it stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit_memory(data_bytes)
    while True:
        try:
            task = tasks.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        fn, args = task
        try:
            outcome: tuple[bool, Any] = (True, fn(*args))
        except Exception as error:  # noqa: BLE001 - raised again in the parent, as a worker's would be
            outcome = (False, error)
        except BaseException as error:  # noqa: BLE001 - a Rust panic (pyo3's PanicException) is one: its class
            # may not unpickle in the parent, so it goes back as words
            outcome = (False, MamoriError(f"the reader failed ({type(error).__name__}: {error})"))
        try:
            tasks.send(outcome)
        except Exception as error:  # noqa: BLE001 - a result or exception that does not pickle
            tasks.send((False, MamoriError(f"the result could not be handed back ({type(error).__name__}: {error})")))


def describe_exit(code: int | None) -> str:
    """How a helper ended, in words (``killed by SIGSEGV``, ``exit code 1``)."""
    if code is None:
        return "ended for an unknown reason"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class Sandbox:
    """Runs tasks one at a time in a helper process; a new helper after one dies."""

    def __init__(self, data_bytes: int | None = None) -> None:
        self.data_bytes = data_bytes
        self._process: BaseProcess | None = None
        self._tasks: Connection | None = None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def _helper(self) -> Connection:
        if self._process is not None and self._tasks is not None and self._process.is_alive():
            return self._tasks
        self._discard()
        context = _context()
        ours, theirs = context.Pipe(duplex=True)
        forked = context.get_start_method() == "fork"
        process = context.Process(target=_serve, args=(theirs, self.data_bytes, ours if forked else None),  # type: ignore[attr-defined]
                                  daemon=True, name="mamori-inspect")
        with warnings.catch_warnings():  # Python 3.12+ warns about fork with threads; ours are checked above
            warnings.simplefilter("ignore", DeprecationWarning)
            process.start()
        theirs.close()  # only the helper holds its end now: its death reads as EOF here
        self._process, self._tasks = process, ours
        return ours

    def start(self) -> None:
        """Start the helper now, while this process may still fork (before it runs Polars itself)."""
        self._helper()

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` run in the helper; what it raises is raised here; ReaderCrashed when the helper dies."""
        tasks = self._helper()
        try:
            tasks.send((fn, args))
            ok, value = tasks.recv()
        except (EOFError, OSError) as error:
            process = self._process
            if process is not None:
                process.join(5)
            how = describe_exit(process.exitcode if process is not None else None)
            self._discard()
            limit = f", or its memory limit of {self.data_bytes >> 20} MiB reached" if self.data_bytes else ""
            raise ReaderCrashed(
                f"the process reading this item ended ({how}: a fault in a native reader{limit}); "
                "the item was not inspected — check it by hand, and please report it with the file's type") from error
        if ok:
            return value  # type: ignore[no-any-return]
        raise value

    def _discard(self) -> None:
        if self._tasks is not None:
            self._tasks.close()
            self._tasks = None
        process, self._process = self._process, None
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join()

    def close(self) -> None:
        """Stop the helper (it finishes nothing more)."""
        if self._tasks is not None and self._process is not None and self._process.is_alive():
            with contextlib.suppress(OSError):
                self._tasks.send(None)
            self._process.join(2)
        self._discard()
