"""Submit a request to a home's database, or report its scan job, from a process of its own.

    python tests/guard/guard_pg_probe.py submit HOME ROWS   # prints {"request": id, "stored": [...]}
    python tests/guard/guard_pg_probe.py state HOME ID      # prints the job, the request and the audit actions

The home's database is whatever ``DATABASE_URL`` says (the PostgreSQL test runs); the test process's own Django
runs on the test database, so it cannot do this itself.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any


def _setup(home: Path) -> None:
    os.environ["MAMORI_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mamori.guard.settings")
    import django

    django.setup()


def submit(home: Path, rows: int) -> dict[str, Any]:
    _setup(home)
    from django.utils import timezone

    from mamori.guard.accounts.models import Department, Role, User
    from mamori.guard.exports import services
    from mamori.guard.media.models import Medium
    from mamori.synth.documents import make_document
    from mamori.synth.render.base import render
    from mamori.synth.residents import generate_residents

    dept = Department.objects.create(code="D01", name="第1課")
    staff = User.objects.create(username="staff", role=Role.EMPLOYEE, department=dept)
    medium = Medium.objects.create(vendor_id="0781", product_id="5581", serial="S1", capacity_bytes=1 << 30,
                                   label="USB", department=dept, encrypted=True)
    csv = render(make_document("resident_list", generate_residents(rows, 3), rows=rows, seed=3), "csv", "utf-8")
    request = services.submit(staff, [services.Upload("名簿.csv", [csv])], medium, "研修", "研修センター",
                              timezone.now() + timedelta(days=1))
    # What an uninterrupted scan of the same bytes finds, to compare the worker's result with.
    import tempfile

    from mamori.guard.exports.scanning import scan_files

    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "名簿.csv"
        copy.write_bytes(csv)
        expected = scan_files([(copy, "名簿.csv")]).persons
    return {"request": request.pk, "stored": [f.stored_name for f in request.files.all()], "expected": expected}


def state(home: Path, request_id: int) -> dict[str, Any]:
    _setup(home)
    from mamori.audit import AuditLog
    from mamori.guard.exports.models import ExportRequest, ScanJob

    request = ExportRequest.objects.get(pk=request_id)
    job = ScanJob.objects.get(request=request)
    with AuditLog(home, durable=False) as log:
        actions = [event.action for _, event in log.events()]
    return {"job": job.state, "attempts": job.attempts, "worker": job.worker, "reason": job.reason,
            "request": request.state, "persons": request.persons, "not_inspected": request.not_inspected,
            "actions": actions}


if __name__ == "__main__":
    command, where, number = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    out = submit(where, number) if command == "submit" else state(where, number)
    from django.db import connection

    out["database"] = connection.vendor
    sys.stdout.write(json.dumps(out))
