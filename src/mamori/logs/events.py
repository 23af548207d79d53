"""The values log parsers produce: server file events, web accesses and bad-line problems."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

Action = Literal["upload", "download", "delete", "rename", "mkdir", "rmdir", "login", "login_fail", "fail"]
ACTIONS: Final = frozenset(
    {"upload", "download", "delete", "rename", "mkdir", "rmdir", "login", "login_fail", "fail"}
)

#: How a name in a log differs from the real one.
MASK_NONE: Final = ""
MASK_HIGH_BYTES: Final = "high_bytes"  # vsftpd: every byte >= 0x80 (and control bytes) written as "?"
MASK_SPACES: Final = "spaces"  # xferlog: spaces (and control bytes) written as "_"
MASK_BOTH: Final = "high_bytes+spaces"  # vsftpd's xferlog: both at once


@dataclass(frozen=True, slots=True)
class FileEvent:
    """One operation on the server's files (or a log-in) read from an FTP/operation log.

    ``path`` is the server path as the log gives it; ``mask`` says whether it arrived masked, and
    ``raw_name_bytes`` keeps the exact bytes when the name was not clean UTF-8 (CP932, garbage).
    ``size`` is None when the log gives none. ``action`` is "fail" for an unsuccessful operation whose
    kind is unknown; a failed upload stays "upload" with ``ok=False``.
    """

    time: datetime
    action: str
    path: str = ""
    new_path: str | None = None
    size: int | None = None
    ip: str = ""
    user: str = ""
    ok: bool = True
    mask: str = MASK_NONE
    raw_name_bytes: bytes | None = None
    source: str = ""
    line: int = 0

    @property
    def masked(self) -> bool:
        """True when the name in the log is a mask of the real name (``?`` or ``_`` substitutions)."""
        return self.mask != MASK_NONE


@dataclass(frozen=True, slots=True)
class AccessEvent:
    """One request from a web server access log.

    ``target`` is the request target exactly as logged; ``path`` the decoded, normalised URL path
    (see :func:`mamori.logs.urls.decode_url_path`) and ``path_encoding`` how it was decoded.
    ``bytes`` is None for "-". ``vhost`` is "" when the log has no virtual-host field.
    """

    time: datetime
    ip: str
    method: str
    target: str
    path: str
    query: str
    status: int
    bytes: int | None
    referer: str = ""
    user_agent: str = ""
    vhost: str = ""
    user: str = ""
    protocol: str = ""
    path_encoding: str = "ascii"
    source: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class LogProblem:
    """A line (or a whole file, line 0) that could not be read."""

    file: str
    line: int
    reason: str


LogEvent = FileEvent | AccessEvent
