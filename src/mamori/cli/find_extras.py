"""``mamori find``'s incremental cache and push to the guard, set up apart from the scan itself."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mamori import __version__
from mamori.errors import ConfigError
from mamori.evidence.limits import Limits

if TYPE_CHECKING:  # both load only when asked for: a plain scan starts without urllib, ssl and sqlite
    from mamori.report.find.push import Pusher
    from mamori.scan.incremental import ScanCache


def open_cache(paths: list[Path], incremental: bool, hash_check: bool, ocr: bool,
               cache: Path | None = None) -> ScanCache | None:
    """The scan cache asked for (``--incremental``), else None."""
    if not incremental:
        if hash_check or cache is not None:
            raise ConfigError("--hash-check and --cache only work with --incremental")
        return None
    from mamori.scan.incremental import ScanCache, default_cache_path

    # Results depend on mamori's version, its limits and OCR: another value of any empties the cache.
    config = f"{__version__}|{Limits()!r}|ocr={ocr}"
    return ScanCache(cache or default_cache_path(paths), config, hash_check=hash_check)


def open_pusher(url: str | None, token: str | None, paths: list[Path]) -> Pusher | None:
    """The pusher asked for (``--push URL --token T``), else None."""
    if url is None:
        if token:
            raise ConfigError("--token is for --push: give the guard's URL with --push")
        return None
    if not token or not token.strip():
        raise ConfigError("--push needs the scanner token the security administrator issued: --token T "
                          "(or MAMORI_PUSH_TOKEN)")
    from mamori.report.find.push import Pusher, endpoint_url

    return Pusher(endpoint_url(url), token.strip(), tuple(str(p) for p in paths))
