"""Where mamori keeps data it derives from shipped dictionaries (rebuilt whenever they change)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

_DIGEST = 32  # sha256 in front of a checked file


def cache_file(name: str) -> Path:
    """*name* in mamori's cache folder (``$XDG_CACHE_HOME/mamori``, else ``~/.cache/mamori``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mamori" / name


def package_version(distribution: str) -> str:
    """The installed version of *distribution*, to name a cache after the data it came from."""
    try:
        from importlib.metadata import version

        return version(distribution)
    except Exception:  # noqa: BLE001 - no package metadata: name the cache anyway
        return "none"


def write_atomic(path: Path, data: bytes) -> None:
    """*data* as the file *path*, replaced whole (parallel processes never read half a file).

    A cache folder that cannot be written is no error: the data is built again next time.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=".tmp-", delete=False) as tmp:
            name = tmp.name
            tmp.write(data)
    except OSError:
        return
    try:
        os.replace(name, path)
    except OSError:
        Path(name).unlink(missing_ok=True)


def write_checked(path: Path, data: bytes) -> None:
    """*data* written with its sha256 in front, for :func:`read_checked`."""
    write_atomic(path, hashlib.sha256(data).digest() + data)


def read_checked(path: Path) -> bytes | None:
    """What :func:`write_checked` wrote, or None when the file is missing, cut short or edited."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    data = blob[_DIGEST:]
    return data if len(blob) >= _DIGEST and hashlib.sha256(data).digest() == blob[:_DIGEST] else None
