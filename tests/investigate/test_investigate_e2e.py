"""End to end on a generated 2015-like case: exact truth, incremental re-runs, kill-and-resume, permissions."""

from __future__ import annotations

import gzip
import shutil
import stat
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mamori.investigate import Findings, evidence_index, investigate, logimport
from mamori.investigate.store import STORE_NAME, CaseStore
from mamori.synth.case import OWNER_IP, SUB_MOBILE, SUB_SPOOF, CaseTruth, write_case


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CaseTruth, Findings, dict[str, Any]]:
    root = tmp_path_factory.mktemp("case")
    truth = write_case(root / "case", scale=1500, seed=7, noise_files=40, access_lines=1500)
    findings = investigate(root / "case" / "CASE.toml", root / "out")
    return root / "case", truth, findings, findings.contract()


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst / "CASE.toml"


def test_leaked_set_people_and_counts_are_exact(case: tuple[Path, CaseTruth, Findings, dict[str, Any]]) -> None:
    _, truth, _, out = case
    got = {f"{f['server_path']}@{f['uploaded_at']}": {
        "persons": f["persons"], "external_accesses": f["external_accesses"],
        "crawler_accesses": f["crawler_accesses"], "external_ips": f["external_ips"],
        "special_care": f["special_care"]} for f in out["leaked"]}
    assert got == truth.leaked
    assert out["crawled_only"] == truth.crawled_only
    assert out["owner_ips"] == truth.owner_ips == [OWNER_IP]
    assert out["access_totals"] == truth.access_totals
    assert out["all_requests"] == truth.all_requests
    assert out["all_requests"]["external"] > out["access_totals"]["external"]  # the public list was read by many
    assert out["summary"]["needs_review"] == len(out["needs_review"])
    assert out["unique_persons_leaked"] == truth.unique_persons_leaked


def test_outside_addresses_are_named_by_network(case: tuple[Path, CaseTruth, Findings, dict[str, Any]]) -> None:
    _, _, findings, out = case
    assert out["providers"] and out["providers"]["source"] and out["providers"]["as_of"][:2] == "20"
    for f in out["leaked"]:
        assert len(f["external_providers"]) == len(f["external_ips"])
    mobile = [p for f in out["leaked"] for ip, p in zip(f["external_ips"], f["external_providers"], strict=True)
              if ip == SUB_MOBILE]
    assert mobile and all(mobile)  # a subscriber line of a real carrier's network
    assert OWNER_IP not in findings.providers.names  # the owner's own line is not looked up


def test_every_server_file_version(case: tuple[Path, CaseTruth, Findings, dict[str, Any]]) -> None:
    _, truth, _, out = case
    assert len(out["server_files"]) == len(truth.server_files)
    for f in out["server_files"]:
        want = truth.server_files[f"{f['server_path']}@{f['uploaded_at']}"]
        assert f["match"] == want["match"], f
        assert f["evidence"] == (want["evidence"] if f["match"] == "exact" else []), f
        assert (f["pii"], f["persons"]) == (want["pii"], want["persons"]), f
        assert (f["external_accesses"], f["crawler_accesses"], f["owner_accesses"]) == (
            want["external_accesses"], want["crawler_accesses"], want["owner_accesses"]), f
        assert f["deleted_at"] is not None
    assert list(out) [:7] == ["case", "server_files", "leaked", "crawled_only", "owner_ips", "access_totals",
                              "unique_persons_leaked"]


def test_masked_names_recovered_and_spoofed_googlebot_is_external(
        case: tuple[Path, CaseTruth, Findings, dict[str, Any]]) -> None:
    _, _, findings, out = case
    assert not any("?" in f["server_path"] for f in out["server_files"])
    assert any("?" in f["logged_path"] for f in out["server_files"])
    spoofed = [a for a in findings.accesses if a.ip == SUB_SPOOF]
    assert spoofed and all(a.kind == "external" and a.crawler == "Googlebot" for a in spoofed)
    mj12 = [a for a in findings.accesses if a.crawler == "MJ12bot"]
    assert mj12 and all(a.kind == "crawler" and not a.verified for a in mj12)


def test_404_after_deletion_not_counted(case: tuple[Path, CaseTruth, Findings, dict[str, Any]], tmp_path: Path) -> None:
    case_dir, _, findings, _ = case
    out = tmp_path / "out"
    investigate(_copy(case_dir, tmp_path / "c"), out)
    with CaseStore(out) as store:
        late = store.con.execute("SELECT count(*) FROM access_events WHERE status = 404 AND path LIKE '/kids/%'"
                                 ).fetchone()
    assert late and late[0] > 0
    last = max(a.last_us for a in findings.accesses)
    deleted = max(f.deleted_at or "" for f in findings.server_files)
    assert deleted and last > 0


