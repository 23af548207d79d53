"""`mamori guard init` creates the database, keys and first administrator; `serve` refuses an empty home."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MAMORI_TESTING", "DATABASE_URL")}
    return subprocess.run([sys.executable, "-m", "mamori", "guard", *args], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def test_init_then_init_again(tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = run("init", "--home", str(home), "--admin", "sato")
    assert done.returncode == 0, done.stderr
    assert "otpauth://totp/mamori:sato" in done.stdout and "初回ログイン用パスワード" in done.stdout
    for name in ("grant.key", "secret_key", "guard.sqlite3"):
        assert (home / "guard" / name).stat().st_mode & 0o777 == 0o600
    assert (home / "audit" / "checkpoint.key").exists()
    again = run("init", "--home", str(home), "--admin", "other")
    assert again.returncode == 2 and "初期化済み" in again.stderr and "already" not in again.stderr
    again_en = run("init", "--home", str(home), "--admin", "other", "--lang", "en")
    assert again_en.returncode == 2 and "already initialised" in again_en.stderr


def test_serve_refuses_uninitialised_home(tmp_path: Path) -> None:
    done = run("serve", "--home", str(tmp_path), "--port", "1")
    assert done.returncode == 2 and "not initialised" in done.stderr


def test_migrate_and_rotate_the_grant_key(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run("migrate", "--home", str(home)).returncode == 2  # nothing to migrate before init
    assert run("init", "--home", str(home), "--admin", "sato").returncode == 0
    migrated = run("migrate", "--home", str(home))
    assert migrated.returncode == 0 and "最新" in migrated.stdout
    old = (home / "guard" / "grant.pub").read_text()
    rotated = run("rotate-grant-key", "--home", str(home))
    assert rotated.returncode == 0, rotated.stderr
    new = (home / "guard" / "grant.pub").read_text()
    assert new != old and new.strip() in rotated.stdout
    retired = sorted(p.name for p in (home / "guard").glob("grant.*.retired-*"))
    assert len(retired) == 2 and (home / "guard" / "grant.key").stat().st_mode & 0o777 == 0o600
    assert b"guard.grant_key_rotated" in (home / "audit" / "records.log").read_bytes()
    checked = subprocess.run([sys.executable, "-m", "mamori", "audit", "verify", "--home", str(home)],
                             capture_output=True, text=True, timeout=120, check=False)
    assert checked.returncode == 0, checked.stderr
