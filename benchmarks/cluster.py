"""`mamori find --cluster` on this machine: 1 and 2 Dask workers beside local scans, task overhead, merge cost per key.

Run: ``.venv/bin/python benchmarks/cluster.py [--copies 4] [--voters 190000] [--tasks 2000] [--keys 1000000 10000000]``.

* scan — ``synth.mixed.write_mixed_corpus`` (documents of every format, archives, encrypted items and a voter
  list read in parts), scanned by ``Scan(...).results()`` in-process (the floor: ``workers=1``), with 2 local
  processes, and on a ``LocalCluster`` of 1 and 2 single-threaded worker processes (``--cluster local:N``).
  Every run must give the same distinct count; efficiency = t(1 worker) / (2 × t(2 workers)). The cluster's
  start (processes, imports, the version check) is timed apart and left out of the ratios.
* task overhead — ``--tasks`` empty ``inspect_batch`` tasks through the scheduler to 2 workers: the time per
  task that is not inspection (graph, scheduling, two network hops, result).
* merge — the driver's distinct-people merge (``people.dedupe.DistinctPeople``, the code ``Scan.results``
  runs) fed item by item with records of three keys (name+birth, name+address, name), a fifth of the people
  seen twice, in a fresh process per size: keys/s, peak RSS and bytes spilled per key.
* projection — to 16 and 64 machines for 1.89 M files, from the figures above (assumptions printed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SEED_FILES = 1_890_000
#: Identity keys the projection merges: the seed's 683,933 people hold ~3·10⁶; 10⁸ is a bound with room for copies.
PROJECT_KEYS = 100_000_000
KEYS_PER_RECORD = 3


def corpus(data: Path, copies: int, voters: int) -> Path:
    from mamori.synth.mixed import write_mixed_corpus

    folder = data / f"cluster_corpus_{copies}_{voters}"
    if not (folder / ".done").exists():
        write_mixed_corpus(folder, copies=copies, voters=voters)
        (folder / ".done").write_text("")
    return folder


def scan(folder: Path, **options: Any) -> dict[str, Any]:
    from mamori.scan.runner import Scan, ScanOptions

    started = time.perf_counter()
    run = Scan([folder], ScanOptions(**options))
    files = keys = 0
    first: float | None = None
    for result in run.results():
        if first is None:
            first = time.perf_counter() - started
        files += "!" not in result.path
        keys += sum(map(len, result.person_keys))
    assert run.summary is not None
    return {"seconds": time.perf_counter() - started, "first_result_s": first, "files": files,
            "items": run.summary.items, "unique": run.summary.unique_persons, "keys": keys}


def cluster_start(n: int) -> float:
    from mamori.scan.cluster import connect

    started = time.perf_counter()
    connect(f"local:{n}").close()
    return time.perf_counter() - started


def task_overhead(tasks: int) -> dict[str, float]:
    from mamori.evidence.limits import Limits
    from mamori.scan.cluster import connect
    from mamori.scan.cluster_tasks import RunKeyPlugin, inspect_batch, plugin_name

    connection = connect("local:2")
    try:
        client = connection.client
        client.register_plugin(RunKeyPlugin("bench", os.urandom(32)), name=plugin_name("bench"))
        warm = 50
        client.gather(client.map(inspect_batch, ["bench"] * warm, [[]] * warm, [Limits()] * warm, [None] * warm,
                                 pure=False))
        started = time.perf_counter()
        futures = client.map(inspect_batch, ["bench"] * tasks, [[]] * tasks, [Limits()] * tasks, [None] * tasks,
                             pure=False)
        client.gather(futures)
        spent = time.perf_counter() - started
    finally:
        connection.close()
    return {"tasks": tasks, "seconds": spent, "ms_per_task": 1000 * spent / tasks, "tasks_per_s": tasks / spent}


_MERGE = r"""
import hashlib, os, random, sys, time, resource, shutil, tempfile
from pathlib import Path
from mamori.people.dedupe import DistinctPeople
from mamori.people.keys import KeyKind

