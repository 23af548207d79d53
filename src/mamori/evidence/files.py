"""Folders and files → FileRefs → Items: a safe walk and a one-pass read that hashes."""

from __future__ import annotations

import functools
import hashlib
import io
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from mamori.evidence.disk_read import DiskAddress, load_address
from mamori.evidence.limits import MIB, Limits
from mamori.i18n import said
from mamori.models import Item, Status

CHUNK = 1 * MIB

SKIP_OUTSIDE = "symlink outside the scanned folder"
SKIP_LOOP = "symlink loop (points to a folder that contains it)"
SKIP_BROKEN = "broken symlink"
SKIP_MISSING = "no such file or folder"
SKIP_DENIED = "permission denied"
SKIP_SPECIAL = "not a regular file"

#: Skips that mean "could not be read" rather than "is not something we read".
_UNREADABLE_PREFIXES = (SKIP_BROKEN, SKIP_MISSING, SKIP_DENIED, "cannot")


@dataclass(frozen=True)
class FileRef:
    """A file found by ``walk``: where it is on disk, how to show it, and why it is skipped (if so)."""

    fs_path: Path
    path: str
    skip_reason: str | None = None
    address: DiskAddress | None = None
    """Set for a file inside a disk image (``fs_path`` is then the image): read from the image."""

    @property
    def display_path(self) -> str:
        return self.path


def walk(paths: Sequence[str | Path]) -> Iterator[FileRef]:
    """Every file under *paths* in sorted order; special files and escapes come back with a skip_reason."""
    for given in paths:
        display = os.fspath(given).replace(os.sep, "/")
        path = Path(given)
        try:
            st = path.stat()
        except FileNotFoundError:
            reason = SKIP_BROKEN if path.is_symlink() else SKIP_MISSING
            yield FileRef(path, display, reason)
            continue
        except OSError as exc:
            yield FileRef(path, display, _os_reason(exc))
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk_dir(path, display.rstrip("/"))
        else:
            yield FileRef(path, display, _special_reason(st.st_mode))


def _walk_dir(root: Path, base: str) -> Iterator[FileRef]:
    real_root = os.path.realpath(root)
    root_st = os.stat(real_root)
    # Each stack frame: (a folder's display path, its sorted entries left, its ancestors' inodes).
    ancestors: tuple[tuple[int, int], ...] = ((root_st.st_dev, root_st.st_ino),)
    stack: list[tuple[str, Iterator[os.DirEntry[str]], tuple[tuple[int, int], ...]]] = []
    first = _list(root, base)
    if isinstance(first, FileRef):
        yield first
        return
    stack.append((base, first, ancestors))
    while stack:
        shown, entries, chain = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        fs_path = Path(entry.path)
        display = f"{shown}/{entry.name}"
        is_link = entry.is_symlink()
        if is_link and not _inside(os.path.realpath(fs_path), real_root):
            yield FileRef(fs_path, display, SKIP_OUTSIDE)
            continue
        try:
            st = fs_path.stat()
        except FileNotFoundError:
            yield FileRef(fs_path, display, SKIP_BROKEN if is_link else SKIP_MISSING)
            continue
        except OSError as exc:
            yield FileRef(fs_path, display, _os_reason(exc))
            continue
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in chain:
                yield FileRef(fs_path, display, SKIP_LOOP)
                continue
            listed = _list(fs_path, display)
            if isinstance(listed, FileRef):
                yield listed
            else:
                stack.append((display, listed, (*chain, key)))
            continue
        yield FileRef(fs_path, display, _special_reason(st.st_mode))


def _list(folder: Path, display: str) -> Iterator[os.DirEntry[str]] | FileRef:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except PermissionError:
        return FileRef(folder, display, f"{SKIP_DENIED}: cannot list the folder")
    except OSError as exc:
        return FileRef(folder, display, _os_reason(exc))
    return iter(entries)


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def _special_reason(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    kind = (
        "FIFO" if stat.S_ISFIFO(mode)
        else "socket" if stat.S_ISSOCK(mode)
        else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "special file"
    )
    return f"{SKIP_SPECIAL} ({kind}); not opened"


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return SKIP_DENIED
    return f"cannot read: {exc.strerror or exc}"


def load_file(ref: FileRef, limits: Limits) -> Item:
    """Read *ref* once: sha256 while reading, bytes kept when small; problems become a status."""
    if ref.skip_reason is not None:
        unreadable = ref.skip_reason.startswith(_UNREADABLE_PREFIXES)
        status = Status.UNREADABLE if unreadable else Status.UNSUPPORTED
        return Item(ref.path, 0, "", fs_path=ref.fs_path, status=status, reason=ref.skip_reason)
    if ref.address is not None:
        return load_address(ref.address, ref.path, limits)
    try:
        return _read(ref, limits)
    except OSError as exc:
        return Item(ref.path, 0, "", fs_path=ref.fs_path, status=Status.UNREADABLE, reason=_os_reason(exc))


def _read(ref: FileRef, limits: Limits) -> Item:
    # O_NONBLOCK: if the file was swapped for a FIFO since the walk, open must not hang.
    fd = os.open(ref.fs_path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb", buffering=0) as stream:
        st = os.fstat(stream.fileno())
        special = _special_reason(st.st_mode)
        if special is not None:
            return Item(ref.path, 0, "", fs_path=ref.fs_path, status=Status.UNSUPPORTED, reason=special)
        digest = hashlib.sha256()
        data: bytes | None = None
        size = 0
        if st.st_size <= limits.in_memory_bytes:
            head = _read_upto(stream, limits.in_memory_bytes + 1)
            digest.update(head)
            size = len(head)
            if size <= limits.in_memory_bytes:
                data = head
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    status: Status | None = None
    reason: str | None = None
    if size > limits.max_file_bytes:
        data = None
        status = Status.TOO_LARGE
        reason = said("reason.too_large", size=size, limit=limits.max_file_bytes)
    return Item(
        ref.path, size, digest.hexdigest(), mtime=st.st_mtime, data=data,
        fs_path=ref.fs_path, status=status, reason=reason, owner=owner_name(st.st_uid),
    )


@functools.lru_cache(maxsize=4096)
def owner_name(uid: int) -> str:
    """The user name of `uid` (one look-up per owner, not per file), else the number."""
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)


def _read_upto(stream: io.FileIO, n: int) -> bytes:
    # Unbuffered reads may come back short, so loop until n bytes or the end.
    parts: list[bytes] = []
    left = n
    while left > 0:
        chunk = stream.read(min(left, CHUNK))
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)
