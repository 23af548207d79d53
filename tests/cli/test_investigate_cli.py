"""``mamori investigate`` and ``mamori demo`` end to end through ``python -m mamori``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mamori.synth.case import CaseTruth, write_case


def _mamori(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mamori", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd)


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CaseTruth]:
    root = tmp_path_factory.mktemp("cli_case")
    truth = write_case(root / "case", scale=300, seed=3, noise_files=16, access_lines=400)
    return root / "case" / "CASE.toml", truth


def test_investigate_writes_findings_and_reports(case: tuple[Path, CaseTruth], tmp_path: Path) -> None:
    case_file, truth = case
    out = tmp_path / "out"
    done = _mamori("investigate", str(case_file), "--out", str(out), "--no-pdf")
    assert done.returncode == 0, done.stderr
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert findings["unique_persons_leaked"] == truth.unique_persons_leaked
    for name in ("report.html", "report.xlsx", "ppc_report.md", "ppc_report.html"):
        assert (out / name).is_file(), name
    assert not (out / "notification_list.csv").exists()
    assert "report.html" in done.stdout and f"{truth.unique_persons_leaked:,}" in done.stdout
    assert "義務あり" in done.stdout  # more than 100 people and special care-required data
    # what only report.html listed before: the files that need a person, counted on the terminal too
    review = findings["summary"]["needs_review"]
    assert review == len(findings["needs_review"]) > 0
    line = next(x for x in done.stdout.splitlines() if "要確認のファイル" in x)
    assert line.split()[-1] == str(review)
    assert any("読めなかったログの行" in x for x in done.stdout.splitlines())
    totals = findings["access_totals"]
    assert f"{totals['external']:,} / {totals['crawler']:,} / {totals['owner']:,}" in done.stdout


def test_investigate_english_with_notification_list_and_timezone(case: tuple[Path, CaseTruth],
                                                                 tmp_path: Path) -> None:
    case_file, truth = case
    out = tmp_path / "out"
    done = _mamori("investigate", str(case_file), "--out", str(out), "--no-pdf", "--lang", "en",
                   "--notification-list", "--log-timezone", "Asia/Tokyo")
    assert done.returncode == 0, done.stderr
    assert "Investigation finished" in done.stdout
    assert (out / "notification_list.csv").stat().st_mode & 0o077 == 0
    assert '<html lang="en">' in (out / "report.html").read_text(encoding="utf-8")
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert len(findings["leaked"]) == len(truth.leaked)


@pytest.mark.parametrize(("args", "needle"), [
    (["investigate", "missing/CASE.toml", "--out", "{tmp}/o"], "事案ファイルが見つかりません"),
    (["investigate", "{bad}", "--out", "{tmp}/o"], "TOML として正しくありません"),
    (["investigate", "{bad}", "--out", "{tmp}/o", "--lang", "en"], "not valid TOML"),
    (["investigate", "{case}", "--out", "{tmp}/o", "--log-timezone", "Mars/Olympus"], "unknown time zone"),
    (["investigate", "{case}", "--out", "{tmp}/o", "--previous", "{tmp}/none.json"], "--previous"),
    (["demo", "--out", "{tmp}/d", "--scale", "many"], "--scale"),
])
def test_bad_input_is_one_line_and_exit_2(case: tuple[Path, CaseTruth], tmp_path: Path, args: list[str],
                                          needle: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[case\nname = ", encoding="utf-8")
    filled = [a.format(tmp=tmp_path, bad=bad, case=case[0]) for a in args]
    done = _mamori(*filled, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mamori: ") and needle in lines[0], done.stderr


def test_demo_small_scale(tmp_path: Path) -> None:
    done = _mamori("demo", "--out", str(tmp_path / "demo"), "--scale", "500", "--no-pdf")
    assert done.returncode == 0, done.stderr
    report = tmp_path / "demo" / "investigation" / "report.html"
    assert report.is_file() and str(report) in done.stdout.replace("\n", "")
    assert (tmp_path / "demo" / "case" / "CASE.toml").is_file()
    truth = json.loads((tmp_path / "demo" / "case" / "truth.json").read_text(encoding="utf-8"))
    findings = json.loads((tmp_path / "demo" / "investigation" / "findings.json").read_text(encoding="utf-8"))
    assert findings["unique_persons_leaked"] == truth["unique_persons_leaked"]


def test_help() -> None:
    for command in ("investigate", "demo"):
        done = _mamori(command, "--help")
        assert done.returncode == 0 and "Usage" in done.stdout