records, item, seed = int(sys.argv[1]), 10_000, 7
spill = Path(tempfile.mkdtemp(prefix="mamori-merge-bench-"))
rng = random.Random(seed)
B, A, N = bytes([KeyKind.NAME_BIRTH]), bytes([KeyKind.NAME_ADDRESS]), bytes([KeyKind.NAME])
def person(i):
    r = hashlib.blake2b(i.to_bytes(8, "little"), digest_size=45).digest()
    return (B + r[:15], A + r[15:30], N + r[30:])
people = records * 4 // 5  # a fifth of the records are someone seen before (another file)
made = fed = 0.0
def hwm():  # this process's own peak (ru_maxrss keeps the parent's across exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
base = hwm()
distinct = DistinctPeople(spill_dir=spill)
done = 0
while done < records:
    n = min(item, records - done)
    t0 = time.perf_counter()
    batch = tuple(person(done + k if done + k < people else rng.randrange(people)) for k in range(n))
    t1 = time.perf_counter()
    distinct.add_all(batch)
    fed += time.perf_counter() - t1
    made += t1 - t0
    done += n
t0 = time.perf_counter()
count = distinct.count
counted = time.perf_counter() - t0
disk = sum(p.stat().st_size for p in spill.rglob("*") if p.is_file())
peak = hwm()
shutil.rmtree(spill, ignore_errors=True)
print(records, count, made, fed, counted, base * 1024, peak * 1024, disk)
"""


def merge_cost(records: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _MERGE, str(records)], capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"merge of {records} records failed:\n{out.stderr}")
    n, count, made, fed, counted, base, peak, disk = out.stdout.split()
    keys = int(n) * KEYS_PER_RECORD
    merge_s = float(fed) + float(counted)
    return {"records": int(n), "keys": keys, "distinct": int(count), "generate_s": float(made),
            "add_s": float(fed), "count_s": float(counted), "keys_per_s": keys / merge_s,
            "ns_per_key": 1e9 * merge_s / keys, "peak_rss_mb": int(peak) / 2**20,
            "rss_over_base_bytes_per_key": (int(peak) - int(base)) / keys, "disk_bytes_per_key": int(disk) / keys}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "mamori-bench-cluster")
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--voters", type=int, default=190_000)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2, help="scans per setting (the best is kept)")
    parser.add_argument("--keys", type=int, nargs="*", default=[1_000_000, 10_000_000],
                        help="records per merge run (three keys each)")
    parser.add_argument("--only", choices=("all", "merge"), default="all", help="merge: only the merge cost per key")
    args = parser.parse_args()
    if args.only == "merge":
        for n in args.keys:
            got = merge_cost(n)
            print(json.dumps(got))
            _merge_line(got)
        return
    args.data.mkdir(parents=True, exist_ok=True)
    folder = corpus(args.data, args.copies, args.voters)
    print(f"# {platform.platform()}, {os.cpu_count()} CPUs, load {os.getloadavg()}", file=sys.stderr)
    report: dict[str, Any] = {"load_before": os.getloadavg()}
    runs: dict[str, dict[str, Any]] = {
        "local, 1 process (floor)": {"workers": 1},
        "local, 2 processes": {"workers": 2},
        "cluster local:1": {"cluster": "local:1"},
        "cluster local:2": {"cluster": "local:2"},
    }
    results: dict[str, dict[str, Any]] = {}
    for _ in range(args.repeat):  # settings interleaved: a load that comes and goes hits each alike
        for name, options in runs.items():
            got = scan(folder, **options)
            print(name, got, file=sys.stderr)
            if name not in results or got["seconds"] < results[name]["seconds"]:
                results[name] = got
    starts = {n: min(cluster_start(n) for _ in range(2)) for n in (1, 2)}
    counts = {r["unique"] for r in results.values()}
    assert len(counts) == 1, f"the runs disagree on the distinct count: {results}"
    overhead = task_overhead(args.tasks)
    print("overhead", overhead, file=sys.stderr)
    merges = []
    for n in args.keys:
        merges.append(merge_cost(n))
        print("merge", merges[-1], file=sys.stderr)
    report.update(results=results, cluster_start_s=starts, task_overhead=overhead, merge=merges,
                  load_after=os.getloadavg())
    print(json.dumps(report, indent=1, default=str))
    _markdown(report, folder)


def _markdown(report: dict[str, Any], folder: Path) -> None:
    results, starts = report["results"], report["cluster_start_s"]
    floor = results["local, 1 process (floor)"]["seconds"]
    one = results["cluster local:1"]["seconds"] - starts[1]
    two = results["cluster local:2"]["seconds"] - starts[2]
    print("\n| run | files | items | distinct people | s | s without cluster start | floor / run |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        start = starts[1] if name.endswith(":1") else starts[2] if name.endswith(":2") else 0.0
        print(f"| {name} | {r['files']} | {r['items']} | {r['unique']:,} | {r['seconds']:.1f} | "
              f"{r['seconds'] - start:.1f} | {floor / (r['seconds'] - start):.2f} |")
    print(f"\nefficiency at 2 workers: t1 / (2 × t2) = {one:.1f} / (2 × {two:.1f}) = {one / (2 * two):.2f}")
    print(f"cluster start: local:1 {starts[1]:.1f} s, local:2 {starts[2]:.1f} s")
    o = report["task_overhead"]
    print(f"task overhead: {o['ms_per_task']:.2f} ms per empty task ({o['tasks_per_s']:.0f} tasks/s, 2 workers)")
    for m in report["merge"]:
        _merge_line(m)
    _projection(report, one, folder)


def _merge_line(m: dict[str, float]) -> None:
    print(f"merge: {m['records']:,} records = {m['keys']:,} keys, {m['distinct']:,} people: "
          f"{m['keys_per_s']:,.0f} keys/s ({m['ns_per_key']:.0f} ns/key; add {m['add_s']:.1f} s, "
          f"count {m['count_s']:.1f} s), peak RSS {m['peak_rss_mb']:.0f} MB "
          f"({m['rss_over_base_bytes_per_key']:.1f} B/key over the start), "
          f"spilled {m['disk_bytes_per_key']:.1f} B/key")


def _projection(report: dict[str, Any], one_worker_s: float, folder: Path) -> None:
    r1 = report["results"]["cluster local:1"]
    per_file = one_worker_s / r1["files"]
    o = report["task_overhead"]
    merge = report["merge"][-1]
    two = report["results"]["cluster local:2"]["seconds"] - report["cluster_start_s"][2]
    efficiency = one_worker_s / (2 * two)
    print(f"\nprojection for {SEED_FILES:,} files (per file {per_file * 1000:.1f} ms of one worker, "
          f"as this corpus; {PROJECT_KEYS:.0e} keys in all; 16 files per task; machines of 8 worker threads; "
          f"efficiency {efficiency:.2f} as measured at 2 workers; scheduler at {o['tasks_per_s']:.0f} tasks/s; "
          f"merge at {merge['keys_per_s']:,.0f} keys/s on the driver, overlapping the scan):")
    tasks = SEED_FILES / 16
    for machines in (1, 16, 64):
        threads = machines * 8
        work = SEED_FILES * per_file / (threads * efficiency)
        sched = tasks / o["tasks_per_s"]
        merge_s = PROJECT_KEYS / merge["keys_per_s"]
        total = max(work, sched, merge_s)
        print(f"| {machines} | {threads} | {work / 3600:.2f} h | {sched / 60:.1f} min | {merge_s / 60:.1f} min | "
              f"{total / 3600:.2f} h |")
    print(f"(corpus: {folder})")


if __name__ == "__main__":
    main()
