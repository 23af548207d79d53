"""Tables that run down, not across: a form (氏名 | 山田太郎 / 住所 | …) or a legend (氏名 | 氏名を記載する).

In such a table the labels are the first cells of several rows, so reading it column first would take
the labels for a header and the other rows for people. It is read as labelled text instead
(``氏名：山田太郎``), where the detectors decide whether each value is what its label says: a form
gives its one person, a legend's descriptions give nobody.
"""

from __future__ import annotations

from mamori.detect.column_headers import header_kind, is_personal_kind
from mamori.models import Table

#: Rows whose first cell is a personal label that make a table a form.
_MIN_LABEL_ROWS = 2
#: Rows looked at (a form or a legend is short; a list is not read as a form).
_MAX_ROWS = 60
_MAX_CELLS = 6
#: Share of the filled rows a form's labels start (a list's stray label-like cells stay below it).
_MIN_LABEL_SHARE = 0.25


def is_form(table: Table) -> bool:
    """True when labels of personal data start two or more rows (and a quarter) of a short, narrow table."""
    rows = table.rows
    if len(rows) > _MAX_ROWS or table.width > _MAX_CELLS * 2:
        return False
    labelled = lines = 0
    for row in rows:
        filled = [c for c in row if c.strip()]
        lines += len(filled) >= 2
        if 2 <= len(filled) <= _MAX_CELLS and is_personal_kind(header_kind(filled[0])):
            labelled += 1
    return labelled >= _MIN_LABEL_ROWS and labelled >= _MIN_LABEL_SHARE * lines


def form_text(table: Table) -> str:
    """The table as labelled lines: cells in pairs, ``label：value``."""
    lines = []
    for row in table.rows:
        filled = [c.strip() for c in row if c.strip()]
        pairs = [f"{filled[i]}：{filled[i + 1]}" if i + 1 < len(filled) else filled[i]
                 for i in range(0, len(filled), 2)]
        lines.append("　".join(pairs))
    return "\n".join(lines)
