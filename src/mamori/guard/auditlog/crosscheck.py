"""Cross-check the guard database against the audit log: every request, approval, grant and execution the
database holds must have its audit entry. A log emptied or rewritten beside an intact database fails here
even when no checkpoint was kept. Reads the log's records only (never opens it for writing)."""

from __future__ import annotations

import mmap
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mamori.audit.event import AuditEvent, parse_record
from mamori.audit.log import log_dir
from mamori.audit.tail import scan_frames
from mamori.errors import AuditIntegrityError

MAX_LISTED = 20


@dataclass(frozen=True)
class CrossCheck:
    """What the database holds, what of it the log lacks (`missing`, at most MAX_LISTED listed)."""

    rows: int
    entries: int
    missing: tuple[str, ...]
    missing_count: int

    @property
    def ok(self) -> bool:
        """True when every row checked has its entry."""
        return self.missing_count == 0


def read_events(home: Path) -> Iterator[tuple[int, AuditEvent]]:
    """(index, event) of each intact record in HOME/audit/records.log, without opening the log for writing."""
    path = log_dir(home) / "records.log"
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size == 0:
        return
    with path.open("rb") as stream, mmap.mmap(stream.fileno(), size, access=mmap.ACCESS_READ) as data:
        frames, _ = scan_frames(data)  # type: ignore[arg-type]  # mmap slices like bytes
        for index, (start, stop) in enumerate(frames):
            try:
                yield index, parse_record(data[start + 4 : stop - 4])[1]
            except AuditIntegrityError:
                continue  # verify_log reports damaged records; here they simply do not count


def cross_check(home: Path) -> CrossCheck:
    """Compare the guard database (Django must be set up for `home`) with the audit log of `home`."""
    from mamori.guard.accounts.models import User
    from mamori.guard.exports.models import Approval, ExportRequest, Grant

    seen: Counter[tuple[str, str, str]] = Counter()
    by_index: dict[int, tuple[str, str]] = {}
    entries = 0
    for index, event in read_events(home):
        entries += 1
        seen[(event.action, event.object_id, event.actor)] += 1
        seen[(event.action, event.object_id, "*")] += 1
        if event.action == "export.executed":
            by_index[index] = (event.action, event.object_id)
    wanted: Counter[tuple[str, str, str]] = Counter()
    labels: dict[tuple[str, str, str], str] = {}

    def want(action: str, object_id: object, actor: str, label: str) -> None:
        key = (action, str(object_id), actor)
        wanted[key] += 1
        labels[key] = label

    for request in ExportRequest.objects.values_list("pk", flat=True).iterator():
        want("export.requested", request, "*", f"export request {request}: its submission")
    for request_id, approver, decision in Approval.objects.values_list(
            "request_id", "approver__username", "decision").iterator():
        action = "export.approved" if decision == "approve" else "export.rejected"
        want(action, request_id, approver, f"export request {request_id}: the {decision} by {approver}")
    executed_index: list[tuple[str, int | None]] = []
    for grant_id, redeemed, audit_index in Grant.objects.values_list("pk", "redeemed_at", "audit_index").iterator():
        want("grant.issued", grant_id, "*", f"grant {grant_id}: its issue")
        if redeemed is not None:
            want("export.executed", grant_id, "*", f"grant {grant_id}: its execution")
            executed_index.append((str(grant_id), audit_index))
    missing: list[str] = []
    count = 0
    for key, needed in wanted.items():
        if seen[key] < needed:
            count += needed - seen[key]
            missing.append(f"{labels[key]} has no audit entry ({key[0]})")
    for grant_id, audit_index in executed_index:
        if audit_index is not None and by_index.get(audit_index) != ("export.executed", grant_id):
            count += 1
            missing.append(f"grant {grant_id}: audit entry {audit_index} is not its execution")
    users = User.objects.count()
    rows = sum(wanted.values()) + users
    if entries == 0 and rows:
        count += 1
        missing.insert(0, f"the audit log is empty but the database holds {rows} rows (users, requests, grants)")
    return CrossCheck(rows=rows, entries=entries, missing=tuple(missing[:MAX_LISTED]), missing_count=count)
