"""``investigate(case, out)``: import what is new, redo only the stages whose inputs changed, write findings.

Stages and what they depend on:

- *files*: server file history and its matching to evidence ← server logs, evidence listing;
- *access*: accesses attributed per version ← files, access logs, owner addresses, crawler data;
- inspection of matched contents (cached per sha256, resumable per file) and the findings
  (cheap; always assembled).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mamori.errors import ConfigError
from mamori.extract.ocr import OcrOptions
from mamori.investigate.access import Attributed, attribute_accesses
from mamori.investigate.attribution import OWNER, Attributor, load_crawler_data, load_reverse_dns
from mamori.investigate.case import Case, load_case
from mamori.investigate.case_records import CaseRecords
from mamori.investigate.contacts import collect_contacts
from mamori.investigate.evidence_index import (
    EvidenceFile,
    Hasher,
    inspect_contents,
    listing_fingerprint,
    load_contents,
    load_listing,
    sync_listing,
)
from mamori.investigate.findings import CaseResults, Findings, ProviderInfo, RunInfo, assemble
from mamori.investigate.history import History, ServerEvent, build_history
from mamori.investigate.logimport import import_logs
from mamori.investigate.matching import EvidenceIndex, Match, match_version, recover_real_paths
from mamori.investigate.providers import load_provider_data, names
from mamori.investigate.records import current, decode, payload
from mamori.investigate.store import CaseStore
from mamori.logs.driver import resolve_timezone

FINDINGS_NAME = "findings.json"


def investigate(case_path: str | Path, out_dir: str | Path, *, previous: str | Path | None = None,
                workers: int = 1, log_timezone: str | None = None, contacts: bool = False,
                progress: Callable[[str], None] | None = None) -> Findings:
    """Run (or continue) the investigation of *case_path* in *out_dir*; writes ``out_dir/findings.json``.

    *log_timezone* overrides the case file's zone for log times that carry none. *contacts*: also collect
    the names and addresses of the people in the leaked files into the (owner-only) store, for the
    notification list; off by default because they are raw personal data."""
    case = load_case(case_path, log_timezone)
    out = Path(out_dir)
    note = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    stages: list[str] = []
    with CaseStore(out) as store:
        clock = time.perf_counter()
        server = import_logs(store, "server", case.server_logs, on_file=lambda p: note(f"importing {p}"))
        access = import_logs(store, "access", case.access_logs, on_file=lambda p: note(f"importing {p}"))
        timings["import"] = time.perf_counter() - clock
        clock = time.perf_counter()
        sync_listing(store, case.evidence)
        timings["listing"] = time.perf_counter() - clock
        roots = {e.name: e.path for e in case.evidence}
        hasher = Hasher(store, roots)

        clock = time.perf_counter()
        files_fp = _digest(_sources_fp(store, "server"), listing_fingerprint(store))
        saved = store.stage("files")
        if saved is not None and saved[0] == files_fp and current(saved[1]):
            history, matches = _files_from_json(saved[1])
        else:
            note("matching server files to evidence")
            history, matches = _files_stage(store, hasher)
            store.save_stage("files", files_fp, _files_to_json(history, matches))
            stages.append("files")
        timings["files"] = time.perf_counter() - clock

        clock = time.perf_counter()
        matched = [_evidence_ref(label, m.sha256) for m in matches.values() if m.sha256 for label in m.evidence[:1]]
        inspected = inspect_contents(store, matched, roots, workers=workers, on_item=lambda p: note(f"inspecting {p}"),
                                     ocr=OcrOptions() if case.ocr else None, cluster=case.cluster)
        timings["inspect"] = time.perf_counter() - clock

        clock = time.perf_counter()
        owner_ips = tuple(sorted(set(history.login_ips) | set(case.owner_ips)))
        crawler_data = load_crawler_data(case.crawler_ranges)
        rdns = load_reverse_dns(case.reverse_dns)
        access_fp = _digest(files_fp, _sources_fp(store, "access"), json.dumps(owner_ips), case.web_root,
                            case.url_prefix, json.dumps(crawler_data.as_of), _file_fp(case.crawler_ranges),
                            json.dumps(sorted(rdns.items())))
        saved = store.stage("access")
        records = CaseRecords(store)
        if saved is not None and saved[0] == access_fp and current(saved[1]):
            real_paths = decode(dict[int, str], saved[1]["real_paths"])
            attributed = records.attributed()
        else:
            note("attributing accesses")
            real_paths, attributed = _access_stage(store, case, history, matches, owner_ips, Attributor(
                owner_ips, crawler_data, rdns))
            records.save_attributed(attributed)  # before the stage: a kill between them redoes the stage
            store.save_stage("access", access_fp, payload(real_paths=real_paths))
            stages.append("access")
        timings["access"] = time.perf_counter() - clock

        clock = time.perf_counter()
        contents = load_contents(store, [m.sha256 for m in matches.values() if m.sha256])
        providers = _providers(case, attributed)
        findings = assemble(CaseResults(
            case_name=case.name, versions=history.versions, matches=matches, real_paths=real_paths,
            contents=contents, accesses=attributed.accesses, hourly=attributed.hourly, owner_ips=owner_ips,
            unique_persons=records.distinct_persons,
            tz=resolve_timezone(case.log_timezone), web_root=case.web_root, url_prefix=case.url_prefix,
            previous=_previous(previous), crawler_as_of=crawler_data.as_of, log_requests=records.request_count(),
            providers=providers))
        timings["findings"] = time.perf_counter() - clock
        if contacts:
            clock = time.perf_counter()
            collect_contacts(records, findings.leaked, roots, on_item=lambda p: note(f"contacts {p}"))
            timings["contacts"] = time.perf_counter() - clock
        problems = (*server.problems, *access.problems)
        bad = sum(log.bad for log in records.log_files())
        run = RunInfo(imported=(*server.imported, *access.imported), stages_run=tuple(stages), inspected=inspected,
                      hashed_bytes=hasher.bytes_read, problems=problems, bad_lines=bad, timings=timings)
        findings = replace(findings, run=run, log_problems=(*server.failed, *access.failed))
        records.save_findings(findings)
    findings.write(out / FINDINGS_NAME)
    return findings


def _providers(case: Case, attributed: Attributed) -> ProviderInfo:
    """The network of every address that is not the owner's, from the first offline data set installed."""
    data = load_provider_data(case.asn_database)
    if data is None:
        return ProviderInfo()
    ips = {a.ip for a in attributed.accesses if a.kind != OWNER}
    return ProviderInfo(source=data.source, as_of=data.as_of, names=names(data, sorted(ips)))


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _sources_fp(store: CaseStore, kind: str) -> str:
    # The reading spec too: the same bytes read in another time zone are other events.
    rows = store.con.execute("SELECT content_sha256, spec FROM sources WHERE kind = ? ORDER BY ALL",
                             [kind]).fetchall()
    return ",".join(f"{r[0]}:{hashlib.sha256(str(r[1]).encode()).hexdigest()[:16]}" for r in rows)


