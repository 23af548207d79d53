"""Where mamori keeps data it derives from shipped dictionaries (rebuilt whenever they change)."""

from __future__ import annotations

import os
from pathlib import Path


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
