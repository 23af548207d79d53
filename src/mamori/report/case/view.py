"""Findings (+ what the case store adds) → the one view the human reports render, bounded in size.

HTML, XLSX and PDF show the same numbers because they are all drawn from this ``CaseView``. Whatever the
size of the logs, the view stays small: full detail (one row per address) only for outside accesses to
files with personal data; everything else as aggregates per class, per file (the busiest first, a fixed
number) and per day (per month when the days are many). The complete per-address detail goes to the
XLSX's detail sheet and ``accesses.csv`` (``detail_rows``) and stays in the store.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache

from mamori.investigate.access import ClientAccess
from mamori.investigate.attribution import CRAWLER, EXTERNAL, OWNER
from mamori.investigate.case_records import EvidenceHash, LogFile
from mamori.investigate.findings import Findings, ServerFile
from mamori.report.case.table import LeakRow, group_spans, leak_rows
from mamori.report.case.text import categories_text, number, w
from mamori.report.case.timeline import Lane, Mark, timeline_svg

Provider = Callable[[str], str | None]
KINDS = (EXTERNAL, CRAWLER, OWNER)
#: Files without personal data shown one per row (the busiest); the rest are one line and the XLSX.
OTHER_FILES_SHOWN = 30
#: Days shown one per row; beyond this the table is per month.
DAYS_SHOWN = 62
#: Marks per lane and kind on the chart (accesses fall in this many time buckets).
BUCKETS = 16


@dataclass(frozen=True, kw_only=True)
class StoreFacts:
    """What the case store adds beside the findings: the logs read and the evidence files' hashes."""

    logs: tuple[LogFile, ...] = ()
    evidence: tuple[EvidenceHash, ...] = ()


@dataclass(frozen=True, kw_only=True)
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


@dataclass(frozen=True, kw_only=True)
class KindTotal:
    """The accesses of one kind to one file, summed: requests, addresses, first and last."""

    kind: str
    kind_label: str
    count: int
    addresses: int
    first: str
    last: str


@dataclass(frozen=True, kw_only=True)
class FileView:
    """One server file version with its accesses: outside ones per address, the others summed."""

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
    external: int
    crawler: int
    owner: int
    accesses: tuple[AccessRow, ...]  # outside accesses in full (files with personal data only)
    totals: tuple[KindTotal, ...]  # per kind, every kind


@dataclass(frozen=True, kw_only=True)
class CountRow:
    """One aggregate line: a label and the requests per kind."""

    label: str
    external: int
    crawler: int
    owner: int


@dataclass(frozen=True, kw_only=True)
class ChainRow:
    """One file the findings rest on, with its SHA-256."""

    kind: str
    path: str
    size: int | None
    sha256: str
    note: str


@dataclass(frozen=True, kw_only=True)
class CaseView:
    """Everything the report documents show."""

    lang: str
    case_name: str
    generated: str
    summary_text: str
    summary: tuple[tuple[str, str], ...]
    counting: tuple[str, ...]  # what each access number counts
    rows: tuple[LeakRow, ...]
    spans: tuple[int, ...]
    subtitle: str
    total_lines: tuple[str, ...]
    unique_total: int
    files: tuple[FileView, ...]  # files with personal data or that need review: in full
    other_files: tuple[CountRow, ...]  # the busiest other files
    other_more: str  # "… and N more files (M requests): see report.xlsx", or ""
    by_class: tuple[CountRow, ...]
    by_day: tuple[CountRow, ...]
    by_day_unit: str
    crawled_only: tuple[str, ...]
    review: tuple[tuple[str, str], ...]
    chain: tuple[ChainRow, ...]
    problems: tuple[str, ...]
    svg: str
    provider_note: str


def _when(value: str | None) -> str:
    return (value or "")[:19].replace("T", " ")


def _from_us(us: int, tz: tzinfo) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, UTC).astimezone(tz)


def _stamp(us: int, tz: tzinfo) -> str:
    return datetime.fromtimestamp(us / 1_000_000, tz).strftime("%Y-%m-%d %H:%M:%S")


def _crawler(a: ClientAccess, lang: str) -> str:
    if not a.crawler:
        return a.note
    state = w("verified" if a.verified else "unverified", lang)
    return f"{a.crawler}（{state}）" if lang == "ja" else f"{a.crawler} ({state})"


def access_row(a: ClientAccess, tz: tzinfo, lang: str, provider: Provider | None) -> AccessRow:
    """One per-address row (the reports' detail, and the XLSX/CSV's)."""
    name = (provider(a.ip) if provider and a.kind != OWNER else None) or ""
    return AccessRow(ip=a.ip, kind=a.kind, kind_label=_label(a.kind, lang), crawler=_crawler(a, lang),
                     provider=name, count=a.count, first=_stamp(a.first_us, tz), last=_stamp(a.last_us, tz))


@lru_cache(maxsize=64)
def _label(kind: str, lang: str) -> str:
    return w(f"k.{kind}", lang)


