"""Findings (+ what the case store adds) → the one view every investigation report renders.

HTML, XLSX and PDF show the same numbers because they are all drawn from this ``CaseView``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from mamori.investigate.access import ClientAccess
from mamori.investigate.findings import Findings, ServerFile
from mamori.report.case_store import StoreFacts
from mamori.report.case_table import LeakRow, group_spans, leak_rows
from mamori.report.case_words import categories_text, number, w
from mamori.report.timeline import Lane, Mark, timeline_svg

Provider = Callable[[str], str | None]


@dataclass(frozen=True)
class AccessRow:
    """Counted accesses of one address to one file."""

    ip: str
    kind: str  # external | crawler | owner
    kind_label: str
    crawler: str
    provider: str
    count: int
    first: str
    last: str


@dataclass(frozen=True)
class FileView:
    """One server file version with its accesses."""

    server_path: str
    url_path: str
    uploaded_at: str
    deleted_at: str
    size: int | None
    match: str
    evidence: str
    pii: str
    persons: int
    categories: str
    special_care: bool
    leaked: bool
    accesses: tuple[AccessRow, ...]


@dataclass(frozen=True)
class ChainRow:
    """One file the findings rest on, with its SHA-256."""

    kind: str
    path: str
    size: int | None
    sha256: str
    note: str


@dataclass(frozen=True)
class CaseView:
    """Everything the report documents show."""

    lang: str
    case_name: str
    generated: str
    summary_text: str
    summary: tuple[tuple[str, str], ...]
    rows: tuple[LeakRow, ...]
    spans: tuple[int, ...]
    subtitle: str
    total_lines: tuple[str, ...]
    unique_total: int
    files: tuple[FileView, ...]
    crawled_only: tuple[str, ...]
    review: tuple[tuple[str, str], ...]
    chain: tuple[ChainRow, ...]
    problems: tuple[str, ...]
    svg: str


def _when(value: str | None) -> str:
    return (value or "")[:19].replace("T", " ")


def _from_us(us: int, tz: tzinfo) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, UTC).astimezone(tz)


def _crawler(a: ClientAccess, lang: str) -> str:
    if not a.crawler:
        return a.note
    state = w("verified" if a.verified else "unverified", lang)
    return f"{a.crawler}（{state}）" if lang == "ja" else f"{a.crawler} ({state})"


def _access_row(a: ClientAccess, tz: tzinfo, lang: str, provider: Provider | None) -> AccessRow:
    name = (provider(a.ip) if provider and a.kind != "owner" else None) or ""
    return AccessRow(a.ip, a.kind, w(f"k.{a.kind}", lang), _crawler(a, lang), name, a.count,
                     _from_us(a.first_us, tz).strftime("%Y-%m-%d %H:%M:%S"),
                     _from_us(a.last_us, tz).strftime("%Y-%m-%d %H:%M:%S"))


def _pii(f: ServerFile, lang: str) -> str:
    return w("unknown" if f.pii is None else ("yes" if f.pii else "no"), lang)


def _files(findings: Findings, facts: StoreFacts, tz: tzinfo, lang: str,
           provider: Provider | None) -> tuple[list[FileView], list[Lane]]:
    by_version: dict[int, list[ClientAccess]] = {}
    for a in findings.accesses:
        by_version.setdefault(a.version_id, []).append(a)
    leaked = {(f.server_path, f.uploaded_at) for f in findings.leaked}
    views: list[FileView] = []
    lanes: list[tuple[tuple[int, str], Lane]] = []
    for i, f in enumerate(findings.server_files):
        vid = (facts.version_of or {}).get(i)
        accesses = by_version.get(vid, []) if vid is not None else []
        is_leaked = (f.server_path, f.uploaded_at) in leaked
        views.append(FileView(
            f.server_path, f.url_path or "", _when(f.uploaded_at), _when(f.deleted_at), f.size, w(f"m.{f.match}", lang),
            "\n".join(f.evidence), _pii(f, lang), f.persons, categories_text(f.categories, lang), f.special_care,
            is_leaked, tuple(_access_row(a, tz, lang, provider) for a in accesses)))
        if f.pii or accesses:
            marks = tuple(Mark(a.kind, _from_us(a.first_us, tz), _from_us(a.last_us, tz), a.count,
                               f"{a.ip} {a.crawler}".strip()) for a in accesses)
            label = posixpath.basename(f.server_path) + (f" ({_when(f.uploaded_at)[5:16]})" if f.uploaded_at else "")
            start = datetime.fromisoformat(f.uploaded_at) if f.uploaded_at else None
            end = datetime.fromisoformat(f.deleted_at) if f.deleted_at else None
            lanes.append(((0 if is_leaked else 1 if f.pii else 2, f.uploaded_at or ""), Lane(label, start, end, marks)))
    return views, [lane for _, lane in sorted(lanes, key=lambda t: t[0])]


def _summary(findings: Findings, lang: str) -> tuple[tuple[str, str], ...]:
    files = findings.server_files
    ext_ips = {ip for f in findings.leaked for ip in f.external_ips}
    totals = findings.access_totals
    rows = [("s.server_files", len(files)), ("s.matched", sum(1 for f in files if f.match == "exact")),
            ("s.pii", sum(1 for f in files if f.pii)), ("s.leaked", len(findings.leaked)),
            ("s.crawled_only", len(findings.crawled_only)), ("s.persons", findings.unique_persons_leaked),
            ("s.external", totals.get("external", 0)), ("s.crawler", totals.get("crawler", 0)),
            ("s.owner", totals.get("owner", 0)), ("s.external_ips", len(ext_ips))]
    out = [(w(k, lang), number(v)) for k, v in rows]
    out.append((w("s.owner_ips", lang), ", ".join(findings.owner_ips)))
    if findings.needs_review:
        out.append((w("s.needs_review", lang), number(len(findings.needs_review))))
    return tuple(out)


def _chain(findings: Findings, facts: StoreFacts, findings_sha: str | None, lang: str) -> list[ChainRow]:
    rows = [ChainRow(w("ch.evidence", lang), e.label, e.size, e.sha256 or "", "") for e in facts.evidence]
    for log in facts.logs:
        note = w("ch.lines", lang, lines=number(log.lines), events=number(log.events), bad=number(log.bad))
        rows.append(ChainRow(w("ch.server" if log.kind == "server" else "ch.access", lang), log.path, log.size,
                             log.sha256 or "", f"{log.format}; {note}"))
    if findings_sha:
        rows.append(ChainRow(w("ch.findings", lang), "findings.json", None, findings_sha, ""))
    return rows


def build_view(findings: Findings, facts: StoreFacts, *, tz: tzinfo, lang: str = "ja",
               new_persons: int | None = None, provider: Provider | None = None,
               findings_sha: str | None = None, generated: datetime | None = None) -> CaseView:
    """The report view of *findings*; *new_persons*: distinct people of the newly found files (with --previous)."""
    rows = leak_rows(findings.leaked, lang)
    compared = any(f.previously_reported is not None for f in findings.leaked)
    new = [f for f in findings.leaked if not f.previously_reported]
    total = findings.unique_persons_leaked
    lines: tuple[str, ...]
    if compared:
        lines = (w("total.new", lang, files=len(new), persons=number(new_persons) if new_persons is not None else "?"),
                 w("total.all", lang, files=len(findings.leaked), persons=number(total)))
    else:
        lines = (w("total.only", lang, files=len(findings.leaked), persons=number(total)),)
    files, lanes = _files(findings, facts, tz, lang, provider)
    pii = sum(1 for f in findings.server_files if f.pii)
    review: Sequence[tuple[str, str]] = [(str(r.get("server_path", "")), str(r.get("reason", "")))
                                         for r in findings.needs_review]
    return CaseView(
        lang, findings.case_name, (generated or datetime.now(tz)).strftime("%Y-%m-%d %H:%M"),
        w("what.text", lang, files=number(len(findings.server_files)), pii=number(pii),
          leaked=number(len(findings.leaked)), persons=number(total)),
        _summary(findings, lang), tuple(rows), tuple(group_spans(rows)),
        w("att1.sub", lang, n=len(rows), new=len(new)), lines, total, tuple(files), findings.crawled_only,
        tuple(review), tuple(_chain(findings, facts, findings_sha, lang)), findings.run.problems,
        timeline_svg(lanes, tz, lang))
