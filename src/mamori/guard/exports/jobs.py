"""The scan queue: a job row per submitted request, claimed atomically by one worker, never lost.

A claim is one ``UPDATE … WHERE state = 'queued'`` on a chosen row (compare-and-set), which is
atomic on SQLite and PostgreSQL alike. A running job's worker beats a heartbeat; a job whose worker
died (its process is gone, or its heartbeat is stale) goes back to the queue, and after
`MAMORI_SCAN_ATTEMPTS` interrupted attempts it is finished as *failed*: its files count as not
inspected, so the policy asks for the security administrator — never clean by default.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mamori.guard.auditlog.services import current_home, record
from mamori.guard.exports import storage
from mamori.guard.exports.models import ExportFile, ExportRequest, JobState, RequestState, ScanJob
from mamori.guard.exports.policy import evaluate, load_policy
from mamori.guard.exports.scanning import FileVerdict, ScanOutcome, scan_files
from mamori.i18n import said_json


def worker_name() -> str:
    """This process as a job owner: host name and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def enqueue(request: ExportRequest, files: list[ExportFile]) -> ScanJob:
    """A queued job for `request` (inside the caller's transaction)."""
    return ScanJob.objects.create(request=request, files_total=len(files), bytes_total=sum(f.size for f in files))


def claim(worker: str) -> ScanJob | None:
    """The oldest queued job, now running for `worker`; None when the queue is empty."""
    for _ in range(20):  # another worker may win the race for a row: take the next one
        candidate = ScanJob.objects.filter(state=JobState.QUEUED).order_by("id").values_list("id", flat=True).first()
        if candidate is None:
            return None
        now = timezone.now()
        won = ScanJob.objects.filter(pk=candidate, state=JobState.QUEUED).update(
            state=JobState.RUNNING, worker=worker[:200], attempts=F("attempts") + 1, started_at=now,
            heartbeat_at=now, files_done=0, bytes_done=0)
        if won == 1:
            return ScanJob.objects.get(pk=candidate)
    return None


def heartbeat(job_id: int, bytes_done: int | None = None, **progress: Any) -> None:
    """The worker is alive (and how far it got; `bytes_done` only ever grows)."""
    running = ScanJob.objects.filter(pk=job_id, state=JobState.RUNNING)
    running.update(heartbeat_at=timezone.now(), **progress)
    if bytes_done is not None:
        running.filter(bytes_done__lt=bytes_done).update(bytes_done=bytes_done)


def _alive(worker: str) -> bool:
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another host's worker: only its heartbeat can tell
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(stale_seconds: int | None = None) -> int:
    """Requeue (or fail, after too many attempts) running jobs whose worker died; how many were touched."""
    stale = timezone.now() - timedelta(seconds=stale_seconds or settings.MAMORI_SCAN_STALE_SECONDS)
    touched = 0
    for job in ScanJob.objects.filter(state=JobState.RUNNING):
        if job.heartbeat_at is not None and job.heartbeat_at >= stale and _alive(job.worker):
            continue
        touched += interrupted(job.pk, f"the worker {job.worker} stopped during the scan")
    return touched


def interrupted(job_id: int, reason: str) -> int:
    """A running job's attempt ended without a result: queue it again, or fail it after the last attempt."""
    with transaction.atomic():
        job = ScanJob.objects.select_for_update().filter(pk=job_id, state=JobState.RUNNING).first()
        if job is None:
            return 0
        record("system", "export.scan_interrupted", "export_request", job.request_id, attempt=job.attempts,
               reason=reason[:500])
        if job.attempts < settings.MAMORI_SCAN_ATTEMPTS:
            job.state, job.worker, job.reason = JobState.QUEUED, "", reason[:2000]
            job.save(update_fields=["state", "worker", "reason"])
            return 1
    fail(job_id, f"{reason} (attempt {job.attempts} of {settings.MAMORI_SCAN_ATTEMPTS})")
    return 1


