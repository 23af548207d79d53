"""The auditors' search over the audit log, newest first, and its CSV form."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from mamori.audit import AuditEvent, AuditLog

MAX_SCAN = 200_000  # entries examined per search; the benchmark issue will add an index if needed
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Query:
    """Filters; empty strings match everything. Dates are YYYY-MM-DD (UTC) and inclusive."""

    action: str = ""
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: str = ""
    date_to: str = ""
    text: str = ""

    def matches(self, event: AuditEvent) -> bool:
        """True when `event` passes every filter."""
        if self.action and not event.action.startswith(self.action):
            return False
        if self.actor and event.actor != self.actor:
            return False
        if self.object_type and event.object_type != self.object_type:
            return False
        if self.object_id and event.object_id != self.object_id:
            return False
        day = event.time[:10]
        if (self.date_from and day < self.date_from) or (self.date_to and day > self.date_to):
            return False
        return not self.text or self.text in json.dumps(event.details, ensure_ascii=False)


def search(log: AuditLog, query: Query, limit: int = 500) -> list[tuple[int, AuditEvent]]:
    """Up to `limit` matching (index, event), newest first."""
    found: list[tuple[int, AuditEvent]] = []
    size = log.size
    for index in range(size - 1, max(-1, size - 1 - MAX_SCAN), -1):
        event = log.event(index)
        if query.matches(event):
            found.append((index, event))
            if len(found) >= limit:
                break
    return found


def _cell(value: str) -> str:
    # Spreadsheets execute cells starting with these characters (CSV injection).
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(rows: list[tuple[int, AuditEvent]]) -> Iterator[str]:
    """CSV lines (header first) for `rows`, safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["index", "time", "actor", "action", "object_type", "object_id", "details"])
    yield buffer.getvalue()
    for index, event in rows:
        buffer.seek(0)
        buffer.truncate()
        details = json.dumps(event.details, ensure_ascii=False, sort_keys=True)
        writer.writerow([str(index), event.time, *(_cell(v) for v in (
            event.actor, event.action, event.object_type, event.object_id, details))])
        yield buffer.getvalue()
