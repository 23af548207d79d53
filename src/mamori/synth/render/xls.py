"""SynthDoc → legacy .xls (BIFF8) with xlwt: merged title rows, header, typed cells."""

from __future__ import annotations

import io
from datetime import date
from typing import Any, ClassVar

import xlwt

from mamori.synth.model import SynthDoc
from mamori.synth.render.cells import SUMMARY_SHEET, cell_value, grid, sheet_title, summary_rows

#: BIFF8 holds 65,536 rows a sheet; longer documents continue on "name (2)", "name (3)", ...
MAX_ROWS = 65_536

_DATE = xlwt.easyxf(num_format_str="yyyy-mm-dd")
_TITLE = xlwt.easyxf("font: bold on; align: horiz center")


def _write_rows(sheet: Any, rows: list[tuple[str, ...]], n_titles: int, width: int) -> None:
    for r, row in enumerate(rows):
        if r < n_titles and width > 1:
            sheet.write_merge(r, r, 0, width - 1, row[0], _TITLE)
            continue
        for c, text in enumerate(row):
            value = cell_value(text)
            if isinstance(value, date):
                sheet.write(r, c, value, _DATE)
            else:
                sheet.write(r, c, value)


class XlsRenderer:
    """Excel 97–2003 workbook."""

    name: ClassVar[str] = "xls"
    suffix: ClassVar[str] = ".xls"
    encodings: ClassVar[tuple[str, ...]] = ()

    def render(self, doc: SynthDoc, encoding: str | None = None) -> bytes:
        """*doc* as .xls bytes; text is stored as UTF-16 in the file, so *encoding* is ignored."""
        book = xlwt.Workbook(encoding="utf-8")
        rows = grid(doc)
        width = max((len(r) for r in rows), default=1)
        main_name = sheet_title(doc)
        for part, start in enumerate(range(0, max(len(rows), 1), MAX_ROWS)):
            name = main_name if part == 0 else f"{main_name[:25]} ({part + 1})"
            titles = len(doc.title_rows) if part == 0 else 0
            _write_rows(book.add_sheet(name), rows[start : start + MAX_ROWS], titles, width)
        summary = summary_rows(doc)
        if summary:
            name = SUMMARY_SHEET if main_name != SUMMARY_SHEET else SUMMARY_SHEET + "2"
            _write_rows(book.add_sheet(name), summary, 0, 2)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
