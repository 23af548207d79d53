"""vsftpd's own log (``vsftpd_log_file`` with ``xferlog_std_format=NO``).

::

    Sat Apr 11 10:15:01 2015 [pid 2345] [user] OK UPLOAD: Client "203.0.113.5", "/d/??.csv", 68123 bytes, 5.34Kbyte/sec
    Sat Apr 11 10:16:00 2015 [pid 2345] [user] OK RENAME: Client "203.0.113.5", "/public_html/a.csv /public_html/b.csv"

vsftpd writes every byte ≥ 0x80 of a name as ``?`` (events get ``mask="high_bytes"``). It logs in UTC
unless ``use_localtime=YES``: pass ``timezone="UTC"`` for such logs. With ``syslog_enable=YES`` the
date is syslog's (no year) and is read too.

Renames: vsftpd writes both (absolute) names in one quoted string separated by one space. The split
is made at a space followed by "/"; when several exist (a directory name ending in a space), the
split giving both names the same directory wins, else the one sharing the longest prefix. Names
without a leading "/" (very old vsftpd) are split after the first part that ends in an extension.

With ``log_ftp_protocol=YES`` every command and reply is logged (``FTP command:``, ``FTP response:``). A
multi-line reply (FEAT, HELP, a banner) is written as one quoted string with its line breaks, so the file
has lines of the reply alone (`` EPRT``, ``211 End"``, or just ``"``). Such a line continues the open quote of
the entry before it: it carries no event and is not a bad line.
"""

from __future__ import annotations

import os.path
import re
from collections.abc import Sequence

from mamori.logs.base import BaseFormat, ParseContext, bad
from mamori.logs.events import MASK_HIGH_BYTES, MASK_NONE, FileEvent
from mamori.logs.text import decode_name
from mamori.logs.timeparse import MONTHS

_LINE = re.compile(
    r"(?:(?P<date>[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4})"
    r"|(?P<sdate>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) \S+ vsftpd(?:\[\d+\])?:) "
    r"(?:\[pid \d+\] )?(?:\[(?P<user>[^\]]*)\] )?(?:(?P<ok>OK|FAIL) )?(?P<what>[A-Z][A-Za-z ]*?): "
    r'Client "(?P<ip>[^"]*)"(?P<rest>.*)'
)
_REST = re.compile(
    r'(?:, anon password ".*?")?(?:, "(?P<arg>.*)")?(?:, (?P<size>\d+) bytes)?(?:, [^,]*Kbyte/sec)?'
)
_ACTIONS = {"UPLOAD": "upload", "DOWNLOAD": "download", "DELETE": "delete", "RENAME": "rename",
            "MKDIR": "mkdir", "RMDIR": "rmdir", "LOGIN": "login"}
_NO_EVENT = frozenset({"CONNECT", "FTP command", "FTP response", "DEBUG", "CHMOD"})
_EXTENSION = re.compile(r"\.[A-Za-z0-9_?]{1,8}$")


class VsftpdFormat(BaseFormat):
    """vsftpd's native log: OK/FAIL UPLOAD, DOWNLOAD, DELETE, RENAME, MKDIR, RMDIR, LOGIN."""

    name = "vsftpd"
    kind = "server"

    def matches(self, sample_lines: Sequence[str]) -> bool:
        return any(" Client \"" in line for line in sample_lines[:50]) and super().matches(sample_lines)

    def parse_line(self, line: str, ctx: ParseContext) -> FileEvent | None:
        m = _LINE.fullmatch(line)
        if m is None:
            if ctx.state.get("open_quote"):
                # a line of a multi-line protocol reply; the quote closes on the line that ends with '"'
                ctx.state["open_quote"] = not line.rstrip("\r").endswith('"')
                return None
            raise bad("not a vsftpd log line")
        what = m.group("what")
        ctx.state["open_quote"] = False
        if what in _NO_EVENT:
            if what in ("FTP response", "FTP command"):
                rest = m.group("rest")
                ctx.state["open_quote"] = rest.startswith(', "') and (len(rest) < 4 or not rest.endswith('"'))
            return None
        action = _ACTIONS.get(what)
        if action is None:
            raise bad(f"unknown vsftpd entry type {what!r}")
        date = m.group("date")
        if date is not None:
            when = ctx.times.ctime(date)
        else:
            sdate = m.group("sdate")
            when = ctx.times.syslog(sdate, ctx.year_for(MONTHS.get(sdate[:3], 0)))
        if when is None:
            raise bad("bad vsftpd timestamp")
        ok = m.group("ok") != "FAIL"
        if action == "login" and not ok:
            action = "login_fail"
        rest = _REST.fullmatch(m.group("rest"))
        if rest is None:
            raise bad("unreadable vsftpd details after the client address")
        arg = rest.group("arg") or ""
        size_text = rest.group("size")
        size = int(size_text) if size_text else (0 if action in ("upload", "download") else None)
        new_path: str | None = None
        if action == "rename" and arg:
            arg, new_path = split_rename(arg)
        path, raw = decode_name(arg) if arg else ("", None)
        if new_path is not None:
            new_path, _ = decode_name(new_path)
        mask = MASK_HIGH_BYTES if "?" in arg or (new_path is not None and "?" in new_path) else MASK_NONE
        return FileEvent(when, action, path, new_path, size, m.group("ip"), m.group("user") or "", ok, mask, raw,
                         ctx.source, ctx.line)


def split_rename(arg: str) -> tuple[str, str]:
    """Split vsftpd's ``"old new"`` rename argument into the two names (see the module docstring)."""
    slashes = _positions(arg, " /")
    if len(slashes) == 1:
        return arg[: slashes[0]], arg[slashes[0] + 1 :]
    if slashes:
        for i in slashes:
            if os.path.dirname(arg[:i]) == os.path.dirname(arg[i + 1 :]):
                return arg[:i], arg[i + 1 :]
        best = max(slashes, key=lambda i: _shared_dirs(arg[:i], arg[i + 1 :]))
        return arg[:best], arg[best + 1 :]
    spaces = _positions(arg, " ")
    if not spaces:
        return arg, ""
    for i in spaces:
        if _EXTENSION.search(arg[:i]):
            return arg[:i], arg[i + 1 :]
    middle = spaces[len(spaces) // 2]
    return arg[:middle], arg[middle + 1 :]


def _shared_dirs(old: str, new: str) -> int:
    count = 0
    for a, b in zip(old.split("/")[:-1], new.split("/")[:-1], strict=False):
        if a != b:
            break
        count += 1
    return count


def _positions(text: str, needle: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(needle), text)]
