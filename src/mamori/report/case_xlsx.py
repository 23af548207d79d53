"""report.xlsx of an investigation: the same tables as report.html, one sheet each."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from mamori.report.case_view import CaseView
from mamori.report.case_words import w


class _Book:
    def __init__(self, path: Path) -> None:
        self.book = xlsxwriter.Workbook(str(path))
        self.head = self.book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        self.cell = self.book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
        self.num = self.book.add_format({"border": 1, "num_format": "#,##0", "valign": "top"})
        self.bold = self.book.add_format({"bold": True})

    def sheet(self, name: str, headers: Sequence[str], rows: Sequence[Sequence[Any]],
              widths: Sequence[int]) -> Worksheet:
        sheet = self.book.add_worksheet(name[:31])
        sheet.write_row(0, 0, headers, self.head)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                fmt = self.num if isinstance(value, int) and not isinstance(value, bool) else self.cell
                sheet.write(r, c, "" if value is None else value, fmt)
        for c, width in enumerate(widths):
            sheet.set_column(c, c, width)
        sheet.freeze_panes(1, 0)
        if rows:
            sheet.autofilter(0, 0, len(rows), len(headers) - 1)
        return sheet


def write_xlsx(view: CaseView, path: Path) -> Path:
    """Write *view* as a workbook: summary, attachment 1, server files, accesses, crawled only, chain."""
    lang = view.lang
    b = _Book(path)
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
                                                   "f.evidence", "f.pii", "f.persons", "c.categories")],
            [[f.server_path, f.uploaded_at, f.deleted_at, f.size, f.match, f.evidence, f.pii, f.persons, f.categories]
             for f in view.files], (50, 18, 18, 12, 10, 50, 10, 10, 40))
    b.sheet(w("detail", lang), [w("f.path", lang), w("f.uploaded", lang)] + [w(k, lang) for k in (
        "d.ip", "d.kind", "d.agent", "d.provider", "d.count", "d.first", "d.last")],
        [[f.server_path, f.uploaded_at, a.ip, a.kind_label, a.crawler, a.provider, a.count, a.first, a.last]
         for f in view.files for a in f.accesses], (50, 18, 16, 12, 24, 24, 8, 20, 20))
    b.sheet(w("crawled", lang), [w("f.path", lang)], [[p] for p in view.crawled_only], (70,))
    b.sheet(w("chain.short", lang), [w(k, lang) for k in ("ch.kind", "ch.path", "ch.size", "ch.sha256", "ch.detail")],
            [[c.kind, c.path, c.size, c.sha256, c.note] for c in view.chain], (14, 60, 14, 68, 40))
    b.book.close()
    return path
