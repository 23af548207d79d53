"""Files in a disk image: a walk over every filesystem (deleted entries too) and streams of their content.

The walk goes depth first with an explicit stack, remembers each directory it entered (a damaged
image can make a folder contain its own ancestor) and stops at a depth and a count, so a hostile
image ends as a few problems, never a hang. TSK's ``$OrphanFiles`` (files whose folder is gone) is
walked like a folder. NTFS metadata files and FAT's virtual ``$MBR``/``$FAT1`` are skipped.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mamori.evidence.disk_image import _tsk, open_image
from mamori.evidence.limits import MIB, Limits
from mamori.i18n import said
from mamori.models import Item, Origin, Status

CHUNK = 1 * MIB
MAX_DEPTH = 128
ORPHANS = "$OrphanFiles"


@dataclass(frozen=True)
class DiskAddress:
    """A file inside a disk image: the image file, the filesystem's label in it, the inode/MFT number."""

    image: Path
    volume: str
    inode: int

    def open(self) -> io.BufferedReader:
        """The file's content, streamed from the image."""
        return open_entry(self)


@dataclass(frozen=True)
class Entry:
    """One regular file (or a folder that could not be listed) found in an image."""

    path: str  # "NTFS/Users/x/名簿.xlsx": the filesystem's label, then the path in it
    size: int
    address: DiskAddress
    origin: Origin
    problem: str | None = None  # set when this is not a file but a place the walk could not enter


def _time(value: Any) -> float | None:
    return float(value) if value else None


def walk_image(image: Path, limits: Limits | None = None) -> Iterator[Entry]:
    """Every regular file in every filesystem of *image*, deleted ones included, in a stable order.

    A path that two entries share (a deleted file and its live successor) is kept by the first;
    the others get their inode as a folder in front of the name (``Users/x/$inode-1234/名簿.xlsx``),
    so the name still reads as the file's own.
    """
    limit = (limits or Limits()).max_image_files
    opened = open_image(image)
    count = 0
    for label, (_, fs) in opened.filesystems.items():
        for entry in _walk_fs(image, label, fs):
            count += 1
            if count > limit:
                yield _problem(image, label, f"{label}/", f"more than {limit} files in the image; the rest "
                               "were not listed (raise Limits.max_image_files to read further)")
                return
            yield entry


def _walk_fs(image: Path, label: str, fs: Any) -> Iterator[Entry]:
    pytsk3 = _tsk()
    seen_dirs: set[int] = set()
    seen_paths: set[str] = set()
    try:
        root = fs.open_dir(path="/")
    except OSError as exc:
        yield _problem(image, label, f"{label}/", f"cannot list the root folder ({exc})")
        return
    stack: list[tuple[str, Any, int]] = [(label, root, 0)]
    seen_dirs.add(int(fs.info.root_inum))
    # (without it the inode is remembered: a loop back to the root is still cut one level later)
    with contextlib.suppress(OSError):
        seen_dirs.add(_dir_key(fs.open(path="/")))
    while stack:
        prefix, directory, depth = stack.pop()
        try:
            children = sorted(_children(directory), key=lambda c: c[0])
        except OSError as exc:
            yield _problem(image, label, prefix, f"cannot list the folder ({exc})")
            continue
        subdirs: list[tuple[str, Any, int]] = []
        for name, f in children:
            meta = f.info.meta
            if meta is None:
                continue  # a name left without any entry: nothing to read
            if depth == 0 and name.startswith("$") and name != ORPHANS:
                continue  # NTFS metadata, FAT's virtual $MBR/$FAT1/$FAT2
            path = f"{prefix}/{name}"
            kind = meta.type
            if kind in (pytsk3.TSK_FS_META_TYPE_DIR, pytsk3.TSK_FS_META_TYPE_VIRT_DIR):
                addr = _dir_key(f)
                if addr in seen_dirs or depth + 1 > MAX_DEPTH:
                    continue  # a loop in a damaged image, or absurd depth
                seen_dirs.add(addr)
                try:
                    subdirs.append((path, f.as_directory(), depth + 1))
                except OSError as exc:
                    yield _problem(image, label, path, f"cannot list the folder ({exc})")
                continue
            if kind != pytsk3.TSK_FS_META_TYPE_REG:
                continue
            if path in seen_paths:
                head, _, tail = path.rpartition("/")
                path = f"{head}/$inode-{int(meta.addr)}/{tail}"
            seen_paths.add(path)
            yield _entry(image, label, path, f, pytsk3)
        stack.extend(reversed(subdirs))


def _dir_key(f: Any) -> int:
    """Where a folder's entries are: its first data block, so two names for one folder (a loop made in a
    damaged FAT, where each name is its own "inode") are one folder; its inode when it has no blocks."""
    try:
        for attribute in f:
            for run in attribute:
                if run.len > 0:
                    return -1 - int(run.addr)  # negative: never equal to an inode number
    except Exception:  # noqa: BLE001 - TSK fails its own ways on damaged entries; the inode will do
        pass
    return int(f.info.meta.addr)


