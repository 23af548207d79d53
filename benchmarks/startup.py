"""Start-up: ``mamori find`` on one tiny file, beside Python importing DuckDB and Polars.

Run: ``.venv/bin/python benchmarks/startup.py [--repeat 7]``.

Floor, in the same run: ``python -c "import duckdb, polars"`` (what any tool of this kind pays before
it reads a byte). mamori: the installed ``mamori`` command scanning one two-line CSV (a name and a
phone), JSON lines to /dev/null, workers left at the default (the CPU count). Each is run
``--repeat`` times, alternating; best and median wall times. Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="mamori-startup-"))
    tiny = folder / "tiny.csv"
    tiny.write_text("氏名,電話\n山田 太郎,090-1234-5678\n", encoding="utf-8")
    mamori = str(Path(sys.executable).with_name("mamori"))
    commands = {
        'python -c "import duckdb, polars"': [sys.executable, "-c", "import duckdb, polars"],
        "mamori find tiny.csv --format jsonl": [mamori, "find", str(tiny), "--format", "jsonl"],
    }
    timed(commands["mamori find tiny.csv --format jsonl"])  # bytecode written once, as an installed package has it
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, command in commands.items():
            times[name].append(timed(command))
    tiny.unlink()
    folder.rmdir()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, best and median of {args.repeat}, load average after: {load}\n")
    print("| command | best s | median s | ÷ floor (best) |")
    print("|---|---:|---:|---:|")
    floor = min(times['python -c "import duckdb, polars"'])
    for name, runs in times.items():
        print(f"| `{name}` | {min(runs):.2f} | {statistics.median(runs):.2f} | {min(runs) / floor:.2f} |")


if __name__ == "__main__":
    main()
