"""Benchmark of mamori guard: the approval flow under concurrent clients, audit appends, audit verify.

    .venv/bin/python benchmarks/guard.py [--clients 50] [--flows 2] [--workers 4] [--threads 4]
                                         [--appends 2000] [--entries 1000000] [--skip-verify]
    scripts/with-postgres.sh .venv/bin/python benchmarks/guard.py ...   # the server on PostgreSQL

Everything runs on loopback: `mamori guard serve` (uvicorn + the scan worker) on a temporary home, seeded with one
department per flow (its employee, section head, medium and endpoint token) by tests/guard/guard_live.py.
Each client runs its flows one after another; one flow is what people and the agent really do:

  employee: GET /login/, POST /login/, GET /requests/new/, POST /requests/new/ (a synthetic CP932 roster,
            scanned by the server), section head: GET /login/, POST /login/, POST /login/totp/,
            GET /requests/N/, POST /requests/N/decide/ (approve, fresh TOTP code),
  agent:    GET /api/grants, POST /api/exports/G/executed (Idempotency-Key).

A section head's TOTP codes are single-use per 30-second step, so each flow has its own department and
head (log-in and approval use two consecutive steps). Passwords are argon2-hashed as in production.
Then: durable audit appends (fsync per event; one process, then several processes at once), and
`mamori audit verify` over a log of `--entries` entries (built without fsync: only verifying is timed).
Prints Markdown.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyotp
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "guard"))
from guard_live import Live, server_env, start

from mamori.audit import AuditEvent, AuditLog
from mamori.synth.awkward import ROSTER
from mamori.synth.render.base import render

ROSTER_CSV = render(ROSTER, "csv", "cp932")


@dataclass
class Stats:
    """Latencies (seconds) per step name, and errors, shared by the client threads."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, step: str, seconds: float) -> None:
        with self.lock:
            self.latencies[step].append(seconds)

    def fail(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


class FlowError(Exception):
    """A step of a flow did not answer as expected."""


def _call(stats: Stats, session: requests.Session, step: str, method: str, url: str, expect: int,
          **kwargs: Any) -> requests.Response:
    started = time.perf_counter()
    response = session.request(method, url, allow_redirects=False, timeout=120, **kwargs)
    stats.add(step, time.perf_counter() - started)
    if response.status_code != expect:
        raise FlowError(f"{step}: {response.status_code} (wanted {expect}) {response.text[:200]!r}")
    return response


def _post_form(stats: Stats, session: requests.Session, step: str, url: str, data: dict[str, str],
               **kwargs: Any) -> requests.Response:
    data = {**data, "csrfmiddlewaretoken": session.cookies.get("csrftoken") or ""}
    return _call(stats, session, step, "POST", url, 302, data=data, **kwargs)


def _log_in(stats: Stats, live: Live, name: str, who: str, code: str | None) -> requests.Session:
    session = requests.Session()
    _call(stats, session, f"{who} GET /login/", "GET", f"{live.url}/login/", 200)
    done = _post_form(stats, session, f"{who} POST /login/", f"{live.url}/login/",
                      {"username": name, "password": live.user(name)["password"]})
    if code is not None:
        if not done.headers["Location"].endswith("/login/totp/"):
            raise FlowError(f"{name}: no TOTP step after the password")
        _post_form(stats, session, f"{who} POST /login/totp/", f"{live.url}/login/totp/", {"code": code})
    return session


def flow(stats: Stats, live: Live, dept: dict[str, Any]) -> None:
    """One export from request to executed report (see the module docstring)."""
    url = live.url
    staff = _log_in(stats, live, dept["staff"], "employee", None)
    _call(stats, staff, "employee GET /requests/new/", "GET", f"{url}/requests/new/", 200)
    expires = (datetime.now(ZoneInfo("Asia/Tokyo")) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    made = _post_form(stats, staff, "employee POST /requests/new/ (upload, scan queued)", f"{url}/requests/new/",
                      {"medium": str(dept["medium"]), "purpose": "研修資料", "recipient": "研修係",
                       "expires_at": expires}, files={"files": ("選挙人名簿.csv", ROSTER_CSV, "text/csv")})
    request_id = int(re.findall(r"/requests/(\d+)/", made.headers["Location"])[0])
    totp = pyotp.TOTP(live.user(dept["head"])["totp_secret"])
    step = int(time.time() // totp.interval)  # log-in uses this step, the approval the next (both stay valid)
    head = _log_in(stats, live, dept["head"], "head", totp.generate_otp(step))
    deadline = time.monotonic() + 300
    while "Refresh" in _call(stats, head, "head GET /requests/N/", "GET", f"{url}/requests/{request_id}/", 200).headers:
        if time.monotonic() > deadline:  # the background scan worker never finished it
            raise FlowError(f"request {request_id} was still being scanned after 300 s")
        time.sleep(0.5)
    _post_form(stats, head, "head POST /requests/N/decide/ (approve + TOTP)", f"{url}/requests/{request_id}/decide/",
               {"decision": "approve", "code": totp.generate_otp(step + 1), "reason": "確認", "step": ""})
    agent = requests.Session()
    agent.headers["Authorization"] = f"Bearer {dept['token']}"
    grants = _call(stats, agent, "agent GET /api/grants", "GET", f"{url}/api/grants", 200).json()["grants"]
    grant = next((g["grant"] for g in grants if g["grant"]["request_id"] == request_id), None)
    if grant is None:
        raise FlowError(f"no grant for request {request_id}")
    report = {"medium": dept["medium_identity"], "files": [{"sha256": f["sha256"], "size": f["size"]}
                                                           for f in grant["files"]], "result": "ok"}
    _call(stats, agent, "agent POST /api/exports/G/executed", "POST", f"{url}/api/exports/{grant['grant_id']}/executed",
          200, json=report, headers={"Idempotency-Key": str(uuid.uuid4())})


def _guarded_flow(stats: Stats, live: Live, dept: dict[str, Any]) -> None:
    try:
        flow(stats, live, dept)
    except (FlowError, requests.RequestException, KeyError, ValueError, IndexError) as error:
        stats.fail(f"{dept['code']}: {error}")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def bench_flow(args: argparse.Namespace, home: Path, database: str) -> None:
    extra = {"DATABASE_URL": database} if database != "sqlite" else {}
    departments = args.clients * args.flows
    warm = args.workers * args.threads  # enough flows to warm every worker (imports, scan engine, connections)
    setup = time.perf_counter()
    with start(home, departments=departments + warm, workers=args.workers, threads=args.threads,
               env=extra) as live:
        warm_stats = Stats()
        warmup = [threading.Thread(target=_guarded_flow, args=(warm_stats, live, dept))
                  for dept in live.cast["departments"][departments:]]
        for thread in warmup:
            thread.start()
        for thread in warmup:
            thread.join()
        setup_s = time.perf_counter() - setup
        if warm_stats.errors:
            raise SystemExit(f"warm-up failed: {warm_stats.errors[:3]}")
        stats = Stats()
        depts: list[dict[str, Any]] = live.cast["departments"][:departments]

        def client(index: int) -> None:
            for dept in depts[index * args.flows:(index + 1) * args.flows]:
                _guarded_flow(stats, live, dept)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    everything = [s for values in stats.latencies.values() for s in values]
    db_name = "SQLite" if database == "sqlite" else "PostgreSQL"
    print(f"\n### Approval flow: {args.clients} concurrent clients, {departments} flows, {db_name}, "
          f"uvicorn {args.workers} processes + 1 scan worker, {os.cpu_count()} CPUs\n")
    print(f"setup (init, seed {departments + warm} departments, start, {warm} warm-up flows): {setup_s:.1f} s  ")
    print(f"flows: {departments - len(stats.errors)} ok, **errors: {len(stats.errors)}**, wall {wall:.1f} s, "
          f"{departments / wall:.2f} flows/s, **{len(everything) / wall:.1f} requests/s**\n")
    print("| step | n | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|---:|")
    for step, values in [*stats.latencies.items(), ("**all requests**", everything)]:
        print(f"| {step} | {len(values)} | {statistics.median(values) * 1000:.0f} | "
              f"{_percentile(values, 0.95) * 1000:.0f} | {max(values) * 1000:.0f} |")
    for error in stats.errors[:10]:
        print(f"\n- error: {error}")


def _event(i: int) -> AuditEvent:
    return AuditEvent(actor=f"user{i % 5000:05d}", action=("login.succeeded", "export.requested",
                                                          "export.approved", "grant.issued")[i % 4],
                      object_type="export_request", object_id=str(i),
                      details={"files": i % 7 + 1, "people": i % 977, "purpose": "定期報告の提出"},
                      time="2025-04-01T09:30:00.000000Z")


def _append_worker(home: str, count: int, offset: int, barrier: Any, times: Any) -> None:
    with AuditLog(Path(home)) as log:
        barrier.wait()  # start together, after every process has imported and opened the log
        started = time.perf_counter()
        for i in range(count):
            log.append(_event(offset + i))
        times.put((started, time.perf_counter()))


def bench_appends(root: Path, count: int, processes: int) -> None:
    print("\n### Audit appends, fsync per event\n")
    print("| writers | events | seconds | events/s |\n|---|---:|---:|---:|")
    home = root / "appends1"
    with AuditLog(home) as log:
        started = time.perf_counter()
        for i in range(count):
            log.append(_event(i))
        elapsed = time.perf_counter() - started
    print(f"| 1 process | {count} | {elapsed:.2f} | {count / elapsed:,.0f} |")
    home = root / "appendsN"
    AuditLog(home).close()
    context = multiprocessing.get_context("spawn")
    barrier, times = context.Barrier(processes), context.Queue()
    each = count // processes
    workers = [context.Process(target=_append_worker, args=(str(home), each, k * each, barrier, times))
               for k in range(processes)]
    for worker in workers:
        worker.start()
    spans = [times.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    elapsed = max(end for _, end in spans) - min(start for start, _ in spans)
    with AuditLog(home, durable=False) as log:
        if log.size != each * processes:
            raise SystemExit(f"lost appends: {log.size} of {each * processes}")
    print(f"| {processes} processes at once (as server processes) | {each * processes} | {elapsed:.2f} | "
          f"{each * processes / elapsed:,.0f} |")


def bench_verify(root: Path, entries: int) -> None:
    home = root / "verify"
    started = time.perf_counter()
    with AuditLog(home, durable=False, checkpoint_every=100_000) as log:
        for base in range(0, entries, 10_000):
            log.append_many([_event(i) for i in range(base, min(entries, base + 10_000))])
    built = time.perf_counter() - started
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mamori", "audit", "verify", "--home", str(home), "--lang", "en"],
                          capture_output=True, text=True, env=server_env(), check=False)
    elapsed = time.perf_counter() - started
    print(f"\n### `mamori audit verify` over {entries:,} entries\n")
    print(f"log built without fsync in {built:.1f} s; verify: **{elapsed:.1f} s** "
          f"({entries / elapsed:,.0f} entries/s), exit {done.returncode}: {done.stdout.strip()[:120]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--flows", type=int, default=2, help="flows per client (one department each)")
    parser.add_argument("--workers", type=int, default=4, help="uvicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="warm-up flows per process")
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--append-processes", type=int, default=4)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--skip-flow", action="store_true")
    parser.add_argument("--skip-verify", action="store_true")
    parser.add_argument("--dir", type=Path, default=None, help="where to put the temporary homes")
    args = parser.parse_args()
    database = os.environ.get("MAMORI_TEST_DATABASE_URL") or "sqlite"  # set by scripts/with-postgres.sh
    print(f"## mamori guard benchmark ({time.strftime('%Y-%m-%d')}, Python {sys.version.split()[0]})")
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        if not args.skip_flow:
            bench_flow(args, Path(tmp) / "guard", database)
        bench_appends(Path(tmp), args.appends, args.append_processes)
        if not args.skip_verify:
            bench_verify(Path(tmp), args.entries)


if __name__ == "__main__":
    main()
