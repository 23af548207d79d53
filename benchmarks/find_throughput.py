"""Throughput of ``mamori find``'s engine: a big CP932 voter list and a corpus of prose documents.

Run: ``.venv/bin/python benchmarks/find_throughput.py [--rows 682524] [--prose-mb 4] [--workers 2]``.

* voter list — ``write_voter_list`` (氏名, フリガナ, 性別, 生年月日 in era form, 郵便番号, 住所; CP932) of
  ``--rows`` voters, scanned by the real scan path (``Scan([...]).results()``) in a fresh process, with
  the distinct-person count checked against the truth; with two or more workers the file is read in
  parts, one per worker (``scan.split``/``scan.parts``), and the parts' people merged exactly;
* prose — letters, council minutes, case notes … (``mamori.synth`` prose kinds) as .txt, .docx and
  .eml until about ``--prose-mb`` megabytes, scanned the same way.

Beside each, in the same run and on the same bytes: raw read + decode (the cheapest way to get the text:
``bytes.decode`` for text, inflating every member for zip-based files). Peak memory is the peak (VmHWM)
of the scanning process and the largest among its worker processes. Generated data is kept
in ``--data`` and reused; mamori's modules are compiled to bytecode first (``_compile_package``). Prints
a Markdown table for BENCHMARKS.md.
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
import time
import zipfile
from pathlib import Path

VOTER_SEED = 20111127
PROSE_KINDS = ("letter", "council_minutes", "case_notes", "consultation", "association_minutes")
PROSE_FORMATS = ("txt", "docx", "eml")


def voter_list(data: Path, rows: int) -> tuple[Path, int]:
    """The voter list file (made once) and its true number of distinct people."""
    from mamori.synth.corpus import write_voter_list

    path = data / f"voters_{rows}.csv"
    truth = data / f"voters_{rows}.truth"
    if not (path.exists() and truth.exists()):
        made = write_voter_list(path, rows, VOTER_SEED)
        truth.write_text(str(len(set(made.person_ids))))
    return path, int(truth.read_text())


def prose_corpus(data: Path, megabytes: float) -> Path:
    """A folder of prose documents of about *megabytes* (made once)."""
    from mamori.synth.documents import make_document
    from mamori.synth.render.base import render
    from mamori.synth.residents import generate_residents

    folder = data / f"prose_{megabytes:g}mb"
    if (folder / ".done").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    people = generate_residents(2000, VOTER_SEED)
    rng = random.Random(VOTER_SEED)
    total, i = 0, 0
    while total < megabytes * 1e6:
        kind, fmt = PROSE_KINDS[i % len(PROSE_KINDS)], PROSE_FORMATS[i % len(PROSE_FORMATS)]
        doc = make_document(kind, rng.sample(people, 80), seed=i)
        blob = render(doc, fmt, "cp932" if fmt == "txt" and i % 2 else None)
        (folder / f"{kind}_{i:05d}.{fmt}").write_bytes(blob)
        total += len(blob)
        i += 1
    (folder / ".done").write_text(str(i))
    return folder


def files_of(path: Path) -> list[Path]:
    return sorted(p for p in (path.rglob("*") if path.is_dir() else [path]) if p.is_file() and p.name != ".done")


def raw_read(path: Path) -> tuple[float, int]:
    """Seconds to read and decode every file under *path* the cheapest way, and the bytes read."""
    from mamori.extract.encoding import decode

    start, total = time.perf_counter(), 0
    for f in files_of(path):
        data = f.read_bytes()
        total += len(data)
        if data[:2] == b"PK":
            with zipfile.ZipFile(f) as z:
                for info in z.infolist():
                    z.read(info)
        elif f.suffix in (".csv", ".txt"):
            data.decode("cp932" if f.suffix == ".csv" else decode(data[:4096]).encoding, errors="replace")
        else:
            data.decode("utf-8", errors="replace")
    return time.perf_counter() - start, total


def _descendants(root: int) -> set[int]:
    """Every live descendant of *root*, from /proc (Linux)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    family, grown = {root}, True
    while grown:
        more = {pid for pid, ppid in parents.items() if ppid in family} - family
        family |= more
        grown = bool(more)
    return family - {root}


