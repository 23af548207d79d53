"""Throughput of ``mamori find`` on a big voter list saved as .xlsx, beside python-calamine's own read.

Run: ``.venv/bin/python benchmarks/xlsx_throughput.py [--rows 682524] [--workers 2] [--repeat 3]``.

The voter list is ``write_voter_list`` (the CSV of ``find_throughput.py``, same seed) written as one
sheet: with XlsxWriter in ``constant_memory`` mode up to Excel's 1,048,576 rows, and past that (a sheet
Excel itself cannot hold, but calamine reads, and so must mamori) by a small streaming writer of the
same XML XlsxWriter writes (inline strings). Files are made once and kept in ``--data``.

Floor, in the same run: python-calamine opening the workbook and reading the sheet into Python
(``to_python``), rows per second. mamori: the real scan path (``Scan([...]).results()``) in a fresh
process, the distinct-person count checked against the truth, peak memory (VmHWM) of the scanning
process and of its workers. Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).parent))

import find_throughput

EXCEL_ROWS = 1_048_576


def voter_xlsx(data: Path, rows: int) -> tuple[Path, int]:
    """The voter list as .xlsx (made once from the CSV) and its true number of distinct people."""
    source, truth = find_throughput.voter_list(data, rows)
    path = data / f"voters_{rows}.xlsx"
    if not path.exists():
        partial = path.with_suffix(".xlsx.part")
        with source.open(encoding="cp932", newline="") as stream:
            lines = csv.reader(stream)
            if rows + 1 <= EXCEL_ROWS:
                _write_xlsxwriter(partial, lines)
            else:
                _write_raw(partial, lines)
        partial.rename(path)
    return path, truth


def _write_xlsxwriter(path: Path, lines: csv._reader) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("選挙人名簿")
    for r, line in enumerate(lines):
        for c, value in enumerate(line):
            if r and c == 0:
                sheet.write_number(r, c, int(value))  # 名簿番号 is a number, as a real list has it
            else:
                sheet.write_string(r, c, value)
    book.close()


_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="選挙人名簿" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)


def _letters(col: int) -> str:
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _write_raw(path: Path, lines: csv._reader) -> None:
    """A one-sheet workbook of any height, streamed (inline strings, as XlsxWriter's constant_memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/workbook.xml", _WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            letters = [_letters(c) for c in range(64)]
            buffer: list[str] = []
            for r, line in enumerate(lines, 1):
                cells = []
                for c, value in enumerate(line):
                    ref = f"{letters[c]}{r}"
                    if r > 1 and c == 0:
                        cells.append(f'<c r="{ref}"><v>{int(value)}</v></c>')
                    else:
                        cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
                buffer.append(f'<row r="{r}">{"".join(cells)}</row>')
                if len(buffer) >= 4096:
                    sheet.write("".join(buffer).encode())
                    buffer.clear()
            sheet.write("".join(buffer).encode())
            sheet.write(b"</sheetData></worksheet>")


def calamine_read(path: Path) -> tuple[float, int]:
    """Seconds for python-calamine to open *path* and read its first sheet into Python; rows read."""
    import python_calamine

    start = time.perf_counter()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_index(0).to_python()
    elapsed = time.perf_counter() - start
    count = len(rows)
    del rows
    book.close()
    return elapsed, count


def measure(path: Path, truth: int, workers: int, repeat: int) -> str:
    floor = min(calamine_read(path) for _ in range(repeat))
    runs = [find_throughput.scan(path, workers) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["elapsed"])
    rows = floor[1]
    floor_rate, rate = rows / floor[0], rows / best["elapsed"]
    ok = "✓" if best["persons"] == truth else "✗"
    return (f"| {rows - 1:,} | {path.stat().st_size / 1e6:.1f} | {floor[0]:.2f} | {floor_rate:,.0f} | "
            f"{best['elapsed']:.2f} | {rate:,.0f} | {rate / floor_rate:.2f} | "
            f"{best['rss_self'] / 2**20:.0f} / {best['rss_children'] / 2**20:.0f} | "
            f"{best['persons']:,} / {truth:,} {ok} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[682_524])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="best of N (floor and mamori alike)")
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "mamori-bench")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    find_throughput._compile_package()
    files = [voter_xlsx(args.data, rows) for rows in args.rows]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"workers={args.workers}, best of {args.repeat}, load average before: {load}\n")
    print("| rows | MB | calamine s | calamine rows/s | mamori s | mamori rows/s | mamori / calamine |"
          " peak RSS MiB self / worker | persons / truth |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for path, truth in files:
        print(measure(path, truth, args.workers, args.repeat), flush=True)


if __name__ == "__main__":
    main()
