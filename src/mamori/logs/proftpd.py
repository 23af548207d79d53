"""ProFTPD ExtendedLog with the common ``default`` LogFormat ``%h %l %u %t "%r" %s %b``.

::

    203.0.113.5 UNKNOWN user [11/Apr/2015:10:15:01 +0900] "STOR 名簿.csv" 226 68123
    203.0.113.5 UNKNOWN user [11/Apr/2015:10:16:00 +0900] "RNFR a.csv" 350 -
    203.0.113.5 UNKNOWN user [11/Apr/2015:10:16:00 +0900] "RNTO b.csv" 250 -

FTP commands become events: STOR/STOU/APPE upload, RETR download, DELE delete, MKD/RMD, PASS log-in
(230) or failed log-in (530), and RNFR+RNTO from the same address are paired into one rename.
Names are the command arguments as the client sent them; relative ones are resolved against the
last successful CWD of that address when the log has CWD lines (``ExtendedLog … ALL``). Fields
appended after ``%b`` are ignored.

ProFTPD's syslog form is read too: ``ExtendedLog syslog:info ALL default`` writes the same lines behind a
syslog prefix, and the session messages give log-ins and failed log-ins::

    Apr 11 10:15:01 www1 proftpd[2345]: 203.0.113.5 UNKNOWN user [11/Apr/2015:10:15:01 +0900] "STOR a.csv" 226 5
    Apr 11 10:14:58 www1 proftpd[2345]: www1 (203.0.113.5[203.0.113.5]) - USER user: Login successful.
    Apr 11 10:14:40 www1 proftpd[2345]: www1 (203.0.113.5[203.0.113.5]) - USER bob (Login failed): Incorrect …

Other session messages and the lines of other programs in the same syslog file carry no event.
"""

from __future__ import annotations

import posixpath
import re

from mamori.logs.base import BaseFormat, ParseContext, bad
from mamori.logs.events import FileEvent
from mamori.logs.text import decode_name
from mamori.logs.timeparse import MONTHS

_LINE = re.compile(
    r'(?P<ip>\S+) (?P<ident>\S+) (?P<user>\S+) \[(?P<time>[^\]]+)\] "(?P<req>.*)" (?P<status>\d{3}|-) (?P<bytes>\d+|-)'
    r"(?: .*)?"
)
_SYSLOG = re.compile(
    r"(?:(?P<sdate>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)|(?P<iso>\d{4}-\d\d-\d\dT\S+)) \S+ "
    r"(?P<prog>[^\s:\[]+)(?:\[\d+\])?: (?P<msg>.*)"
)
_SESSION = re.compile(r"\S+ \((?:[^\[)]*)\[(?P<ip>[^\]]+)\]\) - USER (?P<user>\S+)(?P<failed> \(Login failed\))?: .*")
_COMMANDS = {"STOR": "upload", "STOU": "upload", "APPE": "upload", "RETR": "download", "DELE": "delete",
             "MKD": "mkdir", "XMKD": "mkdir", "RMD": "rmdir", "XRMD": "rmdir"}
_CWD = frozenset({"CWD", "XCWD"})


class ProftpdFormat(BaseFormat):
    """ProFTPD ExtendedLog lines in the ``default`` format."""

    name = "proftpd"
    kind = "server"

    def parse_line(self, line: str, ctx: ParseContext) -> FileEvent | None:
        m = _LINE.fullmatch(line)
        if m is None:
            syslog = _SYSLOG.fullmatch(line)
            if syslog is None:
                raise bad("not a ProFTPD ExtendedLog line (%h %l %u %t \"%r\" %s %b) nor ProFTPD syslog")
            return self._syslog(syslog, ctx)
        when = ctx.times.clf(m.group("time"))
        if when is None:
            raise bad("bad ProFTPD timestamp")
        command, _, arg = m.group("req").partition(" ")
        command = command.upper()
        status_text = m.group("status")
        status = int(status_text) if status_text != "-" else 0
        ok = 0 < status < 400
        ip, user = m.group("ip"), m.group("user")
        user = "" if user == "-" else user
        state = ctx.state
        if command == "USER":
            state.setdefault("users", {})[ip] = arg
            return None
        if command == "PASS":
            name = user or state.get("users", {}).get(ip, "")
            return FileEvent(when, "login" if ok else "login_fail", "", None, None, ip, name, ok, source=ctx.source,
                             line=ctx.line)
        if command in _CWD:
            if ok and arg:
                state.setdefault("cwd", {})[ip] = _resolve(arg, state, ip)
            return None
        if command == "RNFR":
            state.setdefault("rnfr", {})[ip] = _resolve(arg, state, ip) if ok else None
            return None
        if command == "RNTO":
            old = state.get("rnfr", {}).pop(ip, None) or ""
            old_text, raw = decode_name(old)
            new_text, _ = decode_name(_resolve(arg, state, ip))
            return FileEvent(when, "rename", old_text, new_text, None, ip, user, ok, raw_name_bytes=raw,
                             source=ctx.source, line=ctx.line)
        action = _COMMANDS.get(command)
        if action is None:
            return None
        path, raw = decode_name(_resolve(arg, state, ip))
        size_text = m.group("bytes")
        size = int(size_text) if size_text != "-" else None
        return FileEvent(when, action, path, None, size, ip, user, ok, raw_name_bytes=raw, source=ctx.source,
                         line=ctx.line)


    def _syslog(self, m: re.Match[str], ctx: ParseContext) -> FileEvent | None:
        if m.group("prog") != "proftpd":
            return None
        message = m.group("msg")
        if _LINE.fullmatch(message):
            return self.parse_line(message, ctx)
        session = _SESSION.fullmatch(message)
        if session is None:
            return None  # session opened/closed, notices
        sdate = m.group("sdate")
        when = (ctx.times.syslog(sdate, ctx.year_for(MONTHS.get(sdate[:3], 0))) if sdate is not None
                else ctx.times.iso(m.group("iso")))
        if when is None:
            raise bad("bad syslog timestamp")
        ok = session.group("failed") is None
        return FileEvent(when, "login" if ok else "login_fail", "", None, None, session.group("ip"),
                         session.group("user"), ok, source=ctx.source, line=ctx.line)


def _resolve(arg: str, state: dict[str, object], ip: str) -> str:
    if arg.startswith("/") or not arg:
        return arg
    cwd = state.get("cwd")
    base = cwd.get(ip) if isinstance(cwd, dict) else None
    if not isinstance(base, str):
        return arg
    return posixpath.normpath(posixpath.join(base, arg))
