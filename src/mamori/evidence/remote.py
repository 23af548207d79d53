"""Evidence behind an fsspec URL (``file://``, ``s3://``, ``smb://``): listed by the driver, fetched by a worker.

A cluster's workers read evidence either from a path every machine mounts, or from a URL that fsspec
opens on each of them (its protocol's package installed there: s3fs for ``s3://``, smbprotocol for
``smb://``; credentials from that machine's environment, never from mamori). A worker copies one
file at a time into a private temporary file, inspects it as any file on disk and removes it, so what
is inside the file is read by the same code as on a local disk.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mamori.errors import ConfigError
from mamori.evidence.files import FileRef
from mamori.evidence.limits import Limits

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_COPY_CHUNK = 1 << 20


def is_url(path: str | os.PathLike[str]) -> bool:
    """True for ``protocol://…`` (a ``pathlib.Path`` of one has lost a slash: pass the text)."""
    return bool(_URL.match(os.fspath(path)))


def _filesystem(url: str) -> tuple[Any, str]:
    try:
        import fsspec
    except ImportError:
        raise ConfigError("evidence by URL needs fsspec: install mamori[cluster]") from None
    try:
        return fsspec.core.url_to_fs(url)  # type: ignore[no-any-return]
    except (ImportError, ValueError) as error:
        raise ConfigError(f"{url}: cannot open this URL ({error}); install the package of its protocol "
                          "(s3fs for s3://, smbprotocol for smb://) on the driver and every worker") from None


def walk_url(url: str) -> Iterator[FileRef]:
    """Every file under *url*, sorted; ``path`` is the file's own URL (``fs_path`` its path on that filesystem)."""
    fs, root = _filesystem(url)
    base = url.rstrip("/")
    try:
        if not fs.isdir(root):
            if not fs.exists(root):
                yield FileRef(Path(url), url, "no such file or folder")
                return
            yield FileRef(Path(root), url)
            return
        found = sorted(fs.find(root))
    except OSError as error:
        yield FileRef(Path(url), url, f"cannot read: {error}")
        return
    top = root.rstrip("/")
    for name in found:
        rel = name[len(top):].lstrip("/") if name.startswith(top) else name
        # The shown path is the file's own URL (the URL given, then the path below it): what a worker fetches.
        yield FileRef(Path(name), f"{base}/{rel}")


def url_of(ref: FileRef) -> str | None:
    """The URL *ref* is read from, or None for a file on a local or mounted disk."""
    return ref.path if ref.address is None and is_url(ref.path) else None


@contextmanager
def fetched(ref: FileRef, limits: Limits) -> Iterator[FileRef]:
    """*ref* (a URL) copied to a private temporary file for the time of the block; OSError if it cannot be read.

    At most ``limits.max_file_bytes`` + 1 bytes are copied: a bigger file is reported ``too_large`` as on disk
    (its digest is then of what was copied; the size says it is over the limit)."""
    url = url_of(ref)
    if url is None:
        yield ref
        return
    fs, path = _filesystem(url)
    folder = tempfile.mkdtemp(prefix="mamori-fetch-")  # mode 0700: only this user reads the copy
    try:
        local = Path(folder) / "item"
        with fs.open(path, "rb") as source, open(local, "wb") as out:
            left = limits.max_file_bytes + 1
            while left > 0 and (chunk := source.read(min(_COPY_CHUNK, left))):
                out.write(chunk)
                left -= len(chunk)
        mtime = _mtime(fs, path)
        if mtime is not None:
            os.utime(local, (mtime, mtime))
        yield FileRef(local, ref.path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _mtime(fs: Any, path: str) -> float | None:
    try:
        info = fs.info(path)
    except OSError:
        return None
    value = info.get("mtime", info.get("LastModified"))
    if isinstance(value, int | float):
        return float(value)
    stamp = getattr(value, "timestamp", None)
    return float(stamp()) if callable(stamp) else None
