"""investigate past bad log files (a truncated .gz, a .gz that is not gzip) and over overlapping copies."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from mamori.investigate import investigate
from mamori.synth.case import write_case


@pytest.fixture(scope="module")
def clean_and_hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any], Path]:
    root = tmp_path_factory.mktemp("hostile-case")
    write_case(root / "case", scale=400, seed=3, noise_files=5, access_lines=600)
    clean = investigate(root / "case" / "CASE.toml", root / "clean").contract()
    shutil.copytree(root / "case", root / "bad")
    server = root / "bad" / "server"
    rotated = gzip.decompress((server / "access_log.2.gz").read_bytes())
    # a snapshot repeating the lines of rotated files (and one line twice in itself, as the real log may)
    (server / "access_log.snapshot").write_bytes((server / "access_log.1").read_bytes() + rotated)
    whole = (server / "access_log.3.gz").read_bytes()
    (server / "access_log.4.gz").write_bytes(whole[: len(whole) // 2])  # truncated copy
    (server / "access_log.5.gz").write_bytes(b"not gzip at all\n" * 10)
    out = root / "out"
    hostile = investigate(root / "bad" / "CASE.toml", out).contract()
    return clean, hostile, out


def test_bad_logs_are_problems_and_the_rest_is_read(clean_and_hostile: tuple[dict[str, Any], dict[str, Any], Path]) -> None:
    _, hostile, out = clean_and_hostile
    problems = hostile["log_problems"]
    assert len(problems) == 2
    assert any("access_log.4.gz" in p for p in problems) and any("access_log.5.gz" in p for p in problems)
    assert json.loads((out / "findings.json").read_text(encoding="utf-8"))["log_problems"] == problems


def test_overlapping_copies_count_each_request_once(clean_and_hostile: tuple[dict[str, Any], dict[str, Any], Path]) -> None:
    clean, hostile, _ = clean_and_hostile
    assert hostile["access_totals"] == clean["access_totals"]
    assert hostile["leaked"] == clean["leaked"]
    assert hostile["unique_persons_leaked"] == clean["unique_persons_leaked"]
