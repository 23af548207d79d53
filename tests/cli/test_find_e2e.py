"""End to end: the ``mamori find`` command on generated corpora, checked against their truth."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mamori.synth.awkward import write_awkward
from mamori.synth.corpus import write_corpus
from mamori.synth.manifest import read_manifest

SUMMARY_KEYS = {"type", "items", "pii_items", "not_inspected", "unique_persons", "elapsed_s",
                "unique_residents", "unique_staff", "unique_business"}
STATUSES = {"ok", "empty", "encrypted", "unreadable", "needs_ocr", "unsupported", "too_large", "error"}


def mamori(*args: str | Path, check: bool = True, env: dict[str, str] | None = None,
           ) -> subprocess.CompletedProcess[str]:
    out = subprocess.run([sys.executable, "-m", "mamori", *map(str, args)], capture_output=True, text=True,
                         timeout=600, env={**os.environ, **(env or {})})
    if check:
        assert out.returncode == 0, out.stderr
    return out


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def share(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("share")
    corpus = root / "corpus"
    write_corpus(corpus, n_files=60, seed=7)
    write_awkward(corpus / "難しいファイル")
    return root, corpus


def test_jsonl_contract_and_truth(share: tuple[Path, Path]) -> None:
    root, corpus = share
    out = root / "out.jsonl"
    mamori("find", corpus, "--format", "jsonl", "--output", out, "--workers", "2", "--no-progress")
    rows = lines(out)
    items, summary = rows[:-1], rows[-1]
    assert summary["type"] == "summary" and all(r["type"] == "item" for r in items)
    # The contract grows (never shrinks): the distinct people by role came after the first keys.
    assert set(summary) >= SUMMARY_KEYS
    assert summary["unique_residents"] + summary["unique_staff"] + summary["unique_business"] \
        == summary["unique_persons"]
    by_path = {str(r["path"]): r for r in items}
    assert len(by_path) == len(items), "a path is reported twice"
    for r in items:
        assert r["status"] in STATUSES
        assert set(r) >= {"path", "status", "pii", "categories", "persons", "special_care", "size", "sha256"}
        if r["persons"]:
            roles = r["people_by_role"]
            assert set(roles) == {"resident", "staff", "business"} and sum(roles.values()) >= r["persons"]
        if r["status"] not in ("ok", "empty"):
            assert r["pii"] is None, f"{r['path']} was not inspected but reported pii={r['pii']}"
    assert summary["items"] == len(items)
    assert summary["pii_items"] == sum(1 for r in items if r["pii"] is True)
    assert summary["not_inspected"] == sum(1 for r in items if r["status"] not in ("ok", "empty"))
    # Every generated file is reported with its path as reached, its size and its hash.
    manifest = read_manifest(root / "corpus.truth.json")
    for truth in manifest.files:
        rel = truth.path
        reported = by_path[f"{corpus}/{rel}"]
        data = (corpus / rel).read_bytes()
        assert reported["size"] == len(data)
        assert reported["sha256"] == hashlib.sha256(data).hexdigest()
    # Archives, passwords, damage: each gets its status, and nothing unreadable passes as clean.
    for expected in write_awkward(root / "again"):
        reported = by_path[f"{corpus}/難しいファイル/{expected.path}"]
        assert (reported["status"], reported["pii"]) == (expected.status, expected.pii), expected.path
    assert summary["unique_persons"] > 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "html", "table"])
def test_other_formats(share: tuple[Path, Path], fmt: str) -> None:
    root, corpus = share
    target = corpus / "難しいファイル"
    if fmt == "table":
        out = mamori("find", target, "--lang", "en", "--no-progress")
        assert "distinct persons" in out.stdout and "encrypted" in out.stdout
        return
    report = root / f"report.{fmt}"
    mamori("find", target, "--format", fmt, "--output", report, "--no-progress")
    data = report.read_bytes()
    if fmt == "csv":
        text = data.decode("utf-8-sig")
        assert text.startswith("パス,状態,個人情報") and "暗号化名簿.xlsx" in text and "暗号化" in text
    elif fmt == "xlsx":
        assert data[:2] == b"PK"
    else:
        text = data.decode("utf-8")
        assert "<html" in text and "名簿一式.zip" in text and "山田" not in text.split("<body>")[1].split("例")[0]


def test_fail_on_pii_and_errors(share: tuple[Path, Path]) -> None:
    root, corpus = share
    found = mamori("find", corpus / "難しいファイル", "--fail-on-pii", "--format", "jsonl", "--no-progress",
                   check=False)
    assert found.returncode == 1
    missing = mamori("find", root / "nowhere", check=False)
    assert missing.returncode == 2
    assert "nowhere" in missing.stderr and "Traceback" not in missing.stderr
    xlsx_to_stdout = mamori("find", corpus, "--format", "xlsx", check=False)
    assert xlsx_to_stdout.returncode == 2 and "--output" in xlsx_to_stdout.stderr


def test_explain_shows_masked_samples(share: tuple[Path, Path]) -> None:
    _, corpus = share
    out = mamori("find", corpus / "難しいファイル" / "名簿一式.zip", "--explain", "--no-progress")
    assert "山● 太●" in out.stdout or "山●" in out.stdout
    assert "山田　太郎" not in out.stdout and "山田 太郎" not in out.stdout


def test_html_report_escapes_file_names(tmp_path: Path) -> None:
    (tmp_path / "<img src=x onerror=alert(1)>.txt").write_text("山田 太郎 様", encoding="utf-8")
    report = tmp_path / "r.html"
    mamori("find", tmp_path, "--format", "html", "--output", report, "--no-progress")
    html = report.read_text(encoding="utf-8")
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_fail_on_pii_exit_3_for_items_not_inspected(tmp_path: Path) -> None:
    """A share whose only sensitive file is encrypted must not pass a pre-export check."""
    from mamori.synth.awkward import write_awkward

    written = write_awkward(tmp_path / "all")
    encrypted = next(e for e in written if e.status == "encrypted" and "!" not in e.path)
    share = tmp_path / "share"
    share.mkdir()
    (share / Path(encrypted.path).name).write_bytes((tmp_path / "all" / encrypted.path).read_bytes())
    (share / "memo.txt").write_text("会議は10時から。", encoding="utf-8")
    locked = mamori("find", share, "--fail-on-pii", "--format", "jsonl", "--no-progress", check=False)
    assert locked.returncode == 3, locked.stdout
    accepted = mamori("find", share, "--fail-on-pii", "--accept-not-inspected", "--format", "jsonl",
                      "--no-progress", check=False)
    assert accepted.returncode == 0
    clean = mamori("find", share / "memo.txt", "--fail-on-pii", "--no-progress", check=False)
    assert clean.returncode == 0


@pytest.mark.parametrize(("name", "check"), [
    ("結果.xlsx", lambda data: data[:2] == b"PK"),
    ("結果.jsonl", lambda data: json.loads(data.decode().splitlines()[-1])["type"] == "summary"),
    ("結果.csv", lambda data: data.decode("utf-8-sig").startswith("パス,")),
    ("結果.html", lambda data: b"<html" in data),
])
def test_output_format_from_its_ending(share: tuple[Path, Path], tmp_path: Path, name: str, check: object) -> None:
    _, corpus = share
    out = tmp_path / name
    mamori("find", corpus / "難しいファイル", "--output", out, "--no-progress")
    assert callable(check) and check(out.read_bytes())


def test_output_errors_are_one_line_before_the_scan(share: tuple[Path, Path], tmp_path: Path) -> None:
    _, corpus = share
    unknown = mamori("find", corpus, "--output", tmp_path / "結果.docx", check=False)
    assert unknown.returncode == 2 and ".xlsx" in unknown.stderr and "Traceback" not in unknown.stderr
    assert not (tmp_path / "結果.docx").exists()
    for target in (tmp_path / "no" / "such" / "dir" / "r.xlsx", tmp_path):
        bad = mamori("find", corpus, "--format", "xlsx", "--output", target, check=False)
        assert bad.returncode == 2, bad.stderr
        assert "Traceback" not in bad.stderr and "--output" in bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1


def test_explain_with_jsonl_writes_the_file(share: tuple[Path, Path], tmp_path: Path) -> None:
    _, corpus = share
    out = tmp_path / "explained.jsonl"
    mamori("find", corpus / "難しいファイル" / "名簿一式.zip", "--explain", "--format", "jsonl", "--output", out,
           "--no-progress")
    rows = lines(out)
    assert rows[-1]["type"] == "summary"
    found = [r for r in rows if r.get("pii") is True]
    assert found and all("samples" in r and "confidence" in r for r in found)


def test_not_inspected_items_show_a_dash_not_zero_people(share: tuple[Path, Path]) -> None:
    _, corpus = share
    out = mamori("find", corpus / "難しいファイル", "--format", "csv", "--no-progress")
    import csv as csv_module
    import io

    rows = list(csv_module.reader(io.StringIO(out.stdout.lstrip("\ufeff"))))
    col = rows[0].index("人数")
    status = rows[0].index("状態")
    encrypted = [r for r in rows[1:] if r[status] == "暗号化"]
    assert encrypted and all(r[col] == "—" for r in encrypted)


def test_modified_time_and_owner_in_every_format(share: tuple[Path, Path], tmp_path: Path) -> None:
    import csv as csv_module
    import io
    import os
    import pwd
    from datetime import datetime

    _, corpus = share
    target = corpus / "難しいファイル"
    out = tmp_path / "r.jsonl"
    mamori("find", target, "--output", out, "--no-progress")
    rows = [r for r in lines(out) if r["type"] == "item" and "!" not in str(r["path"])]
    me = pwd.getpwuid(os.getuid()).pw_name
    for row in rows:
        on_disk = os.stat(str(row["path"])).st_mtime
        assert abs(datetime.fromisoformat(str(row["mtime"])).timestamp() - on_disk) < 1
        assert row["owner"] == me
    table = mamori("find", target, "--format", "csv", "--no-progress").stdout.lstrip("\ufeff")
    header = next(csv_module.reader(io.StringIO(table)))
    assert header[-2:] == ["更新日時", "所有者"]
    page = tmp_path / "r.html"
    mamori("find", target, "--output", page, "--no-progress")
    assert "<th>更新日時</th><th>所有者</th>" in page.read_text(encoding="utf-8")
    wide = mamori("find", target, "--no-progress", env={"COLUMNS": "400"}).stdout
    header_line = next(line for line in wide.splitlines() if "パス" in line)
    assert "更新日時" in header_line and "所有者" in header_line
    assert me in wide
