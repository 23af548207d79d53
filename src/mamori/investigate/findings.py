"""The findings of an investigation: the values, how they are decided, and ``findings.json``.

A server file is *leaked* when its content holds personal data and at least one external access
(neither the owner nor a verified crawler) fetched it; *crawled only* when it holds personal data
and only crawlers fetched it (the owner's own fetches aside). ``unique_persons_leaked`` counts the
distinct people across the leaked files through their identity keys. Ordering is deterministic.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from mamori.investigate.access import ClientAccess
from mamori.investigate.attribution import CRAWLER, EXTERNAL, OWNER
from mamori.investigate.evidence_index import Content
from mamori.investigate.history import Version
from mamori.investigate.matching import Match
from mamori.logs.urls import map_to_url_path


@dataclass(frozen=True)
class ServerFile:
    """One version of one server file, with its evidence and what it holds."""

    server_path: str
    url_path: str | None
    size: int | None
    uploaded_at: str | None
    deleted_at: str | None
    evidence: tuple[str, ...]
    match: str
    pii: bool | None
    persons: int
    logged_path: str = ""
    ended_by: str | None = None
    upload_ip: str = ""
    match_reason: str = ""
    sha256: str | None = None
    categories: tuple[str, ...] = ()
    special_care: bool = False
    status: str | None = None
    candidates: tuple[str, ...] = ()
    external_accesses: int = 0
    crawler_accesses: int = 0
    owner_accesses: int = 0

    def contract(self) -> dict[str, Any]:
        """The DESIGN.md keys first, then the extras reports use."""
        out: dict[str, Any] = {
            "server_path": self.server_path, "url_path": self.url_path, "size": self.size,
            "uploaded_at": self.uploaded_at, "deleted_at": self.deleted_at, "evidence": list(self.evidence),
            "match": self.match, "pii": self.pii, "persons": self.persons,
            "logged_path": self.logged_path, "ended_by": self.ended_by, "upload_ip": self.upload_ip,
            "match_reason": self.match_reason, "sha256": self.sha256, "categories": list(self.categories),
            "special_care": self.special_care, "status": self.status,
            "external_accesses": self.external_accesses, "crawler_accesses": self.crawler_accesses,
            "owner_accesses": self.owner_accesses,
        }
        if self.candidates:
            out["candidates"] = list(self.candidates)
        return out


@dataclass(frozen=True)
class LeakedFile:
    """A server file with personal data that an outsider fetched."""

    server_path: str
    evidence: tuple[str, ...]
    categories: tuple[str, ...]
    persons: int
    special_care: bool
    external_accesses: int
    crawler_accesses: int
    external_ips: tuple[str, ...]
    url_path: str | None = None
    uploaded_at: str | None = None
    sha256: str | None = None
    previously_reported: bool | None = None

    def contract(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "server_path": self.server_path, "evidence": list(self.evidence), "categories": list(self.categories),
            "persons": self.persons, "special_care": self.special_care,
            "external_accesses": self.external_accesses, "crawler_accesses": self.crawler_accesses,
            "external_ips": list(self.external_ips), "url_path": self.url_path, "uploaded_at": self.uploaded_at,
            "sha256": self.sha256,
        }
        if self.previously_reported is not None:
            out["previously_reported"] = self.previously_reported
        return out


@dataclass(frozen=True)
class RunInfo:
    """What this run did (not part of findings.json): imports, stages recomputed, work done."""

    imported: tuple[str, ...] = ()
    stages_run: tuple[str, ...] = ()
    inspected: int = 0
    hashed_bytes: int = 0
    problems: tuple[str, ...] = ()
    timings: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Findings:
    """Everything ``findings.json`` says, plus the per-client access detail and the run's record."""

    case_name: str
    server_files: tuple[ServerFile, ...]
    leaked: tuple[LeakedFile, ...]
    crawled_only: tuple[str, ...]
    owner_ips: tuple[str, ...]
    access_totals: Mapping[str, int]
    unique_persons_leaked: int
    accesses: tuple[ClientAccess, ...] = ()
    needs_review: tuple[Mapping[str, Any], ...] = ()
    crawler_ranges_as_of: str = ""
    run: RunInfo = field(default_factory=RunInfo, compare=False)
    log_problems: tuple[str, ...] = ()  # log files that could not be read ("file: why"); the rest were

    def contract(self) -> dict[str, Any]:
        """The JSON object of ``findings.json``."""
        return {
            "case": self.case_name,
            "server_files": [f.contract() for f in self.server_files],
            "leaked": [f.contract() for f in self.leaked],
            "crawled_only": list(self.crawled_only),
            "owner_ips": list(self.owner_ips),
            "access_totals": dict(self.access_totals),
            "unique_persons_leaked": self.unique_persons_leaked,
            "needs_review": [dict(r) for r in self.needs_review],
            "crawler_ranges_as_of": self.crawler_ranges_as_of,
            "log_problems": list(self.log_problems),
        }

    def write(self, path: Path) -> None:
        """Write ``findings.json`` atomically (a crash never leaves half a file)."""
        temp = path.with_name(path.name + ".tmp")
        temp.write_text(json.dumps(self.contract(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        os.replace(temp, path)


def iso(value: datetime | None, tz: tzinfo) -> str | None:
    """ISO 8601 in the case's time zone, or None."""
    return value.astimezone(tz).isoformat() if value is not None else None


def assemble(case_name: str, versions: Sequence[Version], matches: Mapping[int, Match], real_paths: Mapping[int, str],
             contents: Mapping[str, Content], accesses: Sequence[ClientAccess], owner_ips: Sequence[str],
             unique_persons: Any, tz: tzinfo, web_root: str, url_prefix: str = "/",
             previous: set[str] | None = None, crawler_as_of: str = "") -> Findings:
    """Decide leaked / crawled-only and build the Findings (``unique_persons`` counts keys of given shas)."""
    per_version: dict[int, dict[str, int]] = {}
    ext_ips: dict[int, set[str]] = {}
    totals = {EXTERNAL: 0, CRAWLER: 0, OWNER: 0}
    for a in accesses:
        counts = per_version.setdefault(a.version_id, {EXTERNAL: 0, CRAWLER: 0, OWNER: 0})
        counts[a.kind] += a.count
        totals[a.kind] += a.count
        if a.kind == EXTERNAL:
            ext_ips.setdefault(a.version_id, set()).add(a.ip)
    files: list[tuple[tuple[Any, ...], ServerFile]] = []
    leaked: list[LeakedFile] = []
    crawled: list[str] = []
    review: list[dict[str, Any]] = []
    for v in versions:
        m = matches[v.id]
        path = real_paths.get(v.id, v.path)
        content = contents.get(m.sha256) if m.sha256 else None
        pii = content.pii if content else None
        counts = per_version.get(v.id, {EXTERNAL: 0, CRAWLER: 0, OWNER: 0})
        url = map_to_url_path(path, web_root, url_prefix)
        sf = ServerFile(
            path, url, v.size, iso(v.uploaded_at, tz), iso(v.ended_at, tz), m.evidence, m.match, pii,
            content.persons if content and pii is not None else 0, v.logged_path, v.ended_by, v.upload_ip,
            m.reason, m.sha256, content.categories if content else (), bool(content and content.special_care),
            content.status if content else None, m.candidates, counts[EXTERNAL], counts[CRAWLER], counts[OWNER])
        files.append(((path, sf.uploaded_at or "", v.id), sf))
        if pii and content is not None and counts[EXTERNAL] > 0:
            leaked.append(LeakedFile(path, m.evidence, content.categories, content.persons, content.special_care,
                                     counts[EXTERNAL], counts[CRAWLER], tuple(sorted(ext_ips.get(v.id, ()))), url,
                                     sf.uploaded_at, m.sha256,
                                     None if previous is None else (path in previous or (m.sha256 or "") in previous)))
        elif pii and counts[CRAWLER] > 0:
            crawled.append(path)
        if pii is None and (counts[EXTERNAL] or counts[CRAWLER]):
            review.append({"server_path": path, "uploaded_at": sf.uploaded_at, "match": m.match,
                           "reason": m.reason if m.match != "exact" else f"content not inspected ({sf.status})",
                           "external_accesses": counts[EXTERNAL], "crawler_accesses": counts[CRAWLER]})
    leaked.sort(key=lambda f: (f.server_path, f.uploaded_at or ""))
    shas = {f.sha256 for f in leaked if f.sha256}
    return Findings(
        case_name, tuple(sf for _, sf in sorted(files, key=lambda t: t[0])), tuple(leaked),
        tuple(sorted(set(crawled))), tuple(sorted(owner_ips)), totals, int(unique_persons(shas)),
        tuple(accesses), tuple(sorted(review, key=lambda r: (r["server_path"], r["uploaded_at"] or ""))),
        crawler_as_of)
