"""Checkpoints published outside the server: a witness directory the auditor keeps, and reading them back.

Every signed checkpoint the log writes is also written to the witness directory (a share the auditor
controls, a mounted second host, a folder synchronised elsewhere) as ``<log id>.checkpoint``,
replaced atomically and never by a smaller tree. Whoever later holds a copy of such a file can demand,
with ``mamori audit verify --trusted FILE`` or ``--witness DIR``, that the log still contains exactly
the history that checkpoint signed.

Where: ``MAMORI_AUDIT_WITNESS_DIR``, else ``witness_dir`` in the ``[audit]`` table of
``HOME/mamori.toml`` (a relative path is taken from HOME), else none.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from pathlib import Path

from mamori.errors import AuditError, ConfigError

CONFIG_FILE = "mamori.toml"
SUFFIX = ".checkpoint"


def witness_dir_for(home: Path) -> Path | None:
    """The witness directory configured for `home`, if any."""
    env = os.environ.get("MAMORI_AUDIT_WITNESS_DIR", "").strip()
    if env:
        return Path(env)
    config = Path(home) / CONFIG_FILE
    if not config.exists():
        return None
    try:
        table = tomllib.loads(config.read_text(encoding="utf-8")).get("audit", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{config}: not readable TOML: {exc}") from exc
    value = table.get("witness_dir") if isinstance(table, dict) else None
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{config}: [audit] witness_dir must be a folder path")
    path = Path(value).expanduser()
    return path if path.is_absolute() else Path(home) / path


def file_name(origin: str) -> str:
    """The witness file of the log `origin` (its id, made a safe file name)."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in origin) + SUFFIX


def _size_of(note: str) -> int:
    lines = note.split("\n", 2)
    return int(lines[1]) if len(lines) > 2 and lines[1].isdigit() else -1


def publish(directory: Path, origin: str, note: str) -> Path:
    """Write `note` as the latest checkpoint of `origin` in `directory`; OSError when it cannot."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / file_name(origin)
    try:
        if _size_of(target.read_text(encoding="utf-8")) > _size_of(note):
            return target  # never replace a larger signed tree with a smaller one
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(note)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, target)
    return target


def read_checkpoints(paths: Iterable[Path]) -> list[tuple[str, str]]:
    """(where, note) for each checkpoint file given, or each ``*.checkpoint`` inside a folder given."""
    found: list[tuple[str, str]] = []
    for path in paths:
        files = sorted(path.glob(f"*{SUFFIX}")) if path.is_dir() else [path]
        if path.is_dir() and not files:
            raise AuditError(f"the witness folder {path} holds no {SUFFIX} files")
        for file in files:
            try:
                found.append((str(file), file.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as exc:
                raise AuditError(f"cannot read the trusted checkpoint {file}: {exc}") from exc
    return found