def detail_rows(findings: Findings, tz: tzinfo, lang: str,
                provider: Provider | None) -> Iterator[tuple[ServerFile, AccessRow]]:
    """Every per-address access row, files with personal data first (a generator: the XLSX and CSV stream it)."""
    by_version: dict[int, list[ClientAccess]] = defaultdict(list)
    for a in findings.accesses:
        by_version[a.version_id].append(a)
    for f in sorted(findings.server_files, key=lambda f: not f.pii):
        for a in by_version.get(f.version_id, ()):
            yield f, access_row(a, tz, lang, provider)


def _pii(f: ServerFile, lang: str) -> str:
    return w("unknown" if f.pii is None else ("yes" if f.pii else "no"), lang)


def _totals(accesses: Sequence[ClientAccess], tz: tzinfo, lang: str) -> tuple[KindTotal, ...]:
    out = []
    for kind in KINDS:
        mine = [a for a in accesses if a.kind == kind]
        if mine:
            out.append(KindTotal(kind=kind, kind_label=w(f"k.{kind}", lang), count=sum(a.count for a in mine),
                                 addresses=len({a.ip for a in mine}), first=_stamp(min(a.first_us for a in mine), tz),
                                 last=_stamp(max(a.last_us for a in mine), tz)))
    return tuple(out)


def _marks(accesses: Sequence[ClientAccess], tz: tzinfo, lang: str, low: int, high: int) -> tuple[Mark, ...]:
    """At most BUCKETS marks per kind: accesses summed by the time bucket of their first request."""
    span = max(high - low, 1)
    buckets: dict[tuple[str, int], list[ClientAccess]] = defaultdict(list)
    for a in accesses:
        buckets[(a.kind, min(BUCKETS - 1, (a.first_us - low) * BUCKETS // span))].append(a)
    out = []
    for (kind, _), group in sorted(buckets.items()):
        ips = {a.ip for a in group}
        who = next(iter(ips)) if len(ips) == 1 else w("addresses", lang, n=number(len(ips)))
        out.append(Mark(kind, _from_us(min(a.first_us for a in group), tz), _from_us(max(a.last_us for a in group), tz),
                        sum(a.count for a in group), who))
    return tuple(out)


def _file_view(f: ServerFile, accesses: Sequence[ClientAccess], leaked: bool, tz: tzinfo, lang: str,
               provider: Provider | None) -> FileView:
    outside = [a for a in accesses if a.kind == EXTERNAL] if f.pii else []
    return FileView(
        server_path=f.server_path, url_path=f.url_path or "", uploaded_at=_when(f.uploaded_at),
        deleted_at=_when(f.deleted_at), size=f.size, match=w(f"m.{f.match}", lang), evidence="\n".join(f.evidence),
        pii=_pii(f, lang), persons=f.persons, categories=categories_text(f.categories, lang),
        special_care=f.special_care, leaked=leaked, external=f.external_accesses, crawler=f.crawler_accesses,
        owner=f.owner_accesses, accesses=tuple(access_row(a, tz, lang, provider) for a in outside),
        totals=_totals(accesses, tz, lang))


def _files(findings: Findings, tz: tzinfo, lang: str, provider: Provider | None
           ) -> tuple[list[FileView], list[CountRow], str, list[Lane]]:
    by_version: dict[int, list[ClientAccess]] = defaultdict(list)
    for a in findings.accesses:
        by_version[a.version_id].append(a)
    leaked = {f.version_id for f in findings.leaked}
    review = {r.version_id for r in findings.needs_review}
    times = [t for a in findings.accesses for t in (a.first_us, a.last_us)]
    low, high = (min(times), max(times)) if times else (0, 1)
    shown: list[FileView] = []
    others: list[ServerFile] = []
    lanes: list[tuple[tuple[int, str], Lane]] = []
    for f in findings.server_files:
        accesses = by_version.get(f.version_id, [])
        if f.pii or f.version_id in review:
            shown.append(_file_view(f, accesses, f.version_id in leaked, tz, lang, provider))
        else:
            others.append(f)
        if f.pii or accesses:
            label = posixpath.basename(f.server_path) + (f" ({_when(f.uploaded_at)[5:16]})" if f.uploaded_at else "")
            start = datetime.fromisoformat(f.uploaded_at) if f.uploaded_at else None
            end = datetime.fromisoformat(f.deleted_at) if f.deleted_at else None
            rank = 0 if f.version_id in leaked else 1 if f.pii else 2
            lanes.append(((rank, f.uploaded_at or ""), Lane(label, start, end, _marks(accesses, tz, lang, low, high))))
    others.sort(key=lambda f: (-(f.external_accesses + f.crawler_accesses + f.owner_accesses), f.server_path))
    rows = [CountRow(label=f.server_path, external=f.external_accesses, crawler=f.crawler_accesses,
                     owner=f.owner_accesses) for f in others[:OTHER_FILES_SHOWN]]
    rest = others[OTHER_FILES_SHOWN:]
    more = w("other.more", lang, n=number(len(rest)), requests=number(
        sum(f.external_accesses + f.crawler_accesses + f.owner_accesses for f in rest))) if rest else ""
    return shown, rows, more, [lane for _, lane in sorted(lanes, key=lambda t: t[0])]


def _by_class(findings: Findings, lang: str) -> tuple[CountRow, ...]:
    pii = {f.version_id for f in findings.server_files if f.pii}
    counts: dict[str, dict[str, int]] = {"pii": dict.fromkeys(KINDS, 0), "other": dict.fromkeys(KINDS, 0)}
    for a in findings.accesses:
        counts["pii" if a.version_id in pii else "other"][a.kind] += a.count
    return tuple(CountRow(label=w(f"class.{key}", lang), external=c[EXTERNAL], crawler=c[CRAWLER], owner=c[OWNER])
                 for key, c in counts.items())


def _by_day(findings: Findings, tz: tzinfo, lang: str) -> tuple[tuple[CountRow, ...], str]:
    days: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KINDS, 0))
    for h in findings.hourly:
        days[_from_us(h.hour_us, tz).date()][h.kind] += h.count
    if len(days) <= DAYS_SHOWN:
        return tuple(CountRow(label=d.isoformat(), external=c[EXTERNAL], crawler=c[CRAWLER], owner=c[OWNER])
                     for d, c in sorted(days.items())), w("unit.day", lang)
    months: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KINDS, 0))
    for d, c in days.items():
        for kind in KINDS:
            months[d.strftime("%Y-%m")][kind] += c[kind]
    return tuple(CountRow(label=m, external=c[EXTERNAL], crawler=c[CRAWLER], owner=c[OWNER])
                 for m, c in sorted(months.items())), w("unit.month", lang)