def _file_fp(path: Path | None) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path else ""


def _evidence_ref(label: str, sha: str | None) -> EvidenceFile:
    evidence, _, rel = label.partition("/")
    return EvidenceFile(evidence, rel, 0, None, sha)


def _previous(path: str | Path | None) -> set[str] | None:
    if path is None:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return {str(f.get(k)) for f in data["leaked"] for k in ("server_path", "sha256") if f.get(k)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(f"previous findings {path} are not readable: {exc}") from exc


def load_server_events(store: CaseStore) -> list[ServerEvent]:
    """Every imported file operation, as history needs it."""
    rows = store.con.execute(
        "SELECT source_id, line, t_us, action, path, new_path, size, ip, ok, mask FROM file_events").fetchall()
    return [ServerEvent(datetime.fromtimestamp(t / 1_000_000, UTC), action, path or "", new_path, size, ip or "",
                        bool(ok), mask or "", (int(src), int(line)))
            for src, line, t, action, path, new_path, size, ip, ok, mask in rows]


def _files_stage(store: CaseStore, hasher: Hasher) -> tuple[History, dict[int, Match]]:
    events = load_server_events(store)
    index = EvidenceIndex(load_listing(store))
    history = build_history(events)
    matches = {v.id: match_version(v, index, hasher) for v in history.versions}
    names = {v.path_key: posixpath.join(posixpath.dirname(v.path), m.real_name)
             for v in history.versions if (m := matches[v.id]).real_name and v.path_key}
    if names:
        # second pass: uploads under one mask with different real names are different files
        history = build_history(events, names)
        matches = {v.id: match_version(v, index, hasher) for v in history.versions}
    hasher.flush()
    return history, matches


def _access_stage(store: CaseStore, case: Case, history: History, matches: dict[int, Match],
                  owner_ips: tuple[str, ...], attributor: Attributor) -> tuple[dict[int, str], Attributed]:
    from mamori.logs.urls import map_to_server_path

    served = [map_to_server_path(r[0], case.web_root, case.url_prefix) for r in store.con.execute(
        "SELECT DISTINCT path FROM access_events").fetchall()]
    real_paths = recover_real_paths(history.versions, matches, [p for p in served if p])
    accesses = attribute_accesses(store, history.versions, real_paths, attributor, case.web_root, case.url_prefix)
    return real_paths, accesses


def _files_to_json(history: History, matches: dict[int, Match]) -> dict[str, Any]:
    return payload(history=history, matches=tuple(matches.values()))


def _files_from_json(data: dict[str, Any]) -> tuple[History, dict[int, Match]]:
    history = decode(History, data["history"])
    matches = {m.version_id: m for m in decode(tuple[Match, ...], data["matches"])}
    return history, matches