def _peak(pid: int) -> int | None:
    """Peak RSS (VmHWM, bytes) of process *pid*, or None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def child(path: str, workers: int) -> None:
    """Scan *path* in this (fresh) process and print what the parent measures, as JSON.

    This process's own peak is its VmHWM: Linux carries ``ru_maxrss`` over an exec, so that figure would
    include the parent's peak from its raw read of the same file.

    Workers are started by a fork server, so they are not this process's children for ``getrusage``:
    their peak RSS is sampled from /proc while the scan runs.
    """
    import threading

    from mamori.scan.runner import Scan, ScanOptions

    peaks: dict[int, int] = {}
    done = threading.Event()

    def sample() -> None:
        # The family is looked up five times a second (a walk of /proc costs a few ms of the CPU the
        # scan is measured on); the peaks of those known are read twenty times a second.
        family: set[int] = set()
        tick = 0
        while not done.wait(0.05):
            if tick % 5 == 0:
                family |= _descendants(os.getpid())
            tick += 1
            for pid in list(family):
                peak = _peak(pid)
                if peak is None:
                    family.discard(pid)
                else:
                    peaks[pid] = max(peak, peaks.get(pid, 0))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    scan = Scan([path], ScanOptions(workers=workers))
    items = sum(1 for _ in scan.results())
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    assert scan.summary is not None
    children = max([resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024, *peaks.values()])
    print(json.dumps({
        "elapsed": elapsed, "items": items, "persons": scan.summary.unique_persons,
        "rss_self": _peak(os.getpid()) or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "rss_children": children,
    }))


def scan(path: Path, workers: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", str(path), "--workers", str(workers)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def row(name: str, path: Path, workers: int, truth: int | None, repeat: int) -> str:
    raw_s, size = min(raw_read(path) for _ in range(repeat))
    runs = [scan(path, workers) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["elapsed"])
    mb = size / 1e6
    rss = max(best["rss_self"], best["rss_children"]) / 2**20
    persons = f"{best['persons']:,}" + (f" / {truth:,} {'✓' if best['persons'] == truth else '✗'}" if truth else "")
    return (f"| {name} | {mb:.1f} | {len(files_of(path)):,} | {mb / raw_s:.1f} | {mb / best['elapsed']:.1f} | "
            f"{raw_s / best['elapsed']:.2f} | {best['rss_self'] / 2**20:.0f} / {best['rss_children'] / 2**20:.0f} "
            f"(max {rss:.0f}) | {persons} |")


def _compile_package() -> None:
    """mamori's modules compiled to bytecode first, as an installed package (or one run once) has them:
    else each scan would compile them again, in its own process and in the fork server its workers
    start from (with ``PYTHONDONTWRITEBYTECODE`` set, Python never keeps what it compiled)."""
    import compileall

    import mamori

    compileall.compile_dir(Path(mamori.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=682_524)
    parser.add_argument("--prose-mb", type=float, default=4.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="best of N scans")
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "mamori-bench")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.workers)
        return
    args.data.mkdir(parents=True, exist_ok=True)
    _compile_package()
    voters, truth = voter_list(args.data, args.rows)
    prose = prose_corpus(args.data, args.prose_mb)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"workers={args.workers}, load average before: {load} (other work on the machine slows every column)\n")
    print("| corpus | MB | files | raw read+decode MB/s | mamori MB/s | mamori / raw | peak RSS MiB self / child |"
          " persons / truth |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(row(f"voter list, {args.rows:,} rows, CP932", voters, args.workers, truth, args.repeat), flush=True)
    print(row("prose (txt, docx, eml)", prose, args.workers, None, args.repeat))


if __name__ == "__main__":
    main()
