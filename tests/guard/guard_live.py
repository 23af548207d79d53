"""A real `mamori guard serve` (gunicorn, loopback) on a temporary home with a seeded cast, for browser,
schemathesis and benchmark runs. Seeding runs in a child process: the test process's Django is set up for
the in-memory test database, the server's is not.

    python tests/guard/guard_live.py seed HOME DEPARTMENTS   # prints the cast as JSON (used by `start`)
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PASSWORD = "correct horse battery staple 7"


@dataclass(frozen=True)
class Live:
    """A running server and who can log in to it."""

    url: str
    home: Path
    cast: dict[str, Any]
    log: Path

    def user(self, name: str) -> dict[str, Any]:
        """{password, totp_secret, role} of a seeded user."""
        user: dict[str, Any] = self.cast["users"][name]
        return user


def server_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a server child: no test-only database settings."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAMORI_TESTING", "DATABASE_URL", "MAMORI_TEST_DATABASE_URL", "DJANGO_SETTINGS_MODULE",
                        "MAMORI_HOME", "MAMORI_AUDIT_FSYNC", "MAMORI_SCAN_INLINE")}
    env.update(extra or {})
    return env


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if the process has not ended within 20 s."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=300,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{args[:3]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not become healthy in {timeout} s")


@contextmanager
def start(home: Path, *, departments: int = 1, workers: int = 2, threads: int = 4,
          env: dict[str, str] | None = None, init: bool = True) -> Iterator[Live]:
    """Initialise `home` and seed it (unless `init` is False: serve it as it is), serve it on a free loopback port;
    stop the server afterwards."""
    child_env = server_env(env)
    cast: dict[str, Any] = {"users": {}, "departments": []}
    if init:
        _run(["-m", "mamori", "guard", "init", "--home", str(home), "--admin", "root"], child_env)
        cast = json.loads(_run([__file__, "seed", str(home), str(departments)], child_env))
    port = free_port()
    del threads  # the server is uvicorn now (no thread pool to size); kept for callers that still pass it
    log = home / "server.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "mamori", "guard", "serve", "--home", str(home), "--port", str(port),
             "--workers", str(workers)], stdout=out, stderr=subprocess.STDOUT, env=child_env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield Live(url, home, cast, log)
    finally:
        stop_process(process)


def seed(home: Path, departments: int) -> dict[str, Any]:
    """Departments D01.. each with a head, an employee, a medium and an endpoint; one auditor."""
    os.environ["MAMORI_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mamori.guard.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password

    from mamori.guard.accounts import totp
    from mamori.guard.accounts.models import Department, Role, User
    from mamori.guard.api.services import create_endpoint
    from mamori.guard.media.models import Medium

    hashed = make_password(PASSWORD)  # one argon2 hash for everyone keeps seeding quick
    users: dict[str, Any] = {}

    def user(name: str, role: str, dept: Department | None) -> User:
        # Employees log in with a password only (TOTP is optional for them), everyone else with TOTP too.
        made = User.objects.create(username=name, role=role, department=dept, password=hashed, display_name=name,
                                   totp_secret="" if role == Role.EMPLOYEE else totp.new_secret())
        users[name] = {"password": PASSWORD, "totp_secret": made.totp_secret, "role": role}
        return made

    cast: dict[str, Any] = {"users": users, "departments": []}
    user("auditor", Role.AUDITOR, None)
    user("secadmin", Role.SECURITY_ADMIN, None)
    for n in range(1, departments + 1):
        dept = Department.objects.create(code=f"D{n:02d}", name=f"第{n}課")
        dept.head = user(f"head{n:02d}", Role.SECTION_HEAD, dept)
        dept.save(update_fields=["head"])
        user(f"staff{n:02d}", Role.EMPLOYEE, dept)
        medium = Medium.objects.create(vendor_id="0781", product_id="5581", serial=f"S{n:04d}",
                                       capacity_bytes=32 << 30, label=f"第{n}課USB", department=dept, encrypted=True)
        _, token = create_endpoint(None, f"pc-{n:02d}", dept)
        cast["departments"].append({"code": dept.code, "head": f"head{n:02d}", "staff": f"staff{n:02d}",
                                    "medium": medium.pk, "medium_identity": medium.identity(), "token": token})
    return cast


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "seed":
        sys.exit(__doc__)
    sys.stdout.write(json.dumps(seed(Path(sys.argv[2]), int(sys.argv[3]))))
