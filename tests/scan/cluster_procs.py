"""A real Dask cluster for tests: `dask scheduler` and `dask worker` processes on 127.0.0.1, ports from the OS."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

DASK = Path(sys.executable).parent / "dask"
_WAIT_STEPS = 600  # tenths of a second a process gets to come up


@dataclass
class DaskProcs:
    """The processes of one cluster and where their output goes."""

    folder: Path
    scheduler: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    address: str = ""

    def logs(self) -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(self.folder.glob("*.log")))

    def kill_worker(self, pid: int) -> None:
        os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        for proc in [*self.workers, self.scheduler]:
            if proc is not None and proc.poll() is None:
                proc.terminate()
        for proc in [*self.workers, self.scheduler]:
            if proc is not None:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def _spawn(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False", "POLARS_MAX_THREADS": "1"}
    with log.open("wb") as out:
        return subprocess.Popen([str(DASK), *args], stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)


@contextmanager
def dask_cluster(folder: Path, workers: int = 2) -> Iterator[DaskProcs]:
    """A scheduler and *workers* single-threaded workers (no nanny: killing one kills the worker itself)."""
    folder.mkdir(parents=True, exist_ok=True)
    procs = DaskProcs(folder)
    info = folder / "scheduler.json"
    try:
        procs.scheduler = _spawn(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                  "--scheduler-file", str(info)], folder / "scheduler.log")
        for _ in range(_WAIT_STEPS):
            if info.exists() and info.stat().st_size:
                break
            assert procs.scheduler.poll() is None, procs.logs()
            time.sleep(0.1)
        procs.address = json.loads(info.read_text())["address"]
        for n in range(workers):
            procs.workers.append(_spawn(["worker", procs.address, "--host", "127.0.0.1", "--nthreads", "1",
                                         "--no-nanny", "--no-dashboard", "--name", f"w{n}"],
                                        folder / f"worker{n}.log"))
        from distributed import Client

        with Client(procs.address, timeout="60s") as client:
            client.wait_for_workers(workers, timeout=120)
        yield procs
    finally:
        procs.stop()
