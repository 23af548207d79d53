"""Write every human report of an investigation beside ``findings.json``.

report.html, report.xlsx, accesses.csv, report.pdf (when WeasyPrint is usable), ppc_report.md/.html and,
only when asked, notification_list.csv (0600). Everything beside the findings is read through the case
store's typed API (``CaseRecords``), never its tables; ``write_reports_from_store`` writes them from the
store alone. A report that cannot be made becomes a warning, not a failure.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mamori.errors import CaseError
from mamori.investigate.case import Case
from mamori.investigate.case_records import CaseRecords
from mamori.investigate.findings import Findings
from mamori.logs.driver import DEFAULT_TIMEZONE, resolve_timezone
from mamori.report.case.html import render_html
from mamori.report.case.notification import NAME, from_store, write_notification_list
from mamori.report.case.pdf import write_pdf
from mamori.report.case.ppc import build_draft, write_ppc
from mamori.report.case.text import w
from mamori.report.case.view import Provider, StoreFacts, build_view, detail_rows
from mamori.report.case.xlsx import write_accesses_csv, write_xlsx


@dataclass(frozen=True, kw_only=True)
class WrittenReports:
    """What was written, what was not (and why), the reporting verdict and the notification count."""

    paths: tuple[Path, ...]
    warnings: tuple[str, ...]
    ppc_mandatory: bool | None
    notification_people: int | None = None

    @property
    def html(self) -> Path:
        return next(p for p in self.paths if p.name == "report.html")


def _provider(findings: Findings, lang: str) -> tuple[Provider | None, str]:
    info = findings.providers
    if not info.source:
        return None, w("provider.none", lang)
    return info.names.get, w("provider.from", lang, source=info.source, date=info.as_of)


def _facts(records: CaseRecords | None, findings: Findings) -> StoreFacts:
    if records is None:
        return StoreFacts()
    return StoreFacts(logs=records.log_files(),
                      evidence=records.evidence_hashes(label for f in findings.server_files for label in f.evidence))


def write_reports(findings: Findings, out_dir: str | Path, case: Case | None = None, *, lang: str = "ja",
                  notification_list: bool = False, pdf: bool = True, now: datetime | None = None) -> WrittenReports:
    """Write the reports of *findings* into *out_dir* (where the engine wrote findings.json and its store)."""
    out = Path(out_dir)
    warnings: list[str] = []
    try:
        records: CaseRecords | None = CaseRecords.open(out)
    except CaseError as exc:
        records = None
        warnings.append(f"case store not readable ({exc}): evidence hashes and log files are left out")
    try:
        return _write(findings, out, case, records, warnings, lang=lang, notification_list=notification_list,
                      pdf=pdf, now=now)
    finally:
        if records is not None:
            records.close()


def write_reports_from_store(out_dir: str | Path, case: Case | None = None, *, lang: str = "ja",
                             notification_list: bool = False, pdf: bool = True,
                             now: datetime | None = None) -> WrittenReports:
    """Write the reports again from the case store alone (its findings record, its typed facts)."""
    with CaseRecords.open(out_dir) as records:
        findings = records.findings()
        return _write(findings, Path(out_dir), case, records, [], lang=lang, notification_list=notification_list,
                      pdf=pdf, now=now)


def _write(findings: Findings, out: Path, case: Case | None, records: CaseRecords | None, warnings: list[str], *,
           lang: str, notification_list: bool, pdf: bool, now: datetime | None) -> WrittenReports:
    tz = resolve_timezone(case.log_timezone if case else DEFAULT_TIMEZONE)
    findings_json = out / "findings.json"
    sha = hashlib.sha256(findings_json.read_bytes()).hexdigest() if findings_json.is_file() else None
    new_persons = None
    if records is not None and any(f.previously_reported is not None for f in findings.leaked):
        new_persons = records.distinct_persons(f.sha256 for f in findings.leaked
                                               if not f.previously_reported and f.sha256)
    provider, provider_note = _provider(findings, lang)
    view = build_view(findings, _facts(records, findings), tz=tz, lang=lang, new_persons=new_persons,
                      provider=provider, provider_note=provider_note, findings_sha=sha, generated=now)
    html = render_html(view)
    paths = [out / "report.html"]
    paths[0].write_text(html, encoding="utf-8")
    paths.append(write_xlsx(view, out / "report.xlsx", detail_rows(findings, tz, lang, provider),
                            findings.server_files))
    paths.append(write_accesses_csv(detail_rows(findings, tz, lang, provider), out / "accesses.csv", lang))
    if pdf:
        problem = write_pdf(html, out / "report.pdf", out)
        if problem is None:
            paths.append(out / "report.pdf")
        else:
            warnings.append(f"report.pdf skipped: {problem}")
    draft = build_draft(findings, tz, leaked_versions={f.version_id for f in findings.leaked
                                                       if f.version_id is not None})
    paths.extend(write_ppc(draft, findings.case_name, out, view.generated))
    people = None
    if notification_list:
        if records is None:
            warnings.append(f"{NAME} needs the case store")
        else:
            listed = from_store(records, findings.leaked)
            if listed is None:
                warnings.append(f"{NAME}: the contacts were not collected; run `mamori investigate` with "
                                "--notification-list")
            else:
                paths.append(write_notification_list(listed, out / NAME))
                people = len(listed.people)
                warnings.extend(f"{NAME}: {label}: {why}" for label, why in listed.skipped.items())
    return WrittenReports(paths=tuple(paths), warnings=tuple(warnings), ppc_mandatory=draft.mandatory,
                          notification_people=people)
