"""Start-up: ``mamori find`` on one tiny file, beside Python importing DuckDB and Polars.

Run: ``.venv/bin/python benchmarks/startup.py [--repeat 7]``.

Floor, in the same run: ``python -c "import duckdb, polars"`` (what any tool of this kind pays before
it reads a byte). mamori: the installed ``mamori`` command scanning one two-line CSV (a name and a
phone), JSON lines to /dev/null, workers left at the default (the CPU count). Each is run
``--repeat`` times, alternating; best and median wall times and the median CPU time (user + system: steadier
than wall time on a shared machine). Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system of the child) of one run of *command*."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--baseline", type=Path, help="a checkout of an earlier commit: its src/ runs as a third row")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="mamori-startup-"))
    tiny = folder / "tiny.csv"
    tiny.write_text("氏名,電話\n山田 太郎,090-1234-5678\n", encoding="utf-8")
    mamori = str(Path(sys.executable).with_name("mamori"))
    commands = {
        'python -c "import duckdb, polars"': [sys.executable, "-c", "import duckdb, polars"],
        "mamori find tiny.csv --format jsonl": [mamori, "find", str(tiny), "--format", "jsonl"],
    }
    envs: dict[str, dict[str, str] | None] = dict.fromkeys(commands)
    if args.baseline is not None:
        name = f"mamori find tiny.csv --format jsonl ({args.baseline.name})"
        commands[name] = [sys.executable, "-c", "import sys; from mamori.cli import main; sys.exit(main())", "find",
                          str(tiny), "--format", "jsonl"]
        envs[name] = {**os.environ, "PYTHONPATH": str(args.baseline / "src")}
    for name, command in commands.items():
        if name != 'python -c "import duckdb, polars"':
            timed(command, envs[name])  # bytecode written once, as an installed package has it
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    load_before = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    for _ in range(args.repeat):
        for name, command in commands.items():
            wall, used = timed(command, envs[name])
            times[name].append(wall)
            cpu[name].append(used)
    tiny.unlink()
    folder.rmdir()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, {args.repeat} runs each, alternating; load average before: {load_before}, "
          f"after: {load}\n")
    print("| command | best s | median s | ÷ floor (median) | median CPU s | ÷ floor (CPU) |")
    print("|---|---:|---:|---:|---:|---:|")
    floor_name = 'python -c "import duckdb, polars"'
    floor, floor_cpu = statistics.median(times[floor_name]), statistics.median(cpu[floor_name])
    for name, runs in times.items():
        median, used = statistics.median(runs), statistics.median(cpu[name])
        print(f"| `{name}` | {min(runs):.2f} | {median:.2f} | {median / floor:.2f} | {used:.2f} | "
              f"{used / floor_cpu:.2f} |")


if __name__ == "__main__":
    main()
