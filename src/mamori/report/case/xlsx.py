"""report.xlsx and accesses.csv of an investigation: report.html's tables plus the complete detail.

The workbook is written with XlsxWriter's ``constant_memory`` (row by row, flushed as it goes) and the
per-address detail comes from a generator, so neither grows in memory with the logs. A sheet holds at
most 1,048,575 rows; past that the sheet says so and ``accesses.csv`` (always complete) has the rest.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from mamori.investigate.findings import ServerFile
from mamori.report.case.text import w
from mamori.report.case.view import AccessRow, CaseView

#: Rows a sheet holds below its header (Excel's limit).
SHEET_ROWS = 1_048_575
#: Per-address rows the workbook's detail sheet takes (files with personal data first); XlsxWriter writes about
#: 30,000 cells a second on a busy machine, so past this the sheet points to accesses.csv, which always has every row.
XLSX_DETAIL_ROWS = 30_000
DetailRows = Iterable[tuple[ServerFile, AccessRow]]


class _Book:
    def __init__(self, path: Path, lang: str) -> None:
        self.lang = lang
        self.book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        self.head = self.book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        self.cell = self.book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
        self.num = self.book.add_format({"border": 1, "num_format": "#,##0", "valign": "top"})
        self.bold = self.book.add_format({"bold": True})

    def sheet(self, name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
              widths: Sequence[int], limit: int = SHEET_ROWS - 1) -> Worksheet:
        sheet = self.book.add_worksheet(name[:31])
        for c, width in enumerate(widths):
            sheet.set_column(c, c, width)
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, headers, self.head)
        last = 0
        for r, row in enumerate(rows, start=1):
            if r > limit:
                sheet.write(r, 0, w("xlsx.full", self.lang), self.bold)
                last = r
                break
            for c, value in enumerate(row):
                fmt = self.num if isinstance(value, int) and not isinstance(value, bool) else self.cell
                sheet.write(r, c, "" if value is None else value, fmt)
            last = r
        if last:
            sheet.autofilter(0, 0, last, len(headers) - 1)
        return sheet


def detail_headers(lang: str) -> list[str]:
    return [w("f.path", lang), w("f.uploaded", lang), w("f.pii", lang)] + [w(k, lang) for k in (
        "d.ip", "d.kind", "d.agent", "d.provider", "d.count", "d.first", "d.last")]


def _detail(f: ServerFile, a: AccessRow, lang: str) -> list[Any]:
    pii = w("unknown" if f.pii is None else ("yes" if f.pii else "no"), lang)
    return [f.server_path, (f.uploaded_at or "")[:19].replace("T", " "), pii, a.ip, a.kind_label, a.crawler,
            a.provider, a.count, a.first, a.last]


def write_accesses_csv(detail: DetailRows, path: Path, lang: str) -> Path:
    """Every per-address access row as CSV (UTF-8 with BOM for Excel), streamed, written atomically."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temp.open("w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(detail_headers(lang))
            writer.writerows(_detail(f, a, lang) for f, a in detail)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return path


def write_xlsx(view: CaseView, path: Path, detail: DetailRows, files: Sequence[ServerFile] = ()) -> Path:
    """Write *view* as a workbook: summary, attachment 1, server files, every access, crawled only, chain."""
    lang = view.lang
    b = _Book(path, lang)
    summary = b.book.add_worksheet(w("summary", lang))
    summary.write(0, 0, f"{w('title', lang)} — {view.case_name}", b.bold)
    summary.write(1, 0, view.summary_text)
    for i, (label, value) in enumerate(view.summary, start=3):
        summary.write(i, 0, label, b.head)
        summary.write(i, 1, value, b.cell)
    summary.set_column(0, 0, 44)
    summary.set_column(1, 1, 30)
    rows: list[list[Any]] = [[r.group, r.number, r.content, r.categories + (f" ※{w('special', lang)}"
                              if r.special_care else ""), r.persons, r.status] for r in view.rows]
    rows.append([w("total", lang), None, None, None, view.unique_total, None])
    rows.extend([[line, None, None, None, None, None] for line in view.total_lines])
    b.sheet(w("att1", lang), [w(k, lang) for k in ("c.group", "c.number", "c.content", "c.categories", "c.persons",
                                                  "c.status")], rows, (16, 6, 50, 50, 12, 10))
    b.sheet(w("files", lang), [w(k, lang) for k in ("f.path", "f.uploaded", "f.deleted", "f.size", "f.match",
                                                   "f.evidence", "f.pii", "f.persons", "c.categories", "k.external",
                                                   "k.crawler", "k.owner")],
            ([f.server_path, _t(f.uploaded_at), _t(f.deleted_at), f.size, w(f"m.{f.match}", lang),
              "\n".join(f.evidence), w("unknown" if f.pii is None else ("yes" if f.pii else "no"), lang), f.persons,
              ", ".join(f.categories), f.external_accesses, f.crawler_accesses, f.owner_accesses] for f in files),
            (50, 18, 18, 12, 10, 50, 10, 10, 40, 10, 10, 10))
    b.sheet(w("detail", lang), detail_headers(lang), (_detail(f, a, lang) for f, a in detail),
            (50, 18, 10, 16, 12, 24, 24, 8, 20, 20), limit=XLSX_DETAIL_ROWS)
    b.sheet(w("by_day", lang), [view.by_day_unit, w("k.external", lang), w("k.crawler", lang), w("k.owner", lang)],
            ([r.label, r.external, r.crawler, r.owner] for r in view.by_day), (14, 12, 12, 12))
    b.sheet(w("crawled", lang), [w("f.path", lang)], [[p] for p in view.crawled_only], (70,))
    b.sheet(w("chain.short", lang), [w(k, lang) for k in ("ch.kind", "ch.path", "ch.size", "ch.sha256", "ch.detail")],
            [[c.kind, c.path, c.size, c.sha256, c.note] for c in view.chain], (14, 60, 14, 68, 40))
    b.book.close()
    return path


def _t(value: str | None) -> str:
    return (value or "")[:19].replace("T", " ")
