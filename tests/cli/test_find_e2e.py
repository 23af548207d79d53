"""End to end: the ``mamori find`` command on generated corpora, checked against their truth."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mamori.synth.awkward import write_awkward
from mamori.synth.corpus import write_corpus
from mamori.synth.manifest import read_manifest

STATUSES = {"ok", "empty", "encrypted", "unreadable", "needs_ocr", "unsupported", "too_large", "error"}


def mamori(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    out = subprocess.run([sys.executable, "-m", "mamori", *map(str, args)], capture_output=True, text=True,
                         timeout=600)
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
    assert set(summary) >= {"type", "items", "pii_items", "not_inspected", "unique_persons", "elapsed_s",
                            "unique_residents", "unique_staff", "unique_business"}
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
