"""Peak memory and time of a scan per hostile input (mamori.synth.hostile), each in a fresh process.

Each case is written to a temporary folder, then scanned by ``Scan([...], workers=1)`` in a new Python
process that reports its own peak resident memory (VmHWM), that of the helper process the scan inspects in
(``mamori.scan.sandbox``; the largest child's ``ru_maxrss``) and the top item's status. The floor, in the
same kind of process, reads and hashes the same file without scanning it (the imports and the raw read).

    .venv/bin/python benchmarks/hostile.py [--small] [--only NAME] [--bound-mib 1024]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import hashlib, json, resource, sys, time
from pathlib import Path
import mamori.scan.runner as runner
path, mode = Path(sys.argv[1]), sys.argv[2]
start = time.perf_counter()
if mode == "floor":
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    out = {"status": "-", "pii": None}
else:
    scan = runner.Scan([path], runner.ScanOptions(workers=1))
    results = list(scan.results())
    top = results[0]
    out = {"status": top.status.value, "pii": top.pii, "partial": top.partial,
           "not_inspected": scan.summary.not_inspected, "items": len(results)}
out["seconds"] = time.perf_counter() - start
for line in Path("/proc/self/status").read_text().splitlines():
    if line.startswith("VmHWM:"):
        out["main_mib"] = int(line.split()[1]) / 1024
out["helper_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
out["peak_mib"] = max(out["main_mib"], out["helper_mib"])
print(json.dumps(out))
"""


def _child(path: Path, mode: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), mode], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        return {"status": f"exit {done.returncode}", "peak_mib": float("nan"), "seconds": float("nan"),
                "error": done.stderr[-300:]}
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="the test suite's sizes instead of the full bombs")
    parser.add_argument("--only", help="run only the case with this file name")
    parser.add_argument("--bound-mib", type=float, default=1024.0)
    args = parser.parse_args()
    from mamori.synth.hostile import cases

    print(f"load average before: {Path('/proc/loadavg').read_text().strip()}")
    print("| case | MB | status | pii | partial | scan s | peak MiB main / helper | floor peak MiB | ≤ bound |")
    print("|---|---:|---|---|---|---:|---:|---:|---|")
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="mamori-hostile-") as tmp:
        for case in cases(big=not args.small):
            if args.only and case.name != args.only:
                continue
            path = Path(tmp) / case.name
            case.write(path)
            floor = _child(path, "floor")
            started = time.perf_counter()
            got = _child(path, "scan")
            wall = time.perf_counter() - started
            peak = float(got["peak_mib"])  # type: ignore[arg-type]
            worst = max(worst, peak)
            ok = "✓" if peak <= args.bound_mib else "✗"
            pii = {True: "true", False: "false", None: "null"}.get(got.get("pii"), "?")  # type: ignore[call-overload]
            print(f"| {case.name} ({case.note}) | {path.stat().st_size / 1e6:.1f} | {got['status']} | {pii} | "
                  f"{got.get('partial', '')} | {got.get('seconds', wall):.1f} | "
                  f"{float(got.get('main_mib', peak)):.0f} / {float(got.get('helper_mib', 0)):.0f} | "
                  f"{float(floor['peak_mib']):.0f} | {ok} |", flush=True)  # type: ignore[arg-type]
            path.unlink()
    print(f"worst peak {worst:.0f} MiB against a bound of {args.bound_mib:.0f} MiB per worker")
    print(f"load average after: {Path('/proc/loadavg').read_text().strip()}")


if __name__ == "__main__":
    main()
