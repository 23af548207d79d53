"""Incremental re-scans: unchanged files come from the cache and the results equal the first scan's; changed
files are read again; the cache is owner-only and holds no path in clear."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mamori.errors import ConfigError
from mamori.evidence.files import walk
from mamori.models import ItemResult
from mamori.scan.incremental import ScanCache, decode, encode
from mamori.scan.runner import Scan, ScanOptions
from mamori.synth.awkward import write_awkward
from mamori.synth.corpus import write_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("incr") / "share"
    write_corpus(root, n_files=40, seed=11)
    write_awkward(root / "難しいファイル")  # archives, encrypted and broken files: every status and containers
    return root


def scan(root: Path, cache: ScanCache, workers: int = 1) -> tuple[list[ItemResult], object]:
    runner = Scan([root], ScanOptions(workers=workers, secret=cache.secret), cache=cache)
    results = list(runner.results())
    cache.close(complete=True)
    return results, runner.summary


def contract(results: list[ItemResult]) -> list[dict[str, object]]:
    return [r.contract() for r in results]


@pytest.mark.parametrize("workers", [1, 2])
def test_rescan_equals_first_scan_and_reads_nothing(corpus: Path, tmp_path: Path, workers: int) -> None:
    db = tmp_path / "cache.db"
    first, first_summary = scan(corpus, ScanCache(db, "cfg"), workers)
    again_cache = ScanCache(db, "cfg")
    again, again_summary = scan(corpus, again_cache, workers)
    assert contract(again) == contract(first)
    assert [r.person_keys for r in again] == [r.person_keys for r in first]
    files = sum(1 for p in corpus.rglob("*") if p.is_file())
    assert again_cache.hits == files and again_cache.misses == 0
    for key in ("items", "pii_items", "not_inspected", "unique_persons", "unique_staff", "unique_business"):
        assert getattr(again_summary, key) == getattr(first_summary, key), key
    assert first_summary.unique_persons > 0  # type: ignore[attr-defined]


def test_a_changed_file_is_read_again(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "share"
    root.mkdir()
    (root / "a.csv").write_text("氏名,電話番号\n山田 太郎,090-1234-5678\n", encoding="utf-8")
    (root / "b.txt").write_text("お知らせ\n", encoding="utf-8")
    db = tmp_path / "cache.db"
    first, _ = scan(root, ScanCache(db, "cfg"))
    (root / "b.txt").write_text("佐藤 花子 様 電話 03-1234-5678\n", encoding="utf-8")
    os.utime(root / "b.txt", ns=(0, 10**18))
    cache = ScanCache(db, "cfg")
    again, _ = scan(root, cache)
    assert cache.hits == 1 and cache.misses == 1
    assert again[0].contract() == first[0].contract() and again[1].pii is True and first[1].pii is False


def test_hash_check_catches_same_size_and_time(tmp_path: Path) -> None:
    root = tmp_path / "share"
    root.mkdir()
    target = root / "a.txt"
    target.write_bytes(b"-" * 40 + b"\n")
    before = target.stat()
    db = tmp_path / "cache.db"
    scan(root, ScanCache(db, "cfg"))
    target.write_bytes(b"TEL 090-1234-5678 mail yamada@example.jp\n"[:41].ljust(41, b" "))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size
    plain = ScanCache(db, "cfg")
    scan(root, plain)
    assert plain.hits == 1  # size and time alone cannot tell
    checked = ScanCache(db, "cfg", hash_check=True)
    scan(root, checked)
    assert checked.misses == 1 and checked.hits == 0


def test_other_options_empty_the_cache(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    scan(corpus, ScanCache(db, "v1"))
    other = ScanCache(db, "v2")
    assert other.lookup(next(iter(walk([corpus])))) is None
    assert other.hits == 0


def test_cache_is_owner_only_and_keeps_no_path(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "private" / "cache.db"
    scan(corpus, ScanCache(db, "cfg"))
    assert stat.S_IMODE(db.stat().st_mode) == 0o600 and stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    import sqlite3

    with sqlite3.connect(db) as conn:
        keys = [bytes(k) for (k,) in conn.execute("SELECT key FROM files")]
    assert keys and all(len(k) == 32 for k in keys)
    name = next(p for p in corpus.rglob("*.csv")).name.encode()
    assert all(name not in k for k in keys)


def test_damaged_cache_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    db.write_bytes(b"not a database" * 100)
    with pytest.raises(ConfigError, match="delete it"):
        ScanCache(db, "cfg")


def test_results_round_trip(corpus: Path, tmp_path: Path) -> None:
    results, _ = scan(corpus, ScanCache(tmp_path / "c.db", "cfg"))
    again = decode(encode(results))
    assert again == results and [r.role_keys for r in again] == [r.role_keys for r in results]


@pytest.mark.slow
def test_cli_incremental_twice_same_lines(corpus: Path, tmp_path: Path) -> None:
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "xdg"))
    outs = []
    for n in (1, 2):
        out = tmp_path / f"run{n}.jsonl"
        done = subprocess.run([sys.executable, "-m", "mamori", "find", str(corpus), "--incremental", "--format",
                               "jsonl", "--output", str(out), "--no-progress", "--workers", "2"],
                              capture_output=True, text=True, env=env, timeout=600)
        assert done.returncode == 0, done.stderr
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        rows[-1].pop("elapsed_s")
        outs.append(rows)
    assert outs[0] == outs[1]
    refused = subprocess.run([sys.executable, "-m", "mamori", "find", str(corpus), "--hash-check"],
                             capture_output=True, text=True, env=env, timeout=600)
    assert refused.returncode == 2 and "--incremental" in refused.stderr


def test_people_counts_follow_a_removed_file(tmp_path: Path) -> None:
    root = tmp_path / "share"
    write_corpus(root, n_files=12, seed=5)
    db = tmp_path / "cache.db"
    _, before = scan(root, ScanCache(db, "cfg"))
    victim = max((p for p in root.rglob("*") if p.is_file()), key=lambda p: p.stat().st_size)
    victim.unlink()
    cache = ScanCache(db, "cfg")
    _, cached = scan(root, cache)
    assert cache.misses == 0  # every file left is unchanged, yet one is gone: the counts are worked out again
    fresh = Scan([root], ScanOptions(workers=1, secret=cache.secret))
    list(fresh.results())
    assert cached.unique_persons == fresh.summary.unique_persons  # type: ignore[attr-defined, union-attr]
    assert cached.unique_persons < before.unique_persons  # type: ignore[attr-defined]  # the file held people
