"""How ``mamori find``'s main process scales with a voter list's length: time, memory and CPU share.

Run: ``.venv/bin/python benchmarks/main_scaling.py [--rows 100000 682524 2000000 5000000] [--repeat 2]``.

For each length, ``find_throughput.voter_list`` (``write_voter_list``, CP932, same seed) is scanned by
``Scan([...]).results()`` in a fresh process with ``--workers`` workers, and the distinct-person count is
checked against the truth. Measured in that process: wall time of the scan, its own peak RSS (VmHWM),
its own CPU time (``getrusage(RUSAGE_SELF)``, every thread: Polars' too) and the workers' CPU time. The
workers are children of the fork server, which reaps them: their CPU is the fork server's
``cutime + cstime`` (and its own) from ``/proc`` once the pool has shut down. CPU share = main ÷ (main +
workers). Floor, same run, same bytes: reading the file and ``bytes.decode("cp932")`` (best of N).
CPU seconds per million rows show linearity even on a loaded machine, where wall times swing.
Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from find_throughput import _compile_package, _descendants, _peak, voter_list

_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int, children: bool) -> float:
    """CPU seconds of *pid* (user + system), with those of the children it reaped when *children*."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the ")": state is field 3, so utime (14), stime (15), cutime (16), cstime (17) are at 11–14.
    used = int(fields[11]) + int(fields[12]) + ((int(fields[13]) + int(fields[14])) if children else 0)
    return used / _TICKS


def child(path: str, workers: int) -> None:
    """Scan *path* here (a fresh process) and print the measures as JSON."""
    from mamori.scan.runner import Scan, ScanOptions

    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    scan = Scan([path], ScanOptions(workers=workers))
    items = sum(1 for _ in scan.results())
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    assert scan.summary is not None
    workers_cpu = 0.0
    for pid in _descendants(os.getpid()):  # the fork server (and any worker not yet reaped)
        try:
            workers_cpu += _cpu_of(pid, children=True)
        except (OSError, ValueError, IndexError):
            continue
    print(json.dumps({
        "elapsed": elapsed, "items": items, "persons": scan.summary.unique_persons,
        "rss_main": _peak(os.getpid()) or 0,
        "cpu_main": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "cpu_workers": workers_cpu,
    }))


def raw_decode(path: Path) -> float:
    start = time.perf_counter()
    path.read_bytes().decode("cp932")
    return time.perf_counter() - start


def scan(path: Path, workers: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", str(path), "--workers", str(workers)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 682_524, 2_000_000, 5_000_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2, help="best of N scans (and N raw decodes)")
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "mamori-bench")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.workers)
        return
    args.data.mkdir(parents=True, exist_ok=True)
    _compile_package()
    print(f"{os.cpu_count()} CPUs, workers={args.workers}, best of {args.repeat}\n")
    print("| rows | MB | raw decode MB/s | mamori s | mamori rows/s | s per M rows | mamori / raw | "
          "main peak RSS MiB | CPU s main / workers | CPU s per M rows main / workers | main CPU share | "
          "persons / truth | load before |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for rows in args.rows:
        path, truth = voter_list(args.data, rows)
        load = os.getloadavg()[0]
        raw = min(raw_decode(path) for _ in range(args.repeat))
        runs = [scan(path, args.workers) for _ in range(args.repeat)]
        best = min(runs, key=lambda r: r["elapsed"])
        mb = path.stat().st_size / 1e6
        share = max(r["cpu_main"] / (r["cpu_main"] + r["cpu_workers"]) for r in runs)
        rss = max(r["rss_main"] for r in runs) / 2**20
        ok = "✓" if all(r["persons"] == truth for r in runs) else "✗"
        print(f"| {rows:,} | {mb:.1f} | {mb / raw:.0f} | {best['elapsed']:.2f} | {rows / best['elapsed']:,.0f} | "
              f"{best['elapsed'] / rows * 1e6:.2f} | {raw / best['elapsed']:.3f} | {rss:.0f} | "
              f"{best['cpu_main']:.1f} / {best['cpu_workers']:.1f} | "
              f"{best['cpu_main'] / rows * 1e6:.2f} / {best['cpu_workers'] / rows * 1e6:.1f} | {share:.1%} | "
              f"{best['persons']:,} / {truth:,} {ok} | {load:.1f} |", flush=True)


if __name__ == "__main__":
    main()
