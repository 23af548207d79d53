"""The findings of an investigation: the values, how they are decided, and ``findings.json``.

A server file is *leaked* when its content holds personal data and at least one external access
(neither the owner nor a verified crawler) fetched it; *crawled only* when it holds personal data
and only crawlers fetched it (the owner's own fetches aside). ``unique_persons_leaked`` counts the
distinct people across the leaked files through their identity keys. Ordering is deterministic.

``access_totals`` counts the accesses to the files that hold personal data (the seed's 55 = 29 crawler +
26 external to the 184 such files); ``all_requests`` counts the same kinds over every server file, whatever
it holds, and every request line the access logs gave (see docs/findings.md).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from mamori.investigate.access import ClientAccess, HourCount
from mamori.investigate.attribution import CRAWLER, EXTERNAL, OWNER
from mamori.investigate.evidence_index import Content
from mamori.investigate.history import Version
from mamori.investigate.matching import Match
from mamori.logs.urls import map_to_url_path

KINDS = (EXTERNAL, CRAWLER, OWNER)


@dataclass(frozen=True, kw_only=True)
class ServerFile:
    """One version of one server file, with its evidence and what it holds."""

    version_id: int
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
            "match": self.match, "pii": self.pii, "persons": self.persons, "version_id": self.version_id,
            "logged_path": self.logged_path, "ended_by": self.ended_by, "upload_ip": self.upload_ip,
            "match_reason": self.match_reason, "sha256": self.sha256, "categories": list(self.categories),
            "special_care": self.special_care, "status": self.status,
            "external_accesses": self.external_accesses, "crawler_accesses": self.crawler_accesses,
            "owner_accesses": self.owner_accesses,
        }
        if self.candidates:
            out["candidates"] = list(self.candidates)
        return out


@dataclass(frozen=True, kw_only=True)
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
    version_id: int | None = None
    external_providers: tuple[str, ...] = ()  # the network of each of external_ips ("" when not known)

    def contract(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "server_path": self.server_path, "evidence": list(self.evidence), "categories": list(self.categories),
            "persons": self.persons, "special_care": self.special_care,
            "external_accesses": self.external_accesses, "crawler_accesses": self.crawler_accesses,
            "external_ips": list(self.external_ips), "url_path": self.url_path, "uploaded_at": self.uploaded_at,
            "sha256": self.sha256, "version_id": self.version_id,
            "external_providers": list(self.external_providers),
        }
        if self.previously_reported is not None:
            out["previously_reported"] = self.previously_reported
        return out


@dataclass(frozen=True, kw_only=True)
class ReviewFile:
    """A file a person must look at: fetched from outside or by a crawler, but its content is not known."""

    server_path: str
    uploaded_at: str | None
    match: str
    reason: str
    external_accesses: int
    crawler_accesses: int
    version_id: int | None = None

    def contract(self) -> dict[str, Any]:
        return {"server_path": self.server_path, "uploaded_at": self.uploaded_at, "match": self.match,
                "reason": self.reason, "external_accesses": self.external_accesses,
                "crawler_accesses": self.crawler_accesses, "version_id": self.version_id}


@dataclass(frozen=True, kw_only=True)
class ProviderInfo:
    """The data set that named the networks (empty source: none installed) and the names it gave."""

    source: str = ""
    as_of: str = ""
    names: Mapping[str, str] = field(default_factory=dict)  # address → "AS2516 KDDI CORPORATION"

    def contract(self) -> dict[str, Any] | None:
        return {"source": self.source, "as_of": self.as_of} if self.source else None


@dataclass(frozen=True, kw_only=True)
class RunInfo:
    """What this run did (not part of findings.json): imports, stages recomputed, work done."""

    imported: tuple[str, ...] = ()
    stages_run: tuple[str, ...] = ()
    inspected: int = 0
    hashed_bytes: int = 0
    problems: tuple[str, ...] = ()
    bad_lines: int = 0
    timings: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Findings:
    """Everything ``findings.json`` says, plus the per-client access detail and the run's record."""

    case_name: str
    server_files: tuple[ServerFile, ...]
    leaked: tuple[LeakedFile, ...]
    crawled_only: tuple[str, ...]
    owner_ips: tuple[str, ...]
    access_totals: Mapping[str, int]
    unique_persons_leaked: int
    all_requests: Mapping[str, int] = field(default_factory=dict)
    # kept in the store's own tables (CaseRecords.attributed), not inside the findings record
    accesses: tuple[ClientAccess, ...] = field(default=(), metadata={"record": False})
    hourly: tuple[HourCount, ...] = field(default=(), metadata={"record": False})
    needs_review: tuple[ReviewFile, ...] = ()
    crawler_ranges_as_of: str = ""
    providers: ProviderInfo = field(default_factory=ProviderInfo)
    run: RunInfo = field(default_factory=RunInfo, compare=False)
    log_problems: tuple[str, ...] = ()  # log files that could not be read ("file: why"); the rest were

    def summary(self) -> dict[str, int]:
        """The counts a reader checks first, 要確認 (needs_review) among them."""
        files = self.server_files
        return {"server_files": len(files), "matched": sum(1 for f in files if f.match == "exact"),
                "pii_files": sum(1 for f in files if f.pii), "leaked": len(self.leaked),
                "crawled_only": len(self.crawled_only), "needs_review": len(self.needs_review),
                "unique_persons_leaked": self.unique_persons_leaked}

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
            "all_requests": dict(self.all_requests),
            "summary": self.summary(),
            "needs_review": [r.contract() for r in self.needs_review],
            "crawler_ranges_as_of": self.crawler_ranges_as_of,
            "providers": self.providers.contract(),
            "log_problems": list(self.log_problems),
        }

    def write(self, path: Path) -> None:
        """Write ``findings.json`` atomically (a crash never leaves half a file)."""
        temp = path.with_name(path.name + ".tmp")
        temp.write_text(json.dumps(self.contract(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        os.replace(temp, path)


@dataclass(frozen=True, kw_only=True)
class CaseResults:
    """What ``assemble`` decides from: the stages' results and how to present times and paths."""

    case_name: str
    versions: Sequence[Version]
    matches: Mapping[int, Match]
    real_paths: Mapping[int, str]
    contents: Mapping[str, Content]
    accesses: Sequence[ClientAccess]
    owner_ips: Sequence[str]
    hourly: Sequence[HourCount] = ()
    unique_persons: Callable[[Iterable[str]], int]  # distinct people across the contents of the given shas
    tz: tzinfo
    web_root: str
    url_prefix: str = "/"
    previous: set[str] | None = None
    crawler_as_of: str = ""
    log_requests: int = 0  # every request line the access logs gave
    providers: ProviderInfo = field(default_factory=ProviderInfo)


def iso(value: datetime | None, tz: tzinfo) -> str | None:
    """ISO 8601 in the case's time zone, or None."""
    return value.astimezone(tz).isoformat() if value is not None else None


def _zero() -> dict[str, int]:
    return dict.fromkeys(KINDS, 0)


def assemble(r: CaseResults) -> Findings:
    """Decide leaked / crawled-only / needs review and build the Findings."""
    per_version: dict[int, dict[str, int]] = {}
    ext_ips: dict[int, set[str]] = {}
    for a in r.accesses:
        per_version.setdefault(a.version_id, _zero())[a.kind] += a.count
        if a.kind == EXTERNAL:
            ext_ips.setdefault(a.version_id, set()).add(a.ip)
    totals, every = _zero(), _zero()
    files: list[tuple[tuple[Any, ...], ServerFile]] = []
    leaked: list[LeakedFile] = []
    crawled: list[str] = []
    review: list[ReviewFile] = []
    for v in r.versions:
        m = r.matches[v.id]
        path = r.real_paths.get(v.id, v.path)
        content = r.contents.get(m.sha256) if m.sha256 else None
        pii = content.pii if content else None
        counts = per_version.get(v.id, _zero())
        for kind in KINDS:
            every[kind] += counts[kind]
            if pii:
                totals[kind] += counts[kind]
        sf = ServerFile(
            version_id=v.id, server_path=path, url_path=map_to_url_path(path, r.web_root, r.url_prefix),
            size=v.size, uploaded_at=iso(v.uploaded_at, r.tz), deleted_at=iso(v.ended_at, r.tz),
            evidence=m.evidence, match=m.match, pii=pii,
            persons=content.persons if content and pii is not None else 0, logged_path=v.logged_path,
            ended_by=v.ended_by, upload_ip=v.upload_ip, match_reason=m.reason, sha256=m.sha256,
            categories=content.categories if content else (), special_care=bool(content and content.special_care),
            status=content.status if content else None, candidates=m.candidates,
            external_accesses=counts[EXTERNAL], crawler_accesses=counts[CRAWLER], owner_accesses=counts[OWNER])
        files.append(((path, sf.uploaded_at or "", v.id), sf))
        if pii and content is not None and counts[EXTERNAL] > 0:
            leaked.append(LeakedFile(
                server_path=path, evidence=m.evidence, categories=content.categories, persons=content.persons,
                special_care=content.special_care, external_accesses=counts[EXTERNAL],
                crawler_accesses=counts[CRAWLER], external_ips=tuple(sorted(ext_ips.get(v.id, ()))),
                external_providers=tuple(r.providers.names.get(ip, "") for ip in sorted(ext_ips.get(v.id, ()))),
                url_path=sf.url_path, uploaded_at=sf.uploaded_at, sha256=m.sha256, version_id=v.id,
                previously_reported=None if r.previous is None else (
                    path in r.previous or (m.sha256 or "") in r.previous)))
        elif pii and counts[CRAWLER] > 0:
            crawled.append(path)
        if pii is None and (counts[EXTERNAL] or counts[CRAWLER]):
            review.append(ReviewFile(
                server_path=path, uploaded_at=sf.uploaded_at, match=m.match,
                reason=m.reason if m.match != "exact" else f"content not inspected ({sf.status})",
                external_accesses=counts[EXTERNAL], crawler_accesses=counts[CRAWLER], version_id=v.id))
    leaked.sort(key=lambda f: (f.server_path, f.uploaded_at or ""))
    shas = {f.sha256 for f in leaked if f.sha256}
    return Findings(
        case_name=r.case_name, server_files=tuple(sf for _, sf in sorted(files, key=lambda t: t[0])),
        leaked=tuple(leaked), crawled_only=tuple(sorted(set(crawled))), owner_ips=tuple(sorted(r.owner_ips)),
        access_totals=totals, unique_persons_leaked=int(r.unique_persons(shas)),
        all_requests={**every, "requests": r.log_requests}, accesses=tuple(r.accesses),
        hourly=tuple(r.hourly),
        needs_review=tuple(sorted(review, key=lambda x: (x.server_path, x.uploaded_at or ""))),
        crawler_ranges_as_of=r.crawler_as_of, providers=r.providers)
