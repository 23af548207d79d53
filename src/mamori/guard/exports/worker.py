"""The scan worker: takes queued jobs one at a time and scans each in a child process it watches.

The child has a memory limit (``MAMORI_SCAN_MEMORY_MB``) and a time limit (``MAMORI_SCAN_SECONDS``);
the parent beats the job's heartbeat while it runs. A child that dies (out of memory, killed, a
crash in a reader) ends its attempt: the job goes back to the queue or, after the last attempt, is
finished as not inspected (jobs.interrupted). If the worker itself is killed, the next worker to
start (``mamori guard serve`` restarts it) finds the job's owner gone and requeues it (jobs.recover).
"""

from __future__ import annotations

import multiprocessing
import resource
import signal
import time
from collections.abc import Callable
from multiprocessing.context import ForkProcess

from django.conf import settings
from django.db import connections

from mamori.guard.exports import jobs
from mamori.guard.exports.models import ScanJob

POLL_SECONDS = 1.0
BEAT_SECONDS = 2.0
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Ask Linux to kill this child if the worker dies (no orphan scan after a kill -9 of the worker)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the job is still recovered (jobs.recover), the orphan scan just runs to its end


def _child(job_id: int) -> None:
    _die_with_parent()
    limit = int(settings.MAMORI_SCAN_MEMORY_MB) * 1024 * 1024
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    jobs.run(ScanJob.objects.get(pk=job_id))
    connections.close_all()


def _describe(code: int | None) -> str:
    if code is None:
        return "the scan did not end"
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        return f"the scan process was killed by {name} (out of memory, or stopped)"
    return f"the scan process failed with exit code {code}"


def _bytes_read(pid: int | None) -> int:
    """Bytes the child has read so far (Linux /proc; 0 elsewhere): progress within a large file."""
    try:
        with open(f"/proc/{pid}/io", encoding="ascii") as stats:
            for line in stats:
                if line.startswith("rchar:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run_job(job: ScanJob, stop: Callable[[], bool] = lambda: False) -> None:
    """Scan `job` in a watched child process; on any failure end the attempt with a reason.

    When `stop()` turns true (the server is shutting down) the child is killed and the job handed back to
    the queue without counting the attempt.
    """
    connections.close_all()  # the child opens its own database connection
    child: ForkProcess = multiprocessing.get_context("fork").Process(target=_child, args=(job.pk,), daemon=True)
    child.start()
    deadline = time.monotonic() + int(settings.MAMORI_SCAN_SECONDS)
    reason = ""
    while True:
        child.join(max(0.0, min(BEAT_SECONDS, deadline - time.monotonic())))
        if child.exitcode is not None:
            break
        if stop():
            child.kill()
            child.join()
            child.close()
            jobs.release(job.pk, "the worker was stopped during the scan")
            return
        if time.monotonic() >= deadline:
            child.kill()
            child.join()
            reason = f"the scan took longer than {settings.MAMORI_SCAN_SECONDS} s"
            break
        jobs.heartbeat(job.pk, bytes_done=min(job.bytes_total - 1, _bytes_read(child.pid)))
    if child.exitcode != 0 or reason:
        jobs.interrupted(job.pk, reason or _describe(child.exitcode))
    child.close()


def serve_forever(stop: Callable[[], bool] = lambda: False, once: bool = False) -> int:
    """Take jobs until `stop()` (or, with `once`, until the queue is empty); how many were run."""
    me = jobs.worker_name()
    done = 0
    jobs.recover()
    last_recovery = time.monotonic()
    while not stop():
        if time.monotonic() - last_recovery > BEAT_SECONDS:
            jobs.recover()
            last_recovery = time.monotonic()
        job = jobs.claim(me)
        if job is None:
            if once:
                break
            time.sleep(POLL_SECONDS)
            continue
        run_job(job, stop)
        done += 1
    return done
