"""The guard's files inside a mamori home folder, created owner-only."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from mamori.errors import ConfigError

GUARD_DIR = "guard"


def guard_dir(home: Path) -> Path:
    """HOME/guard, created with mode 0700 when missing."""
    path = Path(home) / GUARD_DIR
    try:
        Path(home).mkdir(mode=0o700, parents=True, exist_ok=True)
        path.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create the guard folder {path}: {exc.strerror}") from exc
    return path


def private_dir(path: Path) -> Path:
    """`path` as a folder only its owner can enter."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create {path}: {exc.strerror}") from exc
    return path


def write_private(path: Path, data: bytes) -> None:
    """Create `path` (which must not exist) with mode 0600 and write `data` durably."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def secret_key(home: Path) -> str:
    """Django's SECRET_KEY, kept in HOME/guard/secret_key (created on first use)."""
    path = guard_dir(home) / "secret_key"
    if not path.exists():
        try:
            write_private(path, secrets.token_urlsafe(50).encode())
        except FileExistsError:
            pass  # another process created it first
        except OSError as exc:
            raise ConfigError(f"cannot create {path}: {exc.strerror}") from exc
    try:
        return path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
