"""Write every human report of an investigation beside ``findings.json``.

report.html, report.xlsx, report.pdf (when WeasyPrint is usable), ppc_report.md/.html and, only when
asked, notification_list.csv (0600). A report that cannot be made becomes a warning, not a failure.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mamori.errors import MamoriError
from mamori.investigate.case import Case
from mamori.investigate.findings import Findings
from mamori.logs.driver import DEFAULT_TIMEZONE, resolve_timezone
from mamori.report.case_html import render_html
from mamori.report.case_pdf import write_pdf
from mamori.report.case_store import StoreFacts, distinct_persons, read_facts
from mamori.report.case_view import Provider, build_view
from mamori.report.case_xlsx import write_xlsx
from mamori.report.notification import NAME, collect, write_notification_list
from mamori.report.ppc import build_draft, write_ppc


@dataclass(frozen=True)
class WrittenReports:
    """What was written, what was not (and why), the reporting verdict and the notification count."""

    paths: tuple[Path, ...]
    warnings: tuple[str, ...]
    ppc_mandatory: bool | None
    notification_people: int | None = None

    @property
    def html(self) -> Path:
        return next(p for p in self.paths if p.name == "report.html")


def _provider(case: Case | None, warnings: list[str]) -> Provider | None:
    if case is None or case.asn_database is None:
        return None
    from mamori.investigate.attribution import AsnLookup

    try:
        return AsnLookup(case.asn_database).provider
    except MamoriError as exc:
        warnings.append(f"providers not named: {exc}")
        return None


def _leaked_versions(findings: Findings, facts: StoreFacts) -> set[int] | None:
    if facts.version_of is None:
        return None
    leaked = {(f.server_path, f.uploaded_at) for f in findings.leaked}
    return {vid for i, vid in facts.version_of.items()
            if (findings.server_files[i].server_path, findings.server_files[i].uploaded_at) in leaked}


def write_reports(findings: Findings, out_dir: str | Path, case: Case | None = None, *, lang: str = "ja",
                  notification_list: bool = False, pdf: bool = True, now: datetime | None = None) -> WrittenReports:
    """Write the reports of *findings* into *out_dir* (where the engine wrote findings.json and its store)."""
    out = Path(out_dir)
    tz = resolve_timezone(case.log_timezone if case else DEFAULT_TIMEZONE)
    warnings: list[str] = []
    facts = read_facts(out, findings)
    if facts.version_of is None:
        warnings.append("case store not readable: per-file access detail and evidence hashes are left out")
    findings_json = out / "findings.json"
    sha = hashlib.sha256(findings_json.read_bytes()).hexdigest() if findings_json.is_file() else None
    new_persons = None
    if any(f.previously_reported is not None for f in findings.leaked):
        new_persons = distinct_persons(out, [f.sha256 for f in findings.leaked
                                             if not f.previously_reported and f.sha256])
    view = build_view(findings, facts, tz=tz, lang=lang, new_persons=new_persons,
                      provider=_provider(case, warnings), findings_sha=sha, generated=now)
    html = render_html(view)
    paths = [out / "report.html"]
    paths[0].write_text(html, encoding="utf-8")
    paths.append(write_xlsx(view, out / "report.xlsx"))
    if pdf:
        problem = write_pdf(html, out / "report.pdf", out)
        if problem is None:
            paths.append(out / "report.pdf")
        else:
            warnings.append(f"report.pdf skipped: {problem}")
    draft = build_draft(findings, tz, leaked_versions=_leaked_versions(findings, facts))
    paths.extend(write_ppc(draft, findings.case_name, out, view.generated))
    people = None
    if notification_list:
        if case is None:
            warnings.append(f"{NAME} needs the case file (to find the evidence)")
        else:
            listed = collect(findings.leaked, {e.name: e.path for e in case.evidence})
            paths.append(write_notification_list(listed, out / NAME))
            people = len(listed.people)
            warnings.extend(f"{NAME}: {label}: {why}" for label, why in listed.skipped.items())
    return WrittenReports(tuple(paths), tuple(warnings), draft.mandatory, people)
