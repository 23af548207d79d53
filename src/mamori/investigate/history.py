"""Server file history from operation logs: every version of every file, from upload to deletion.

A *version* is one upload's content. It lives under one path at a time (a rename moves it) until it
is deleted or overwritten. A delete or rename of a file the log never saw uploaded (it was put there
before the log begins) makes a version with an unknown upload time.

vsftpd masks every byte ≥ 0x80 as ``?``, so two different Japanese names of the same length look the
same in its log. The history is therefore built twice: first on the logged names, then with the real
names recovered by matching (``real_names``), so that a second upload under the same mask is a new
file, not an overwrite, when the names differ. A delete or rename given only as a mask then applies
to the oldest live file that fits it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from mamori.logs.names import matches_masked

EventKey = tuple[int, int]  # (source id, line number): identifies one log line across runs


@dataclass(frozen=True)
class ServerEvent:
    """The part of a logged file operation history needs (times are aware datetimes)."""

    time: datetime
    action: str
    path: str
    new_path: str | None
    size: int | None
    ip: str
    ok: bool
    mask: str
    key: EventKey

    @property
    def masked(self) -> bool:
        return bool(self.mask)


@dataclass(frozen=True)
class Segment:
    """A time span during which a version was reachable under ``path`` (``end`` None: still there)."""

    path: str
    start: datetime | None
    end: datetime | None


@dataclass(frozen=True, kw_only=True)
class Version:
    """One upload's content and its life on the server."""

    id: int
    logged_path: str
    path: str
    size: int | None
    uploaded_at: datetime | None
    upload_ip: str
    ended_at: datetime | None
    ended_by: str | None  # "delete" | "overwrite" | None (still on the server when the log ends)
    mask: str  # how the logged name is masked ("" = not masked; see mamori.logs.events)
    segments: tuple[Segment, ...]
    upload_key: EventKey | None = None
    renames: tuple[tuple[str, str, datetime], ...] = ()
    path_key: EventKey | None = None  # the upload or rename that gave the version its last path


@dataclass
class _Live:
    id: int
    logged_path: str
    path: str
    size: int | None
    uploaded_at: datetime | None
    ip: str
    mask: str
    key: EventKey | None
    start: datetime | None
    path_key: EventKey | None = None
    segments: list[Segment] = field(default_factory=list)
    renames: list[tuple[str, str, datetime]] = field(default_factory=list)


@dataclass(frozen=True)
class History:
    """All versions (in upload order) and the addresses that logged in to FTP."""

    versions: tuple[Version, ...]
    login_ips: tuple[str, ...]


def build_history(events: Iterable[ServerEvent], real_names: Mapping[EventKey, str] | None = None) -> History:
    """Replay file operations in time order into versions; *real_names* maps upload events to real paths."""
    names = real_names or {}
    live: dict[str, _Live] = {}
    done: list[Version] = []
    logins: set[str] = set()
    next_id = 0

    def finish(entry: _Live, when: datetime | None, how: str | None) -> None:
        entry.segments.append(Segment(entry.path, entry.start, when))
        done.append(Version(id=entry.id, logged_path=entry.logged_path, path=entry.path, size=entry.size,
                            uploaded_at=entry.uploaded_at, upload_ip=entry.ip, ended_at=when, ended_by=how,
                            mask=entry.mask, segments=tuple(entry.segments), upload_key=entry.key,
                            renames=tuple(entry.renames), path_key=entry.path_key))

    def unknown(path: str, mask: str) -> _Live:
        nonlocal next_id
        next_id += 1
        return _Live(next_id, path, path, None, None, "", mask, None, None)

    for ev in sorted(events, key=lambda e: (e.time, e.key)):
        if ev.action == "login" and ev.ok:
            logins.add(ev.ip)
            continue
        if not ev.ok or not ev.path:
            continue
        if ev.action == "upload":
            path = names.get(ev.key, ev.path)
            old = live.pop(path, None)
            if old is not None:
                finish(old, ev.time, "overwrite")
            next_id += 1
            live[path] = _Live(next_id, ev.path, path, ev.size, ev.time, ev.ip, ev.mask, ev.key, ev.time, ev.key)
        elif ev.action == "delete":
            found = _find(live, ev.path, ev.mask)
            entry = live.pop(found) if found is not None else unknown(ev.path, ev.mask)
            finish(entry, ev.time, "delete")
        elif ev.action == "rename" and ev.new_path:
            _rename(live, ev, names.get(ev.key, ev.new_path), unknown, finish)
    for entry in live.values():
        finish(entry, None, None)
    done.sort(key=lambda v: v.id)
    return History(tuple(done), tuple(sorted(logins)))


def _find(live: Mapping[str, _Live], path: str, mask: str) -> str | None:
    """The live path an operation on *path* means: exact, else the oldest live file its mask fits."""
    if path in live:
        return path
    if not mask:
        return None
    fits = [p for p in live if fits_mask(path, p, mask)]
    return min(fits, key=lambda p: live[p].id) if fits else None


def fits_mask(logged: str, real: str, mask: str) -> bool:
    """Whether *real* could have been logged as *logged* under *mask* (exact when not masked)."""
    if not mask:
        return logged == real
    return matches_masked(logged, real, high_bytes="high_bytes" in mask, spaces="spaces" in mask)


def _rename(live: dict[str, _Live], ev: ServerEvent, new: str, unknown: Callable[[str, str], _Live],
            finish: Callable[[_Live, datetime | None, str | None], None]) -> None:
    found = _find(live, ev.path, ev.mask)
    moves: list[tuple[str, str]] = []
    if found is not None:
        moves.append((found, new))
    else:
        prefix = ev.path.rstrip("/") + "/"
        moves = [(p, new.rstrip("/") + "/" + p[len(prefix):]) for p in sorted(live) if p.startswith(prefix)]
        if not moves:
            live[ev.path] = unknown(ev.path, ev.mask)
            moves.append((ev.path, new))
    for old_path, new_path in moves:
        entry = live.pop(old_path)
        target = live.pop(new_path, None)
        if target is not None:
            finish(target, ev.time, "overwrite")
        entry.segments.append(Segment(entry.path, entry.start, ev.time))
        entry.renames.append((entry.path, new_path, ev.time))
        entry.path, entry.start, entry.path_key = new_path, ev.time, ev.key
        if ev.mask and new_path == ev.new_path:
            entry.mask = ev.mask  # the new name arrived masked
        live[new_path] = entry
