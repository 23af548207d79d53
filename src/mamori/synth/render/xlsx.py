"""SynthDoc → .xlsx / .xlsm as a municipal clerk's sheet: merged title rows, header, typed cells."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any, ClassVar

import xlsxwriter

from mamori.synth.model import SynthDoc
from mamori.synth.render.cells import SUMMARY_SHEET, cell_value, grid, sheet_title, summary_rows

_XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_XLSM_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def _write_rows(book: Any, sheet: Any, rows: list[tuple[str, ...]], n_titles: int, width: int) -> None:
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    title_format = book.add_format({"bold": True, "align": "center"})
    for r, row in enumerate(rows):
        if r < n_titles and width > 1:
            sheet.merge_range(r, 0, r, width - 1, row[0], title_format)
            continue
        for c, text in enumerate(row):
            value = cell_value(text)
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, date_format)
            elif isinstance(value, str):
                # write_string, never write(): it would turn "0722287907" into a number
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)


def render_workbook(doc: SynthDoc) -> bytes:
    """The .xlsx bytes of *doc*, with a 集計 sheet for some table documents."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    rows = grid(doc)
    width = max((len(r) for r in rows), default=1)
    main_name = sheet_title(doc)
    _write_rows(book, book.add_worksheet(main_name), rows, len(doc.title_rows), width)
    summary = summary_rows(doc)
    if summary:
        name = SUMMARY_SHEET if main_name != SUMMARY_SHEET else SUMMARY_SHEET + "2"
        _write_rows(book, book.add_worksheet(name), summary, 0, 2)
    book.close()
    return out.getvalue()


class XlsxRenderer:
    """Excel 2007+ workbook."""

    name: ClassVar[str] = "xlsx"
    suffix: ClassVar[str] = ".xlsx"
    encodings: ClassVar[tuple[str, ...]] = ()

    def render(self, doc: SynthDoc, encoding: str | None = None) -> bytes:
        """*doc* as .xlsx bytes; *encoding* is ignored (the format is always UTF-8 XML)."""
        return render_workbook(doc)


class XlsmRenderer:
    """A macro-enabled workbook (.xlsm) without macros: the same parts, another content type."""

    name: ClassVar[str] = "xlsm"
    suffix: ClassVar[str] = ".xlsm"
    encodings: ClassVar[tuple[str, ...]] = ()

    def render(self, doc: SynthDoc, encoding: str | None = None) -> bytes:
        """*doc* as .xlsm bytes."""
        source = zipfile.ZipFile(io.BytesIO(render_workbook(doc)))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info)
                if info.filename == "[Content_Types].xml":
                    data = data.replace(_XLSX_MAIN, _XLSM_MAIN)
                target.writestr(info, data)
        return out.getvalue()