def release(job_id: int, reason: str) -> None:
    """Hand a running job back to the queue without counting the attempt (the worker is shutting down)."""
    with transaction.atomic():
        if ScanJob.objects.filter(pk=job_id, state=JobState.RUNNING).update(
                state=JobState.QUEUED, worker="", attempts=F("attempts") - 1, reason=reason[:2000]):
            job = ScanJob.objects.get(pk=job_id)
            record("system", "export.scan_interrupted", "export_request", job.request_id, attempt=job.attempts + 1,
                   reason=reason[:500], retried=True)


def fail(job_id: int, reason: str) -> None:
    """Finish a job without a scan: every file is 'not inspected', and the policy decides on that."""
    files = list(ExportFile.objects.filter(request__scan_job__pk=job_id).order_by("position"))
    verdicts = tuple(FileVerdict("error", None, (), 0, False, (), f"not scanned: {reason}"[:1000]) for _ in files)
    outcome = ScanOutcome(files=verdicts, categories=(), persons=0, special_care=False, not_inspected=len(files))
    finish(job_id, outcome, failed=reason)


def run(job: ScanJob) -> None:
    """Scan the job's files (progress as heartbeats) and finish it; run in the worker's child process."""
    home = current_home()
    files = list(ExportFile.objects.filter(request_id=job.request_id).order_by("position"))
    sizes = [f.size for f in files]

    def progress(done: int) -> None:
        heartbeat(job.pk, files_done=done, bytes_done=sum(sizes[:done]))

    from mamori.guard.register.people import people_secret  # the register counts exports' people together

    outcome = scan_files([(storage.path_of(home, f.stored_name), f.name) for f in files], progress=progress,
                         secret=people_secret(home))
    finish(job.pk, outcome)


def finish(job_id: int, outcome: ScanOutcome, failed: str = "") -> None:
    """Store the verdicts, apply the policy, move the request on (pending or blocked) and close the job."""
    policy = load_policy(current_home())
    decision = evaluate(policy, outcome)
    with transaction.atomic():
        job = ScanJob.objects.select_for_update().get(pk=job_id)
        if job.state in (JobState.DONE, JobState.FAILED):
            return
        request = ExportRequest.objects.select_for_update().get(pk=job.request_id)
        job.state = JobState.FAILED if failed else JobState.DONE
        job.reason, job.finished_at, job.files_done = failed[:2000], timezone.now(), job.files_total
        job.bytes_done = job.bytes_total
        job.save()
        if request.state != RequestState.SCANNING:  # withdrawn while it was being scanned
            return
        files = list(ExportFile.objects.filter(request=request).order_by("position"))
        for file, verdict in zip(files, outcome.files, strict=True):
            file.status, file.pii, file.categories, file.persons = (verdict.status, verdict.pii,
                                                                    list(verdict.categories), verdict.persons)
            file.special_care, file.samples, file.reason = verdict.special_care, list(verdict.samples), verdict.reason
            file.reason_said = said_json(verdict.reason)
            file.save()
        request.needs_admin, request.policy_reasons = decision.needs_admin, list(decision.reasons)
        request.categories, request.persons = list(outcome.categories), outcome.persons
        request.special_care, request.not_inspected = outcome.special_care, outcome.not_inspected
        request.state = RequestState.BLOCKED if decision.forbidden else RequestState.PENDING
        request.decided_at = timezone.now() if decision.forbidden else None
        request.save()
        from mamori.guard.register.yearly import keep_people

        keep_people(request, outcome.person_records)
        if failed:
            record("system", "export.scan_failed", "export_request", request.pk, reason=failed[:500])
        record("system", "export.scanned", "export_request", request.pk, **outcome.summary(),
               needs_admin=decision.needs_admin, reasons=list(decision.reasons))
        if decision.forbidden:
            record("system", "export.blocked", "export_request", request.pk, forbidden=list(decision.forbidden))


def run_now(job_id: int) -> None:
    """Claim and run one job in this process (MAMORI_SCAN_INLINE: tests and single-process tools)."""
    ScanJob.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, worker=worker_name(), attempts=F("attempts") + 1, started_at=timezone.now(),
        heartbeat_at=timezone.now())
    run(ScanJob.objects.get(pk=job_id))