def _children(directory: Any) -> Iterator[tuple[str, Any]]:
    for f in directory:
        raw = f.info.name.name
        name = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
        if name in (".", "..") or not name:
            continue
        yield name.replace("/", "_"), f


def _entry(image: Path, label: str, path: str, f: Any, pytsk3: Any) -> Entry:
    meta = f.info.meta
    name_deleted = bool(int(f.info.name.flags) & int(pytsk3.TSK_FS_NAME_FLAG_UNALLOC))
    meta_deleted = bool(int(meta.flags) & int(pytsk3.TSK_FS_META_FLAG_UNALLOC))
    origin = Origin(
        inode=int(meta.addr), deleted=name_deleted or meta_deleted,
        mtime=_time(meta.mtime), atime=_time(meta.atime), ctime=_time(meta.ctime), crtime=_time(meta.crtime),
        # a deleted name whose entry now belongs to a live file: what it points at is that file
        reused=name_deleted and not meta_deleted,
    )
    return Entry(path, max(0, int(meta.size)), DiskAddress(image, label, int(meta.addr)), origin)


def entry_at(address: DiskAddress) -> Entry:
    """The entry at *address* read back from its metadata (deleted when the entry is unallocated)."""
    pytsk3 = _tsk()
    meta = open_image(address.image).fs(address.volume).open_meta(inode=address.inode).info.meta
    deleted = bool(int(meta.flags) & int(pytsk3.TSK_FS_META_FLAG_UNALLOC))
    origin = Origin(inode=address.inode, deleted=deleted, mtime=_time(meta.mtime), atime=_time(meta.atime),
                    ctime=_time(meta.ctime), crtime=_time(meta.crtime))
    return Entry("", max(0, int(meta.size)), address, origin)


def load_address(address: DiskAddress, display: str, limits: Limits) -> Item:
    """The file at *address* as an Item (see ``load_entry``); unreadable when the image cannot give it."""
    try:
        entry = entry_at(address)
    except Exception as exc:  # noqa: BLE001 - TSK and libewf fail in their own ways on damaged images
        return Item(display, 0, "", status=Status.UNREADABLE, address=address,
                    reason=f"cannot read entry {address.inode} of {address.volume} in the disk image ({exc})")
    return load_entry(entry, display, limits)


def _problem(image: Path, label: str, path: str, reason: str) -> Entry:
    return Entry(path, 0, DiskAddress(image, label, -1), Origin(inode=-1, deleted=False), problem=reason)


class EntryStream(io.RawIOBase):
    """A file's content read from the image on demand (at most one chunk held at a time)."""

    def __init__(self, address: DiskAddress, size: int | None = None) -> None:
        super().__init__()
        fs = open_image(address.image).fs(address.volume)
        self._file = fs.open_meta(inode=address.inode)
        self._size = int(self._file.info.meta.size) if size is None else size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def readinto(self, buffer: Any) -> int:
        want = min(len(buffer), self._size - self._pos)
        if want <= 0:
            return 0
        try:
            data = self._file.read_random(self._pos, want)
        except (OSError, RuntimeError) as exc:  # TSK, or libewf under it, on a damaged image
            raise OSError(f"cannot read the file from the disk image at byte {self._pos}: {exc}") from exc
        n = len(data)
        buffer[:n] = data
        self._pos += n
        return n


def open_entry(address: DiskAddress) -> io.BufferedReader:
    """A binary stream over the file at *address*; OSError when the image cannot give it."""
    try:
        return io.BufferedReader(EntryStream(address), CHUNK)
    except OSError:
        raise
    except Exception as exc:  # TSK's own failures on damaged images
        raise OSError(f"cannot open entry {address.inode} in {address.volume}: {exc}") from exc


def load_entry(entry: Entry, display: str, limits: Limits, depth: int = 0) -> Item:
    """*entry* as an Item: hashed in one streamed pass, bytes kept when small; problems become a status."""
    address, origin = entry.address, entry.origin

    def item(size: int, sha256: str = "", data: bytes | None = None, status: Status | None = None,
             reason: str | None = None) -> Item:
        return Item(display, size, sha256, mtime=origin.mtime, data=data, depth=depth, status=status,
                    reason=reason, address=address, origin=origin)

    if entry.problem is not None:
        return item(0, status=Status.UNREADABLE, reason=entry.problem)
    if origin.reused:
        return item(entry.size, status=Status.UNREADABLE,
                    reason=said("reason.entry_reused"))
    if entry.size > limits.max_file_bytes:
        return item(entry.size, status=Status.TOO_LARGE,
                    reason=said("reason.too_large", size=entry.size, limit=limits.max_file_bytes))
    digest = hashlib.sha256()
    keep = entry.size <= limits.in_memory_bytes
    parts: list[bytes] = []
    size = 0
    try:
        with open_entry(address) as stream:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                if keep:
                    parts.append(chunk)
    except (OSError, RuntimeError) as exc:
        what = "deleted file" if origin.deleted else "file"
        return item(entry.size, status=Status.UNREADABLE, reason=f"cannot read the {what} from the disk image ({exc})")
    return item(size, digest.hexdigest(), b"".join(parts) if keep else None)
