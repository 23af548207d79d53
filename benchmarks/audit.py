"""Benchmark of the audit log: durable appends per second, and verify_log over a million entries.

    .venv/bin/python benchmarks/audit.py [--appends 2000] [--entries 1000000] [--dir /tmp]

Appends are measured exactly as the server makes them: one event per call, each fsync'ed
before it returns. The million-entry log for `verify_log` is built with ``durable=False``
(no fsync) in batches of 10,000, because only its verification is being measured.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from mamori.audit import AuditEvent, AuditLog, verify_log, verify_receipt


def _event(i: int) -> AuditEvent:
    return AuditEvent(
        actor=f"user{i % 5000:05d}",
        action=("login", "export.request", "export.approve", "grant.issue")[i % 4],
        object_type="export_request",
        object_id=str(i),
        details={"files": i % 7 + 1, "people": i % 977, "purpose": "定期報告の提出", "special_care": i % 11 == 0},
        time="2025-04-01T09:30:00.000000Z",
    )


def bench_checkpoint_cost(root: Path, count: int) -> None:
    """Single durable appends: a checkpoint after every append (+ witness copy) against one per 1,000, same run."""
    variants = [("one checkpoint per 1,000 entries (before)", {"checkpoint_every": 1000, "witness": False}),
                ("a checkpoint after every append (now)", {"checkpoint_every": 1, "witness": False}),
                ("… and each copied to a witness folder", {"checkpoint_every": 1, "witness": root / "witness"})]
    rates: dict[str, list[float]] = {name: [] for name, _ in variants}
    for round_ in range(3):  # interleaved rounds: the shared disk's fsync time drifts, the ratio should not
        for name, options in variants:
            log = AuditLog(root / f"cp-{round_}-{len(rates[name])}-{name[:3]}", **options)  # type: ignore[arg-type]
            start = time.perf_counter()
            for i in range(count):
                log.append(_event(i))
            rates[name].append(count / (time.perf_counter() - start))
            log.close()
    floor = sorted(rates[variants[0][0]])[1]
    for name, _ in variants:
        median = sorted(rates[name])[1]
        print(f"durable single appends, {name}: median {median:,.0f} /s of 3 rounds ({median / floor:.2f}× the first)")


def bench_appends(root: Path, count: int) -> None:
    log = AuditLog(root / "appends")
    start = time.perf_counter()
    for i in range(count):
        log.append(_event(i))
    elapsed = time.perf_counter() - start
    print(f"durable appends (1 per call, fsync each): {count} in {elapsed:.2f} s = {count / elapsed:,.0f} /s")
    start = time.perf_counter()
    for i in range(0, count, 100):
        log.append_many([_event(i + k) for k in range(100)])
    elapsed = time.perf_counter() - start
    print(f"durable appends (batches of 100):          {count} in {elapsed:.2f} s = {count / elapsed:,.0f} /s")


def bench_verify(root: Path, entries: int) -> None:
    home = root / "verify"
    log = AuditLog(home, durable=False, checkpoint_every=100_000)
    start = time.perf_counter()
    for base in range(0, entries, 10_000):
        log.append_many([_event(i) for i in range(base, min(entries, base + 10_000))])
    size_mb = (home / "audit" / "records.log").stat().st_size / 1e6
    print(f"setup (no fsync): {entries:,} entries, {size_mb:,.0f} MB of records in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    receipt = log.receipt(entries // 3)
    verify_receipt(receipt, log.verifier)
    print(f"receipt for one entry of {entries:,} (proof + checkpoint + offline check): "
          f"{(time.perf_counter() - start) * 1000:.1f} ms, proof of {len(receipt.proof)} hashes")
    start = time.perf_counter()
    report = verify_log(home, log.verifier)
    elapsed = time.perf_counter() - start
    print(f"verify_log: {report.entries_checked:,} entries, {report.checkpoints_checked} checkpoints "
          f"in {elapsed:.2f} s ({report.entries_checked / elapsed:,.0f} entries/s), ok={report.ok}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=None, help="where to build the logs (default: a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        bench_checkpoint_cost(Path(tmp), args.appends // 4)
        bench_appends(Path(tmp), args.appends)
        bench_verify(Path(tmp), args.entries)


if __name__ == "__main__":
    main()
