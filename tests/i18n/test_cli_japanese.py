"""`mamori find` says reasons and places in Japanese by default and English with --lang en; JSONL stays English."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mamori.synth.archives import encrypted_zip
from mamori.synth.documents import make_document
from mamori.synth.render.base import render
from mamori.synth.residents import generate_residents


def mamori(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mamori", *map(str, args)], capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.fixture(scope="module")
def share(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("share")
    document = make_document("resident_list", generate_residents(10, 3), rows=5, seed=3)
    (root / "名簿.xlsx").write_bytes(render(document, "xlsx", "utf-8"))
    (root / "secret.zip").write_bytes(encrypted_zip({"a.csv": render(document, "csv", "utf-8")}, "pw", "aes"))
    return root


def test_explain_in_japanese(share: Path) -> None:
    done = mamori("find", share, "--explain")
    assert "パスワード付きzipのメンバー（AES）：検査できません" in done.stdout
    assert "中の 1 件を検査できませんでした" in done.stdout
    assert re.search(r"\[シート 名簿 \d+行目 \d+列目\]", done.stdout)
    assert "not inspected" not in done.stdout and " row " not in done.stdout


def test_explain_in_english(share: Path) -> None:
    done = mamori("find", share, "--explain", "--lang", "en")
    assert "password-protected zip member (AES); not inspected" in done.stdout
    assert re.search(r"\[sheet 名簿 row \d+ col \d+\]", done.stdout)


def test_jsonl_keeps_the_english_reason(share: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    mamori("find", share, "--format", "jsonl", "--output", out)
    items = {row["path"]: row for row in map(json.loads, out.read_text().splitlines()) if row["type"] == "item"}
    member = next(v for k, v in items.items() if k.endswith("secret.zip!a.csv"))
    assert member["reason"] == "password-protected zip member (AES); not inspected"


def test_csv_reason_in_japanese(share: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    mamori("find", share, "--format", "csv", "--output", out)
    assert "パスワード付きzipのメンバー（AES）：検査できません" in out.read_text(encoding="utf-8-sig")


def test_case_file_errors_in_japanese(tmp_path: Path) -> None:
    case = tmp_path / "CASE.toml"
    case.write_text('[case]\nname = "x"\nocr = "yes"\n[server]\nweb_root = "/srv"\n', encoding="utf-8")
    done = mamori("investigate", case, "--out", tmp_path / "out")
    assert done.returncode == 2 and "[case] ocr は true か false で書いてください" in done.stderr
    english = mamori("investigate", case, "--out", tmp_path / "out", "--lang", "en")
    assert english.returncode == 2 and "[case] ocr must be true or false" in english.stderr
