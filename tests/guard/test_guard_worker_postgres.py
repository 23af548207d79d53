"""The background scan worker of `mamori guard serve` on PostgreSQL: a worker killed (kill -9) in the middle of a
scan loses nothing — the next worker recovers the job, scans the request to its end — and leaves no copy of the
upload behind. Runs only with a PostgreSQL server (``scripts/with-postgres.sh``); the home gets a database of its
own on that server, as a production install would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from guard_live import server_env

PROBE = Path(__file__).with_name("guard_pg_probe.py")
_URL = os.environ.get("MAMORI_TEST_DATABASE_URL", "")
ROWS = 40_000

pytestmark = pytest.mark.skipif(not _URL.startswith(("postgres://", "postgresql://")),
                                reason="needs PostgreSQL: run under scripts/with-postgres.sh")


@pytest.fixture
def database() -> Iterator[str]:
    """A fresh database on the test server for one home; dropped afterwards."""
    import psycopg

    name = f"mamori_worker_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(_URL)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))
    finally:
        with psycopg.connect(_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(PROBE), *args], env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _job_state(url: str, request_id: int) -> tuple[str, int, str]:
    import psycopg

    with psycopg.connect(url) as db:
        row = db.execute("SELECT state, attempts, worker FROM exports_scanjob WHERE request_id = %s",
                         (request_id,)).fetchone()
    assert row is not None
    return str(row[0]), int(row[1]), str(row[2])


def _wait_for(url: str, request_id: int, states: set[str], worker: subprocess.Popen[bytes],
              polls: int = 12_000) -> tuple[str, int, str]:
    """The job's (state, attempts, owner) once it is in one of *states*; counted polls, not a clock."""
    for _ in range(polls):
        got = _job_state(url, request_id)
        if got[0] in states:
            return got
        assert worker.poll() is None, "the worker exited on its own"
        time.sleep(0.05)
    raise AssertionError(f"the job never reached {states}: {got}")


def _worker(home: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "mamori", "guard", "worker", "--home", str(home)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


# Not marked slow: `make test` runs tests/guard on PostgreSQL with -m "not slow", and this is the one test there
# of the real worker process against PostgreSQL.
def test_a_killed_worker_loses_nothing_on_postgresql(database: str, tmp_path: Path) -> None:
    env = server_env({"DATABASE_URL": database, "MAMORI_SCAN_STALE_SECONDS": "3600"})
    home = tmp_path / "home"
    subprocess.run([sys.executable, "-m", "mamori", "guard", "init", "--home", str(home), "--admin", "root"],
                   env=env, check=True, capture_output=True, timeout=600)
    submitted = _run(env, "submit", str(home), str(ROWS))
    request_id = int(submitted["request"])
    assert submitted["database"] == "postgresql"

    first = _worker(home, env)
    try:
        state, attempts, owner = _wait_for(database, request_id, {"running", "done"}, first)
        assert (state, attempts) == ("running", 1), "the scan ended before the worker could be killed"
        assert owner.endswith(f":{first.pid}")
        os.kill(first.pid, signal.SIGKILL)  # the worker; its scan child dies with it (PR_SET_PDEATHSIG)
        first.wait(60)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert _job_state(database, request_id)[0] == "running"  # what a dead worker leaves: its job still claimed

    second = _worker(home, env)
    try:
        state, attempts, owner = _wait_for(database, request_id, {"done", "failed"}, second)
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(120)
        except subprocess.TimeoutExpired:
            second.kill()
            second.wait()
    assert (state, attempts) == ("done", 2) and owner.endswith(f":{second.pid}")

    after = _run(env, "state", str(home), str(request_id))
    assert after["database"] == "postgresql"
    assert after["request"] == "pending" and after["not_inspected"] == 0
    assert after["persons"] == submitted["expected"] > ROWS * 0.99  # what an uninterrupted scan finds
    actions = after["actions"]
    assert actions.count("export.requested") == 1 and actions.count("export.scanned") == 1
    assert actions.count("export.scan_interrupted") == 1  # the killed attempt is on the record
    # No copy of the upload beyond the request's one stored file; nothing half-written left in tmp.
    files = sorted(p.name for p in (home / "guard" / "files").iterdir())
    assert files == sorted(submitted["stored"])
    tmp = home / "guard" / "tmp"
    assert not tmp.exists() or list(tmp.iterdir()) == []
