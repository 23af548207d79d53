"""Run the real scan worker (forked, watched child processes) on an initialised home, in a process of its own.

    python tests/guard/guard_worker_probe.py HOME SCAN_SECONDS   # prints the job and request as JSON

Seeds one department, submits one request (queued, as on the server) and lets the worker take the queue until it
is empty; the test process cannot do this itself because its Django runs on the in-memory test database.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from pathlib import Path


def probe(home: Path, scan_seconds: int) -> dict[str, object]:
    os.environ["MAMORI_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mamori.guard.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from mamori.guard.accounts.models import Department, Role, User
    from mamori.guard.exports import services
    from mamori.guard.exports.models import ScanJob
    from mamori.guard.exports.worker import serve_forever
    from mamori.guard.media.models import Medium
    from mamori.synth.documents import make_document
    from mamori.synth.render.base import render
    from mamori.synth.residents import generate_residents

    settings.MAMORI_SCAN_SECONDS = scan_seconds
    dept = Department.objects.create(code="D01", name="第1課")
    staff = User.objects.create(username="staff", role=Role.EMPLOYEE, department=dept)
    medium = Medium.objects.create(vendor_id="0781", product_id="5581", serial="S1", capacity_bytes=1 << 30,
                                   label="USB", department=dept, encrypted=True)
    csv = render(make_document("resident_list", generate_residents(30, 3), rows=25, seed=3), "csv", "utf-8")
    request = services.submit(staff, [services.Upload("名簿.csv", [csv])], medium, "研修", "研修センター",
                              timezone.now() + timedelta(days=1))
    runs = serve_forever(once=True)
    request.refresh_from_db()
    job = ScanJob.objects.get(request=request)
    return {"runs": runs, "job": job.state, "attempts": job.attempts, "reason": job.reason,
            "request": request.state, "not_inspected": request.not_inspected, "persons": request.persons,
            "needs_admin": request.needs_admin}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(probe(Path(sys.argv[1]), int(sys.argv[2]))))
