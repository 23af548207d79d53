"""Incremental re-scans: ``mamori find --incremental`` on a tree of many small files, first scan and re-scan.

Run: ``.venv/bin/python benchmarks/incremental.py [--files 100000] [--workers 2] [--data DIR]``.

The tree (made once, kept in ``--data``) holds ``--files`` small documents made by ``mamori.synth`` (rosters,
care-need and health lists, event applications, letters … as CSV and text, 3 rows each, 500 per folder; the
file contents come from a pool of generated documents, each file with its own name). Each scan is the real
command (``mamori find TREE --incremental --format jsonl``) in a fresh process, its cache in a fresh folder:

* first scan — an empty cache: every file is read;
* re-scan — nothing changed: every file is met in the cache (size + mtime), none is read;
* re-scan ``--hash-check`` — the same, each file's SHA-256 compared too;
* floor — in the same run, walking the tree and stat-ing every file (what any re-scan has to do).

Wall-clock and CPU seconds (the command and its worker processes) are both given: on a shared machine the wall
clock grows with the others' load, the CPU time much less.

The re-scan's lines must equal the first scan's (checked, ``elapsed_s`` aside). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = 20151214
KINDS = ("resident_list", "care_need_list", "health_check", "event_applications", "staff", "household_list",
         "mailing_labels", "school_roster")
PER_FOLDER = 500
POOL = 400


def make_tree(data: Path, files: int) -> Path:
    """A tree of *files* small generated documents (made once)."""
    from mamori.synth.documents import make_document
    from mamori.synth.render.base import render
    from mamori.synth.residents import generate_residents

    tree = data / f"tree_{files}"
    if (tree / ".done").exists():
        return tree
    people = generate_residents(3000, SEED)
    rng = random.Random(SEED)
    pool: list[tuple[str, bytes]] = []
    for i in range(POOL):
        kind = KINDS[i % len(KINDS)]
        fmt = "txt" if i % 4 == 3 else "csv"
        doc = make_document(kind, rng.sample(people, 6), rows=3, seed=i)
        pool.append((fmt, render(doc, fmt, "cp932" if i % 3 == 0 else None)))
    for i in range(files):
        folder = tree / f"課{i // PER_FOLDER:03d}"
        if i % PER_FOLDER == 0:
            folder.mkdir(parents=True, exist_ok=True)
        fmt, blob = pool[rng.randrange(POOL)]
        (folder / f"文書_{i:06d}.{fmt}").write_bytes(blob)
    (tree / ".done").write_text(str(files))
    return tree


_TICK = os.sysconf("SC_CLK_TCK")


def _tree_of(root: int) -> set[int]:
    """*root* and its live descendants (the workers are the fork server's children, not the command's)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in found]
        found.update(children)
        frontier.extend(children)
    return found


def _cpu_of(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime


def _run_measured(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock seconds, and CPU seconds of the process tree (each process's last reading, polled)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    seen: dict[int, float] = {}
    while process.poll() is None:
        for pid in _tree_of(process.pid):
            value = _cpu_of(pid)
            if value is not None:
                seen[pid] = max(seen.get(pid, 0.0), value)
        time.sleep(0.5)
    wall = time.perf_counter() - start
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command's own total, read once it is reaped
    seen[process.pid] = max(seen.get(process.pid, 0.0), usage.ru_utime + usage.ru_stime - _reaped[0])
    _reaped[0] = usage.ru_utime + usage.ru_stime
    return wall, sum(seen.values())


_reaped = [0.0]


def scan(tree: Path, out: Path, cache_home: Path, workers: int, *extra: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds (the process and its workers) of one ``mamori find --incremental`` in a
    fresh process, its start-up included. CPU time is what a loaded machine does not inflate."""
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home))
    return _run_measured([sys.executable, "-m", "mamori", "find", str(tree), "--incremental", "--format", "jsonl",
                          "--output", str(out), "--workers", str(workers), "--no-progress", *extra], env)


def walk_floor(tree: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds to list the tree and stat every file (in this process)."""
    start, cpu = time.perf_counter(), time.process_time()
    for folder, _dirs, names in os.walk(tree):
        for name in names:
            os.stat(os.path.join(folder, name))
    return time.perf_counter() - start, time.process_time() - cpu


def lines(path: Path) -> list[dict[str, object]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        row.pop("elapsed_s", None)
        out.append(row)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "mamori-bench-incremental")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    tree = make_tree(args.data, args.files)
    with tempfile.TemporaryDirectory(prefix="mamori-incr-") as tmp:
        cache, work = Path(tmp) / "cache", Path(tmp)
        floor = walk_floor(tree)
        first = scan(tree, work / "first.jsonl", cache, args.workers)
        again = scan(tree, work / "again.jsonl", cache, args.workers)
        hashed = scan(tree, work / "hashed.jsonl", cache, args.workers, "--hash-check")
        floor = min(floor, walk_floor(tree))
        load = os.getloadavg()
        reference = lines(work / "first.jsonl")
        same = reference == lines(work / "again.jsonl") == lines(work / "hashed.jsonl")
        summary = reference[-1]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(f"tree: {args.files} files, {summary['items']} items, {summary['pii_items']} with personal data, "
          f"{summary['unique_persons']} distinct people; workers {args.workers}; re-scan lines equal: {same}\n")
    print("| run | wall s | CPU s | files/s (wall) | wall vs first scan | CPU vs first scan |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, (wall, cpu) in (("first scan (empty cache)", first), ("re-scan, unchanged (size + mtime)", again),
                               ("re-scan, unchanged, --hash-check", hashed),
                               ("floor: walk + stat every file", floor)):
        print(f"| {label} | {wall:.2f} | {cpu:.2f} | {args.files / wall:,.0f} | {100 * wall / first[0]:.2f} % "
              f"| {100 * cpu / first[1]:.2f} % |")
    if not same:
        sys.exit("the re-scan's results differ from the first scan's")


if __name__ == "__main__":
    main()
