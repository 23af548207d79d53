"""Background scans: the job queue (atomic claims, recovery of a dead worker's job, failure as not inspected),
progress on the request page, withdrawal during a scan, and removal of what interrupted uploads left."""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from guard_helpers import World, approve, audit_actions, submit

from mamori.errors import InvalidTransition
from mamori.guard.exports import jobs, services, storage
from mamori.guard.exports.models import ExportRequest, JobState, RequestState, ScanJob
from mamori.guard.supervise import sweep_orphans

pytestmark = pytest.mark.usefixtures("queued")


@pytest.fixture
def queued() -> Any:
    """Submissions are only queued, as on the real server (the worker is driven by each test)."""
    with override_settings(MAMORI_SCAN_INLINE=False):
        yield


def _dead_pid() -> int:
    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


def test_submission_is_queued_then_scanned_by_the_worker(world: World, home: Path, as_user: Any) -> None:
    request = submit(world.alice, world, rows=8)
    assert request.state == RequestState.SCANNING
    job = ScanJob.objects.get(request=request)
    assert (job.state, job.files_total, job.percent) == (JobState.QUEUED, 1, 0)
    with pytest.raises(InvalidTransition):
        approve(world.head_a, request)
    page = as_user(world.alice).get(f"/requests/{request.pk}/")
    assert page.status_code == 200 and page["Refresh"] == "3"
    assert "検査の順番を待っています" in page.content.decode() and "<progress" in page.content.decode()

    claimed = jobs.claim("test-worker:1")
    assert claimed is not None and claimed.pk == job.pk and claimed.attempts == 1
    assert jobs.claim("test-worker:2") is None  # one job, one owner
    jobs.run(claimed)
    request.refresh_from_db()
    job.refresh_from_db()
    assert request.state == RequestState.PENDING and request.persons == 8 and "name" in request.categories
    assert (job.state, job.files_done, job.percent) == (JobState.DONE, 1, 100)
    page = as_user(world.alice).get(f"/requests/{request.pk}/")
    assert "Refresh" not in page and "<progress" not in page.content.decode()
    assert audit_actions(home)[-2:] == ["export.requested", "export.scanned"]
    assert approve(world.head_a, request).state == RequestState.APPROVED


def test_progress_is_shown_in_english(world: World, as_user: Any) -> None:
    request = submit(world.alice, world)
    client = as_user(world.alice)
    client.post("/lang/", {"lang": "en", "next": "/"})
    assert "Waiting for the scan" in client.get(f"/requests/{request.pk}/").content.decode()


def test_claims_take_jobs_in_order_each_once(world: World) -> None:
    made = [submit(world.alice, world, rows=2) for _ in range(3)]
    claimed = [jobs.claim(f"w:{k}") for k in range(4)]
    assert [c.request_id if c else None for c in claimed] == [r.pk for r in made] + [None]


def test_a_dead_workers_job_is_retried_then_failed_as_not_inspected(world: World, home: Path) -> None:
    request = submit(world.alice, world, rows=3)
    dead = f"{socket.gethostname()}:{_dead_pid()}"
    for attempt in (1, 2):
        job = jobs.claim(dead)
        assert job is not None and job.attempts == attempt
        assert jobs.recover() == 1
    job = ScanJob.objects.get(request=request)
    request.refresh_from_db()
    assert job.state == JobState.FAILED and "stopped" in job.reason
    assert request.state == RequestState.PENDING and request.needs_admin
    assert request.not_inspected == 1 and "not_inspected" in request.policy_reasons
    file = request.files.get()
    assert file.pii is None and file.status == "error" and "not scanned" in file.reason
    actions = audit_actions(home)
    assert actions.count("export.scan_interrupted") == 2 and "export.scan_failed" in actions


def test_a_silent_worker_on_another_host_loses_its_job(world: World) -> None:
    request = submit(world.alice, world)
    job = jobs.claim("other-host.example:12")
    assert job is not None
    assert jobs.recover() == 0  # its heartbeat is fresh
    ScanJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert jobs.recover() == 1
    assert ScanJob.objects.get(request=request).state == JobState.QUEUED


def test_withdrawn_while_scanning_stays_withdrawn(world: World) -> None:
    request = submit(world.alice, world)
    services.withdraw(world.alice, request)
    job = jobs.claim("w:1")
    assert job is not None
    jobs.run(job)
    assert ExportRequest.objects.get(pk=request.pk).state == RequestState.WITHDRAWN
    assert ScanJob.objects.get(pk=job.pk).state == JobState.DONE


def test_interrupted_uploads_leave_nothing_behind(world: World, home: Path) -> None:
    kept = submit(world.alice, world).files.get().stored_name
    orphan = storage.store(home, "名簿.csv", [b"\xe5\xb1\xb1\xe7\x94\xb0,090-1234-5678\n"], 1 << 20).stored_name
    tmp = home / "guard" / "tmp"
    tmp.mkdir(exist_ok=True)
    (tmp / "upload-abc.upload").write_bytes(b"half an upload")
    assert sweep_orphans(home) == 2
    assert sorted(p.name for p in storage.files_dir(home).iterdir()) == [kept]
    assert list(tmp.iterdir()) == [] and orphan != kept
    assert "guard.orphans_removed" in audit_actions(home)


def test_a_failed_store_keeps_no_copy(world: World, home: Path) -> None:
    def chunks() -> Any:
        yield b"x" * 1024
        raise OSError("the client went away")

    with pytest.raises(OSError):
        services.submit(world.alice, [services.Upload("a.csv", chunks())], world.medium_a, "研修", "センター",
                        timezone.now() + timedelta(days=1))
    assert list(storage.files_dir(home).iterdir()) == []


def test_a_job_released_at_shutdown_keeps_its_attempts(world: World, home: Path) -> None:
    request = submit(world.alice, world)
    job = jobs.claim("w:1")
    assert job is not None and job.attempts == 1
    jobs.release(job.pk, "the worker was stopped during the scan")
    job.refresh_from_db()
    assert (job.state, job.attempts, job.worker) == (JobState.QUEUED, 0, "")
    assert ExportRequest.objects.get(pk=request.pk).state == RequestState.SCANNING
    assert "export.scan_interrupted" in audit_actions(home)
