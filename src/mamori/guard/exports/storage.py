"""Uploaded export files under HOME/guard/files: opaque names, owner-only, hashed while written."""

from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mamori.errors import WorkflowError
from mamori.guard.home import guard_dir, private_dir
from mamori.i18n import said

_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    """A file as kept by the server."""

    name: str
    stored_name: str
    size: int
    sha256: str


def files_dir(home: Path) -> Path:
    """HOME/guard/files (0700)."""
    return private_dir(guard_dir(home) / "files")


def display_name(name: str) -> str:
    """The file's own name, NFC, without folders or control characters, at most 255 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(ch for ch in unicodedata.normalize("NFC", base) if ch.isprintable()).strip()
    return clean[:255] or "unnamed"


def store(home: Path, name: str, chunks: Iterable[bytes], max_bytes: int) -> StoredFile:
    """Write `chunks` to a new owner-only file; WorkflowError (and nothing kept) if over `max_bytes`."""
    stored_name = secrets.token_hex(16)
    path = files_dir(home) / stored_name
    digest, size = hashlib.sha256(), 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise WorkflowError(said("error.exports.files_exceed_upload_limit",
                                             value1=max_bytes // (1024 * 1024)))
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return StoredFile(display_name(name), stored_name, size, digest.hexdigest())


def path_of(home: Path, stored_name: str) -> Path:
    """Where a stored file is (names are our own hex tokens; anything else is refused)."""
    if len(stored_name) != 32 or any(c not in "0123456789abcdef" for c in stored_name):
        raise WorkflowError(said("error.exports.not_stored_file_name"))
    return files_dir(home) / stored_name


def rehash(home: Path, stored_name: str) -> tuple[str, int] | None:
    """(sha256, size) of a stored file as it is now; None when it is gone."""
    digest, size = hashlib.sha256(), 0
    try:
        with path_of(home, stored_name).open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except OSError:
        return None
    return digest.hexdigest(), size


def remove(home: Path, stored_names: Iterable[str]) -> None:
    """Delete stored files (after a failed submission)."""
    for name in stored_names:
        path_of(home, name).unlink(missing_ok=True)
