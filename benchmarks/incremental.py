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

The re-scan's lines must equal the first scan's (checked, ``elapsed_s`` aside). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
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


def scan(tree: Path, out: Path, cache_home: Path, workers: int, *extra: str) -> float:
    """Seconds for one ``mamori find --incremental`` in a fresh process (its start-up included)."""
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mamori", "find", str(tree), "--incremental", "--format", "jsonl",
                    "--output", str(out), "--workers", str(workers), "--no-progress", *extra],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def walk_floor(tree: Path) -> float:
    """Seconds to list the tree and stat every file."""
    start = time.perf_counter()
    n = 0
    for folder, _dirs, names in os.walk(tree):
        for name in names:
            os.stat(os.path.join(folder, name))
            n += 1
    return time.perf_counter() - start


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
        reference = lines(work / "first.jsonl")
        same = reference == lines(work / "again.jsonl") == lines(work / "hashed.jsonl")
        summary = reference[-1]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load before/after: {os.getloadavg()}")
    print(f"tree: {args.files} files, {summary['items']} items, {summary['pii_items']} with personal data, "
          f"{summary['unique_persons']} distinct people; workers {args.workers}; re-scan lines equal: {same}\n")
    print("| run | seconds | files/s | vs first scan | vs floor |")
    print("|---|---:|---:|---:|---:|")
    for label, value in (("first scan (empty cache)", first), ("re-scan, unchanged (size + mtime)", again),
                         ("re-scan, unchanged, --hash-check", hashed), ("floor: walk + stat every file", floor)):
        print(f"| {label} | {value:.2f} | {args.files / value:,.0f} | {100 * value / first:.2f} % "
              f"| {value / floor:.1f}× |")
    if not same:
        sys.exit("the re-scan's results differ from the first scan's")


if __name__ == "__main__":
    main()
