"""`mamori guard serve`: the web server (uvicorn, ASGI) and the scan worker, started, watched and restarted.

Before the web server (re)starts — when no upload can be in flight — everything an interrupted
upload may have left is removed: spooled request bodies in HOME/guard/tmp and stored files that no
request refers to in HOME/guard/files.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from mamori.guard.home import guard_dir

RESTART_WINDOW = 60.0
MAX_RESTARTS = 5


def sweep_orphans(home: Path) -> int:
    """Delete upload leftovers (no request refers to them); how many files were removed. Django must be set up."""
    from mamori.guard.exports.models import ExportFile
    from mamori.guard.exports.storage import files_dir

    removed = 0
    tmp = guard_dir(home) / "tmp"
    if tmp.is_dir():
        for path in tmp.iterdir():
            if path.is_file() or path.is_symlink():
                path.unlink(missing_ok=True)
                removed += 1
    known = set(ExportFile.objects.values_list("stored_name", flat=True))
    for path in files_dir(home).iterdir():
        if path.name not in known and (path.is_file() or path.is_symlink()):
            path.unlink(missing_ok=True)
            removed += 1
    if removed:
        from mamori.guard.auditlog.services import record

        record("system", "guard.orphans_removed", "home", str(home), files=removed)
    return removed


@dataclass
class Child:
    """One supervised process: how to start it and when it was (re)started."""

    name: str
    argv: list[str]
    before_start: Callable[[], None] = lambda: None
    process: subprocess.Popen[bytes] | None = None
    starts: list[float] = field(default_factory=list)

    def start(self, env: dict[str, str]) -> None:
        """Start (again), remembering when."""
        self.before_start()
        now = time.monotonic()
        self.starts = [t for t in self.starts if now - t < RESTART_WINDOW] + [now]
        self.process = subprocess.Popen(self.argv, env=env)

    @property
    def crashing(self) -> bool:
        """Restarted too often within a minute: something is wrong that restarting will not fix."""
        return len(self.starts) > MAX_RESTARTS


def web_argv(host: str, port: int, workers: int) -> list[str]:
    """uvicorn on the ASGI application, with keep-alive and concurrency bounds."""
    return [sys.executable, "-m", "uvicorn", "mamori.guard.asgi:application", "--host", host, "--port", str(port),
            "--workers", str(max(1, workers)), "--lifespan", "off", "--timeout-keep-alive", "5",
            "--limit-concurrency", "2000", "--timeout-graceful-shutdown", "10", "--no-server-header"]


def worker_argv(home: Path) -> list[str]:
    """The scan worker of `home`."""
    return [sys.executable, "-m", "mamori", "guard", "worker", "--home", str(home)]


def supervise(children: list[Child], env: dict[str, str], echo: Callable[[str], None]) -> int:
    """Run `children` until SIGTERM/SIGINT, restarting any that exits; 1 if one keeps crashing."""
    stopping: list[int] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for child in children:
        child.start(env)
    code = 0
    while not stopping:
        time.sleep(0.5)
        for child in children:
            assert child.process is not None
            status = child.process.poll()
            if status is None or stopping:
                continue
            echo(f"mamori guard: the {child.name} exited ({status}); restarting it")
            if child.crashing:
                echo(f"mamori guard: the {child.name} keeps exiting; stopping")
                stopping.append(0)
                code = 1
                break
            child.start(env)
    for child in children:
        if child.process is not None and child.process.poll() is None:
            child.process.send_signal(signal.SIGTERM)
    for child in children:
        if child.process is None:
            continue
        try:
            child.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait()
    return code


def environment(home: Path) -> dict[str, str]:
    """The children's environment: this one with MAMORI_HOME set."""
    env = dict(os.environ)
    env["MAMORI_HOME"] = str(home.resolve())
    env.setdefault("DJANGO_SETTINGS_MODULE", "mamori.guard.settings")
    return env
