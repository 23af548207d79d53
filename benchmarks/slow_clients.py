"""Benchmark: does /healthz still answer while slow clients trickle POST bodies to /login/? Server choices side by side.

    .venv/bin/python benchmarks/slow_clients.py [--slow 50] [--probes 5]

For each server — gunicorn sync workers (what `mamori guard serve` ran before), gunicorn gthread workers, and
`mamori guard serve` now (uvicorn, ASGI) — on a fresh home on loopback: /healthz latency with no attack (the
floor), then with `--slow` connections each sending a POST /login/ whose body arrives a byte at a time. A probe
that gets no answer within 10 s counts as starved.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "guard"))
from guard_live import free_port, server_env

PROBE_TIMEOUT = 10.0


def _healthz(url: str) -> float | None:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=PROBE_TIMEOUT) as answer:
            answer.read()
    except OSError:
        return None
    return time.monotonic() - started


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited")
        if _healthz(url) is not None:
            return
        time.sleep(0.3)
    raise RuntimeError("the server did not start")


def _probes(url: str, count: int) -> list[float | None]:
    out = []
    for _ in range(count):
        out.append(_healthz(url))
        time.sleep(0.2)
    return out


def _attack(url: str, count: int, stop: threading.Event) -> list[socket.socket]:
    port = int(url.rsplit(":", 1)[1])
    socks = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: 100000\r\n\r\nusername=")
        socks.append(sock)

    def trickle() -> None:
        while not stop.wait(1.0):
            for sock in socks:
                with contextlib.suppress(OSError):  # the server may have cut it off: that is the point
                    sock.sendall(b"a")

    threading.Thread(target=trickle, daemon=True).start()
    return socks


def _describe(values: list[float | None]) -> str:
    answered = [v for v in values if v is not None]
    median = f"{statistics.median(answered) * 1000:,.0f} ms" if answered else "—"
    return f"{len(answered)}/{len(values)} answered, median {median}"


def run(name: str, argv: list[str], env: dict[str, str], url: str, slow: int, probes: int) -> None:
    with open(os.devnull, "wb") as quiet:
        process = subprocess.Popen(argv, env=env, stdout=quiet, stderr=quiet)
    try:
        _wait(url, process)
        floor = _probes(url, probes)
        stop = threading.Event()
        socks = _attack(url, slow, stop)
        time.sleep(1.0)
        attacked = _probes(url, probes)
        stop.set()
        for sock in socks:
            sock.close()
        print(f"| {name} | {_describe(floor)} | {_describe(attacked)} |")
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", type=int, default=50, help="slow POSTs held open during the probes")
    parser.add_argument("--probes", type=int, default=5, help="/healthz probes before and during the attack")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        env = server_env({"MAMORI_HOME": str(home), "DJANGO_SETTINGS_MODULE": "mamori.guard.settings"})
        subprocess.run([sys.executable, "-m", "mamori", "guard", "init", "--home", str(home), "--admin", "root"],
                       env=env, check=True, capture_output=True)
        print(f"load before: {Path('/proc/loadavg').read_text().strip()}\n")
        print(f"| server ({args.slow} slow POSTs) | /healthz alone | /healthz during the attack |")
        print("|---|---|---|")
        gunicorn = [sys.executable, "-m", "gunicorn", "mamori.guard.wsgi:application", "--workers", "2",
                    "--timeout", "30"]
        port = free_port()
        run("gunicorn, 2 sync workers (before)", [*gunicorn, "--bind", f"127.0.0.1:{port}"], env,
            f"http://127.0.0.1:{port}", args.slow, args.probes)
        port = free_port()
        run("gunicorn, 2 gthread workers × 4 threads", [*gunicorn, "--worker-class", "gthread", "--threads", "4",
                                                         "--bind", f"127.0.0.1:{port}"], env,
            f"http://127.0.0.1:{port}", args.slow, args.probes)
        port = free_port()
        run("`mamori guard serve` (uvicorn, 2 processes)", [sys.executable, "-m", "mamori", "guard", "serve", "--home",
                                                          str(home), "--port", str(port)], env,
            f"http://127.0.0.1:{port}", args.slow, args.probes)
        print(f"\nload after: {Path('/proc/loadavg').read_text().strip()}")


if __name__ == "__main__":
    main()