def _summary(findings: Findings, lang: str) -> tuple[tuple[str, str], ...]:
    ext_ips = {ip for f in findings.leaked for ip in f.external_ips}
    totals, every = findings.access_totals, findings.all_requests
    s = findings.summary()
    rows = [("s.server_files", s["server_files"]), ("s.matched", s["matched"]), ("s.pii", s["pii_files"]),
            ("s.leaked", s["leaked"]), ("s.crawled_only", s["crawled_only"]), ("s.needs_review", s["needs_review"]),
            ("s.persons", findings.unique_persons_leaked),
            ("s.external", totals.get(EXTERNAL, 0)), ("s.crawler", totals.get(CRAWLER, 0)),
            ("s.owner", totals.get(OWNER, 0)), ("s.external_ips", len(ext_ips))]
    if every:
        rows += [("s.all_external", every.get(EXTERNAL, 0)), ("s.all_crawler", every.get(CRAWLER, 0)),
                 ("s.all_owner", every.get(OWNER, 0)), ("s.requests", every.get("requests", 0))]
    out = [(w(k, lang), number(v)) for k, v in rows]
    out.append((w("s.owner_ips", lang), ", ".join(findings.owner_ips)))
    return tuple(out)


def _chain(facts: StoreFacts, findings_sha: str | None, lang: str) -> list[ChainRow]:
    rows = [ChainRow(kind=w("ch.evidence", lang), path=e.label, size=e.size, sha256=e.sha256 or "", note="")
            for e in facts.evidence]
    for log in facts.logs:
        note = w("ch.lines", lang, lines=number(log.lines), events=number(log.events), bad=number(log.bad))
        rows.append(ChainRow(kind=w("ch.server" if log.kind == "server" else "ch.access", lang), path=log.path,
                             size=log.size, sha256=log.sha256 or "", note=f"{log.format}; {note}"))
    if findings_sha:
        rows.append(ChainRow(kind=w("ch.findings", lang), path="findings.json", size=None, sha256=findings_sha,
                             note=""))
    return rows


def build_view(findings: Findings, facts: StoreFacts, *, tz: tzinfo, lang: str = "ja",
               new_persons: int | None = None, provider: Provider | None = None, provider_note: str = "",
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
    files, others, more, lanes = _files(findings, tz, lang, provider)
    by_day, unit = _by_day(findings, tz, lang)
    pii = sum(1 for f in findings.server_files if f.pii)
    return CaseView(
        lang=lang, case_name=findings.case_name,
        generated=(generated or datetime.now(tz)).strftime("%Y-%m-%d %H:%M"),
        summary_text=w("what.text", lang, files=number(len(findings.server_files)), pii=number(pii),
                       leaked=number(len(findings.leaked)), persons=number(total)),
        summary=_summary(findings, lang), counting=(w("rule", lang), w("rule.totals", lang), w("rule.all", lang)),
        rows=tuple(rows), spans=tuple(group_spans(rows)), subtitle=w("att1.sub", lang, n=len(rows), new=len(new)),
        total_lines=lines, unique_total=total, files=tuple(files), other_files=tuple(others), other_more=more,
        by_class=_by_class(findings, lang), by_day=by_day, by_day_unit=unit, crawled_only=findings.crawled_only,
        review=tuple((r.server_path, r.reason) for r in findings.needs_review),
        chain=tuple(_chain(facts, findings_sha, lang)), problems=findings.run.problems[:50],
        svg=timeline_svg(lanes, tz, lang), provider_note=provider_note)
