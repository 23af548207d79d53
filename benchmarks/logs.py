"""Log parsing speed: our combined-log parser beside DuckDB reading the same lines, in the same run.

Writes a 1,000,000-line combined access log with mamori.synth.logs (or --lines N), then times
(1) the raw read of the file's lines in Python, (2) mamori's parse_file over it, (3) DuckDB's
``read_text`` and ``read_csv`` (one column of whole lines) of the same file, and prints MB/s and
the ratio. Run: ``.venv/bin/python benchmarks/logs.py [--lines N] [--dir DIR]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from mamori.logs.driver import stream_file
from mamori.logs.reader import read_line_chunks
from mamori.synth.logs import combined_line, random_access_events


def write_log(path: Path, lines: int) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        batch: list[str] = []
        for event in random_access_events(lines, seed=1):
            batch.append(combined_line(event))
            if len(batch) >= 10000:
                out.write("\n".join(batch) + "\n")
                batch.clear()
        if batch:
            out.write("\n".join(batch) + "\n")


def timed(label: str, size: int, fn: object) -> float:
    start = time.perf_counter()
    result = fn()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"{label:<38} {seconds:7.2f} s  {size / seconds / 1e6:8.1f} MB/s   ({result})")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = Path(tmp) / "access_log"
        start = time.perf_counter()
        write_log(path, args.lines)
        size = path.stat().st_size
        print(f"wrote {args.lines:,} lines, {size / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s")

        def raw_lines() -> str:
            return f"{sum(len(lines) for lines, _ in read_line_chunks(path)):,} lines"

        def ours() -> str:
            stream = stream_file(path, "combined", timezone="Asia/Tokyo")
            count = sum(1 for _ in stream)
            return f"{count:,} events, {stream.counts.bad} bad"

        con = duckdb.connect()

        def duck_text() -> str:
            row = con.execute("SELECT sum(length(content)) FROM read_text(?)", [str(path)]).fetchone()
            return f"{row[0] if row else 0:,} chars"

        def duck_csv() -> str:
            row = con.execute(
                "SELECT count(*), sum(length(line)) FROM read_csv(?, columns={'line': 'VARCHAR'}, delim=chr(1), "
                "quote='', escape='', header=false, auto_detect=false)", [str(path)]
            ).fetchone()
            return f"{row[0] if row else 0:,} lines"

        def duck_parse() -> str:
            row = con.execute(
                r"""SELECT count(*) FROM (SELECT regexp_extract(line,
                    '^(\S+) \S+ (\S+) \[([^\]]+)\] "([^"\\]*(?:\\.[^"\\]*)*)" (\d{3}) (\d+|-)', ['ip','user','t','req',
                    'status','bytes']) AS r FROM read_csv(?, columns={'line': 'VARCHAR'}, delim=chr(1), quote='',
                    escape='', header=false, auto_detect=false)) WHERE r.status <> ''""", [str(path)]
            ).fetchone()
            return f"{row[0] if row else 0:,} lines matched"

        print(f"{'':<38} {'time':>9}  {'speed':>13}")
        t_raw = timed("python: read + decode lines", size, raw_lines)
        t_ours = timed("mamori: parse_file(combined)", size, ours)
        t_text = timed("duckdb: read_text", size, duck_text)
        t_csv = timed("duckdb: read_csv lines", size, duck_csv)
        t_dparse = timed("duckdb: read_csv + regexp_extract", size, duck_parse)
        print(f"ratio mamori / duckdb read_csv lines: {t_ours / t_csv:.1f}x slower "
              f"(read_text {t_ours / t_text:.1f}x, regexp_extract {t_ours / t_dparse:.1f}x, raw read "
              f"{t_ours / t_raw:.1f}x)")


if __name__ == "__main__":
    main()
