"""XLSX report: a sheet of items and a sheet with the summary."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import xlsxwriter

from mamori.i18n import t
from mamori.models import ItemResult, ScanSummary
from mamori.report.find.base import headers, row_values, summary_rows


class XlsxReport:
    """Rows are written as they come (constant_memory), so huge scans stay small in memory."""

    name: ClassVar[str] = "xlsx"
    binary: ClassVar[bool] = True

    def __init__(self, path: Path, lang: str = "ja") -> None:
        self.lang = lang
        self.book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        self.bold = self.book.add_format({"bold": True, "bg_color": "#DDEBF7"})
        self.items = self.book.add_worksheet(t("report.sheet_items", lang))
        self.items.write_row(0, 0, headers(lang), self.bold)
        self.items.freeze_panes(1, 0)
        self.items.set_column(0, 0, 60)
        self.row = 1

    def add(self, result: ItemResult) -> None:
        self.items.write_row(self.row, 0, row_values(result, self.lang))
        self.row += 1

    def finish(self, summary: ScanSummary) -> None:
        sheet = self.book.add_worksheet(t("summary.title", self.lang))
        for i, (label, value) in enumerate(summary_rows(summary, self.lang)):
            sheet.write(i, 0, label, self.bold)
            sheet.write(i, 1, value)
        sheet.set_column(0, 0, 28)
        self.items.autofilter(0, 0, max(self.row - 1, 1), len(headers(self.lang)) - 1)
        self.book.close()
