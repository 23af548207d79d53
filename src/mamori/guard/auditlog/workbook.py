"""The auditors' search result as an XLSX workbook (XlsxWriter, in memory)."""

from __future__ import annotations

import io
import json

import xlsxwriter

from mamori.audit import AuditEvent

HEADER = ("index", "time", "actor", "action", "object_type", "object_id", "details")
_WIDTHS = (8, 28, 20, 24, 16, 38, 100)
_MAX_CELL = 32_767  # Excel's limit on the characters of one cell


def _text(value: str) -> str:
    return value if len(value) <= _MAX_CELL else value[: _MAX_CELL - 1] + "…"


def to_xlsx(rows: list[tuple[int, AuditEvent]]) -> bytes:
    """One sheet, header first, newest first as searched; every log value is written as a string."""
    buffer = io.BytesIO()
    # strings_to_formulas/urls off: a value such as "=HYPERLINK(...)" from the log stays inert text.
    with xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                      "strings_to_numbers": False}) as book:
        sheet = book.add_worksheet("audit")
        bold = book.add_format({"bold": True})
        sheet.write_row(0, 0, HEADER, bold)
        for column, width in enumerate(_WIDTHS):
            sheet.set_column(column, column, width)
        sheet.freeze_panes(1, 0)
        for row, (index, event) in enumerate(rows, start=1):
            sheet.write_number(row, 0, index)
            details = json.dumps(event.details, ensure_ascii=False, sort_keys=True)
            for column, value in enumerate((event.time, event.actor, event.action, event.object_type,
                                            event.object_id, details), start=1):
                sheet.write_string(row, column, _text(value))
        if rows:
            sheet.autofilter(0, 0, len(rows), len(HEADER) - 1)
    return buffer.getvalue()