def test_store_is_owner_only(case: tuple[Path, CaseTruth, Findings, dict[str, Any]], tmp_path: Path) -> None:
    case_dir = case[0]
    out = tmp_path / "out"
    investigate(_copy(case_dir, tmp_path / "c"), out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert stat.S_IMODE((out / STORE_NAME).stat().st_mode) == 0o600


def test_incremental_access_log_arrives_later(case: tuple[Path, CaseTruth, Findings, dict[str, Any]],
                                              tmp_path: Path) -> None:
    case_dir, _, one_shot, _ = case
    toml = _copy(case_dir, tmp_path / "c")
    full = toml.read_text(encoding="utf-8")
    toml.write_text(full.replace('[[access_log]]\nformat = "combined"\npath = "server/access_log*"\n', ""),
                    encoding="utf-8")
    out = tmp_path / "out"
    first = investigate(toml, out)
    assert first.leaked == () and first.run.stages_run == ("files", "access")
    toml.write_text(full, encoding="utf-8")
    second = investigate(toml, out)
    assert second.run.stages_run == ("access",)  # history and matching were not redone
    assert second.contract() == one_shot.contract()
    third = investigate(toml, out)
    assert third.run.stages_run == () and third.run.imported == ()
    # rotation: the plain access_log.1 compressed to access_log.1.gz is the same source, not new data
    plain = toml.parent / "server" / "access_log.1"
    with gzip.open(plain.with_name("access_log.1.gz"), "wb") as stream:
        stream.write(plain.read_bytes())
    plain.unlink()
    fourth = investigate(toml, out)
    assert fourth.run.imported == () and fourth.contract() == one_shot.contract()


def test_another_log_time_zone_reimports_and_shifts_every_time(
        case: tuple[Path, CaseTruth, Findings, dict[str, Any]], tmp_path: Path) -> None:
    case_dir, _, one_shot, _ = case
    toml = _copy(case_dir, tmp_path / "c")
    out = tmp_path / "out"
    first = investigate(toml, out)
    utc = investigate(toml, out, log_timezone="UTC")  # the server's clock turned out to be UTC, not JST
    assert set(utc.run.imported) == set(first.run.imported) and utc.run.stages_run == ("files", "access")
    # vsftpd writes local times without a zone (they move); the access log says +0900 itself (it does not)
    uploads = sorted(datetime.fromisoformat(f.uploaded_at) for f in first.server_files if f.uploaded_at)
    moved = sorted(datetime.fromisoformat(f.uploaded_at) for f in utc.server_files if f.uploaded_at)
    assert [m - u for m, u in zip(moved, uploads, strict=True)] == [timedelta(hours=9)] * len(uploads)
    assert sorted(a.first_us for a in utc.accesses if a.kind == "owner") == sorted(
        a.first_us for a in first.accesses if a.kind == "owner")
    assert investigate(toml, out, log_timezone="UTC").run.imported == ()
    back = investigate(toml, out)
    assert back.run.imported and back.contract() == one_shot.contract()


def test_kill_midway_then_resume(case: tuple[Path, CaseTruth, Findings, dict[str, Any]], tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    case_dir, _, one_shot, _ = case
    toml = _copy(case_dir, tmp_path / "c")
    out = tmp_path / "out"
    monkeypatch.setattr(logimport, "BATCH", 100)
    flushes = {"n": 0}
    real_flush = logimport._AccessWriter.flush

    def dying_flush(self: Any) -> None:
        flushes["n"] += 1
        if flushes["n"] == 7:
            raise KeyboardInterrupt("killed")
        real_flush(self)

    monkeypatch.setattr(logimport._AccessWriter, "flush", dying_flush)
    with pytest.raises(KeyboardInterrupt):
        investigate(toml, out)
    monkeypatch.setattr(logimport._AccessWriter, "flush", real_flush)
    saves = {"n": 0}
    real_save = evidence_index._save

    def dying_save(*args: Any) -> None:
        saves["n"] += 1
        if saves["n"] == 3:
            raise KeyboardInterrupt("killed while inspecting")
        real_save(*args)

    monkeypatch.setattr(evidence_index, "_save", dying_save)
    with pytest.raises(KeyboardInterrupt):
        investigate(toml, out)
    monkeypatch.setattr(evidence_index, "_save", real_save)
    resumed = investigate(toml, out)
    assert resumed.contract() == one_shot.contract()
    with CaseStore(out) as store:
        lines = store.con.execute("SELECT sum(events) FROM sources WHERE kind = 'access'").fetchone()
        rows = store.con.execute("SELECT count(*), count(DISTINCT (source_id, line)) FROM access_events").fetchone()
    assert lines and rows and rows[0] == rows[1] == lines[0]


def test_evidence_named_in_any_letters(case: tuple[Path, CaseTruth, Findings, dict[str, Any]], tmp_path: Path) -> None:
    case_dir, _, one_shot, _ = case
    toml = _copy(case_dir, tmp_path / "c")
    toml.write_text(toml.read_text(encoding="utf-8").replace('name = "work_pc"', 'name = "職員PC"'), encoding="utf-8")
    findings = investigate(toml, tmp_path / "out")
    renamed = [e.replace("work_pc/", "職員PC/", 1) for f in one_shot.leaked for e in f.evidence]
    assert [e for f in findings.leaked for e in f.evidence] == renamed
    assert any(e.startswith("職員PC/") for e in renamed)
    assert findings.unique_persons_leaked == one_shot.unique_persons_leaked
