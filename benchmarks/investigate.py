"""The full-scale demo case end to end: ``mamori investigate`` with its time per stage, beside raw reads.

Generates (once; reused when ``--dir`` already holds it) the 2015-like case at full scale — 682,524
voters, 100,000 noise evidence files, 1,000,000 access-log lines — then, in one run:

1. ``investigate(CASE.toml, OUT)`` from a fresh store: wall time and ``Findings.run.timings`` per stage;
2. the reports (html, xlsx, pdf when WeasyPrint is usable, ppc);
3. the raw read time of the same evidence bytes: a walk + stat of every evidence file (what *listing*
   does), reading every file the engine hashed (*files*), reading the contents it inspected (*inspect*);
4. log parsing MB/s (uncompressed access-log bytes / *import* stage) beside DuckDB ``read_csv`` reading
   the same files as lines;
5. the findings checked against the generator's truth.

Run: ``.venv/bin/python benchmarks/investigate.py [--dir DIR] [--scale full|N] [--noise N] [--lines N]``;
``--json FILE`` also writes the numbers. The page cache is warm unless ``--drop-caches`` (root only).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gzip
import json
import os
import resource
import shutil
import time
from pathlib import Path
from typing import Any

import duckdb

from mamori.evidence.files import walk
from mamori.investigate import investigate
from mamori.investigate.case import load_case
from mamori.investigate.store import STORE_NAME
from mamori.report.case.reports import write_reports
from mamori.scan.runner import default_workers
from mamori.synth.case import write_case

CHUNK = 1 << 20


def _case(root: Path, scale: int | str, noise: int, lines: int) -> tuple[Path, float | None]:
    marker = root / "bench-params.json"
    params = {"scale": scale, "noise": noise, "lines": lines}
    if marker.is_file() and json.loads(marker.read_text()) == params and (root / "case" / "CASE.toml").is_file():
        return root / "case" / "CASE.toml", None
    shutil.rmtree(root / "case", ignore_errors=True)
    start = time.perf_counter()
    write_case(root / "case", scale=scale, noise_files=noise, access_lines=lines)
    marker.write_text(json.dumps(params))
    return root / "case" / "CASE.toml", time.perf_counter() - start


def _read(paths: list[Path]) -> tuple[int, float]:
    start, total = time.perf_counter(), 0
    for path in paths:
        with path.open("rb", buffering=0) as stream:
            while chunk := stream.read(CHUNK):
                total += len(chunk)
    return total, time.perf_counter() - start


def _walk(roots: list[Path]) -> tuple[int, float]:
    start, count = time.perf_counter(), 0
    for ref in walk(roots):
        ref.fs_path.stat()
        count += 1
    return count, time.perf_counter() - start


def _store_files(out: Path, roots: dict[str, Path]) -> tuple[list[Path], list[Path]]:
    """(files the engine hashed, one copy of each content it inspected)."""
    con = duckdb.connect(str(out / STORE_NAME), read_only=True)
    try:
        hashed = con.execute("SELECT evidence, rel_path, sha256 FROM evidence_files WHERE sha256 IS NOT NULL "
                             "ORDER BY evidence, rel_path").fetchall()
        inspected = {r[0] for r in con.execute("SELECT sha256 FROM contents").fetchall()}
    finally:
        con.close()
    first: dict[str, Path] = {}
    for evidence, rel, sha in hashed:
        first.setdefault(sha, roots[evidence] / rel)
    return [roots[e] / r for e, r, _ in hashed], [p for sha, p in first.items() if sha in inspected]


def _log_bytes(paths: list[str]) -> int:
    total = 0
    for path in paths:
        opener: Any = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as stream:
            while chunk := stream.read(CHUNK):
                total += len(chunk)
    return total


def _duckdb_lines(paths: list[str]) -> tuple[int, float]:
    con = duckdb.connect()
    start = time.perf_counter()
    row = con.execute("SELECT count(*) FROM read_csv(?, columns={'line': 'VARCHAR'}, delim=chr(1), quote='', "
                      "escape='', header=false, auto_detect=false)", [paths]).fetchone()
    return int(row[0]) if row else 0, time.perf_counter() - start


def _vm_hwm() -> int:
    """This process's peak resident memory in bytes (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _csv_floor(rows: int, folder: Path) -> float:
    """Seconds to write *rows* rows of ten short fields with the csv module alone (the reports' floor)."""
    path = folder / "floor.csv"
    row = ["/home/user/public_html/data/施設一覧.csv", "2015-04-12 10:11:12", "なし", "203.0.113.9", "外部", "",
           "AS17676 GIGAINFRA Softbank BB Corp.", 1, "2015-04-20 10:00:00", "2015-04-20 10:00:00"]
    start = time.perf_counter()
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerows(row for _ in range(rows))
    seconds = time.perf_counter() - start
    path.unlink()
    return seconds


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/mamori-bench-investigate"))
    parser.add_argument("--scale", default="full", help="voters: 'full' (682,524) or a number")
    parser.add_argument("--noise", type=int, default=100_000, help="evidence files never on the server")
    parser.add_argument("--lines", type=int, default=1_000_000, help="access-log lines")
    parser.add_argument("--workers", type=int, default=0, help="inspecting processes (default: CPU count, as the CLI)")
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--drop-caches", action="store_true", help="drop the page cache before the run (root)")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args()
    scale: int | str = args.scale if args.scale == "full" else int(args.scale)
    args.dir.mkdir(parents=True, exist_ok=True)
    case_file, generated = _case(args.dir, scale, args.noise, args.lines)
    print(f"case: {case_file}" + (f" (generated in {generated:.1f} s)" if generated else " (reused)"), flush=True)
    out = args.dir / "out"
    shutil.rmtree(out, ignore_errors=True)
    if args.drop_caches:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")

    peaks: dict[str, int] = {}
    current = ["start"]

    def stage_peak(message: str) -> None:
        # the peak of the stage that just ended, then a fresh peak for the next one (clear_refs 5 resets VmHWM)
        stage = message.split(" ", 1)[0]
        if stage != current[0]:
            peaks[current[0]] = max(peaks.get(current[0], 0), _vm_hwm())
            _reset_peak()
            current[0] = stage

    start = time.perf_counter()
    findings = investigate(case_file, out, workers=args.workers or default_workers(), progress=stage_peak)
    wall = time.perf_counter() - start
    peaks[current[0] + "…findings"] = _vm_hwm()
    _reset_peak()
    case = load_case(case_file)
    start = time.perf_counter()
    written = write_reports(findings, out, case, pdf=not args.no_pdf)
    reports = time.perf_counter() - start
    sizes = {p.name: p.stat().st_size for p in written.paths}
    peaks["reports"] = _vm_hwm()
    peak_self = max(peaks.values())
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024

    roots = {e.name: e.path for e in case.evidence}
    n_listed, t_walk = _walk(list(roots.values()))
    hashed, inspected = _store_files(out, roots)
    hashed_bytes, t_hashed = _read(hashed)
    inspected_bytes, t_inspected = _read(inspected)
    logs = sorted(str(p) for spec in case.access_logs for p in Path(spec.path).parent.glob(Path(spec.path).name))
    log_bytes = _log_bytes(logs)
    duck_lines, t_duck = _duckdb_lines(logs)
    timings = dict(findings.run.timings)
    truth = json.loads((case_file.parent / "truth.json").read_text(encoding="utf-8"))

    print(f"\ninvestigate (fresh store): {wall:.1f} s wall; reports {reports:.1f} s "
          f"({', '.join(p.name for p in written.paths)})")
    for stage, seconds in timings.items():
        print(f"  {stage:<10} {seconds:8.2f} s")
    print("raw reads of the same bytes, same run:")
    print(f"  walk+stat  {t_walk:8.2f} s  {n_listed:,} evidence files "
          f"(listing {timings.get('listing', 0):.2f} s)")
    print(f"  read       {t_hashed:8.2f} s  {hashed_bytes / 1e6:,.1f} MB in {len(hashed):,} hashed files "
          f"(files {timings.get('files', 0):.2f} s)")
    print(f"  read       {t_inspected:8.2f} s  {inspected_bytes / 1e6:,.1f} MB in {len(inspected):,} inspected "
          f"contents (inspect {timings.get('inspect', 0):.2f} s)")
    imp = timings.get("import", float("nan"))
    print(f"log import: {log_bytes / 1e6:,.1f} MB access logs (+ server log) in {imp:.2f} s = "
          f"{log_bytes / imp / 1e6:,.1f} MB/s; DuckDB read_csv lines: {t_duck:.2f} s = "
          f"{log_bytes / t_duck / 1e6:,.1f} MB/s ({duck_lines:,} lines)")
    floor = _csv_floor(len(findings.accesses), args.dir)
    print(f"reports: {reports:.1f} s; floor (the csv module writing the same number of rows, no formatting): "
          f"{floor:.2f} s = {reports / floor:.0f}×")
    print("report sizes: " + ", ".join(f"{k} {v / 1e6:,.2f} MB" for k, v in sizes.items()))
    print(f"peak memory: this process {peak_self / 2**30:.2f} GiB (VmHWM), largest worker "
          f"{peak_children / 2**30:.2f} GiB; per-address access rows {len(findings.accesses):,}")
    print("  peak per stage: " + ", ".join(f"{k} {v / 2**30:.2f} GiB" for k, v in peaks.items()))
    print(f"load: {Path('/proc/loadavg').read_text().strip()}")
    exact = (len(findings.leaked) == len(truth["leaked"])
             and findings.unique_persons_leaked == truth["unique_persons_leaked"]
             and dict(findings.access_totals) == truth["access_totals"]
             and dict(findings.all_requests) == truth.get("all_requests"))
    print(f"truth: leaked {len(findings.leaked)}/{len(truth['leaked'])}, distinct people "
          f"{findings.unique_persons_leaked:,}/{truth['unique_persons_leaked']:,}, access_totals "
          f"{dict(findings.access_totals)}, all_requests {dict(findings.all_requests)} — "
          f"{'exact' if exact else 'MISMATCH'}")
    if args.json:
        args.json.write_text(json.dumps({
            "params": {"scale": scale, "noise": args.noise, "lines": args.lines, "workers": args.workers},
            "evidence_files": n_listed, "wall_s": wall, "reports_s": reports, "stages_s": timings,
            "report_bytes": sizes, "peak_self_bytes": peak_self, "peak_children_bytes": peak_children,
            "peak_per_stage_bytes": peaks, "reports_floor_csv_s": floor,
            "raw": {"walk_s": t_walk, "hashed_read_s": t_hashed, "hashed_bytes": hashed_bytes,
                    "inspected_read_s": t_inspected, "inspected_bytes": inspected_bytes},
            "logs": {"bytes": log_bytes, "import_s": imp, "duckdb_read_csv_s": t_duck, "duckdb_lines": duck_lines},
            "exact": exact}, indent=1))


if __name__ == "__main__":
    main()
