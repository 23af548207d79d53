"""Pure-FTPd: the transfer log (``AltLog`` in stats, clf or w3c style) and its syslog messages.

::

    1428714901 5528f1f5.929 user 203.0.113.5 U 68123 2 /home/user/public_html/a b.csv        (stats, UTC epoch)
    203.0.113.5 - user [11/Apr/2015:10:15:01 +0900] "PUT /public_html/%E5%90%8D.csv" 200 68123  (clf, URL-encoded)
    2015-04-11 01:15:01 203.0.113.5 []created /public_html/a.csv 226 user 68123               (w3c, UTC)
    Apr 11 10:15:01 host pure-ftpd: (user@203.0.113.5) [NOTICE] /home/user/public_html/a.csv deleted
    Apr 11 10:15:01 host pure-ftpd[123]: (user@203.0.113.5) [INFO] Deleted /home/user/public_html/a.csv

The transfer log records uploads and downloads only; deletions come from syslog, which also gives
uploads/downloads (``… uploaded  (68123 bytes, …)``), renames (``File successfully renamed or moved:
[old]->[new]``, names as the client gave them) and log-ins. Syslog writes the home folder and the name with
``//`` between them; it is read as one ``/``. Lines of other programs in a syslog
file are skipped. Pure-FTPd's own xferlog style is read by the ``xferlog`` format.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from mamori.logs.base import BaseFormat, ParseContext, bad
from mamori.logs.events import FileEvent
from mamori.logs.text import ERRORS, decode_name, to_bytes
from mamori.logs.timeparse import MONTHS, epoch

_STATS = re.compile(r"(\d{1,11}) ([0-9a-fA-F]+\.[0-9a-fA-F]+) (\S+) (\S+) ([UD]) (\d+) (\d+) (.*)")
# Pure-FTPd URL-encodes the name, so it has no spaces (which also keeps HTTP request lines out)
_CLF = re.compile(r'(\S+) - (\S+) \[([^\]]+)\] "(GET|PUT) (\S+)" (\d{3}) (\d+)')
_W3C = re.compile(r"(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) (\S+) \[\](created|sent) (\S+) (\d{3}) (\S*) (\d+)")
_SYSLOG = re.compile(
    r"(?:(?P<sdate>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)|(?P<iso>\d{4}-\d\d-\d\dT\S+)) (?P<host>\S+) "
    r"(?P<prog>[^\s:\[]+)(?:\[\d+\])?: (?P<msg>.*)"
)
_MESSAGE = re.compile(r"\((?P<user>[^@)]*)@(?P<ip>[^)]*)\) \[(?P<level>[A-Z]+)\] (?P<text>.*)")
_DELETED = re.compile(r"Deleted (?P<a>.+)|(?P<b>.+) deleted")
_TRANSFER = re.compile(r"(?P<path>.+) (?P<dir>uploaded|downloaded) +\((?P<size>\d+) bytes, [^)]*\)")
_RENAMED = re.compile(r"File successfully renamed or moved: \[(?P<old>.+)\]->\[(?P<new>.+)\]")
_LOGGED_IN = re.compile(r"(?P<user>\S+) is now logged in")
_AUTH_FAILED = re.compile(r"Authentication failed for user \[(?P<user>.*)\]")


class PureftpdFormat(BaseFormat):
    """Pure-FTPd transfer log (stats / clf / w3c) and Pure-FTPd syslog lines."""

    name = "pureftpd"
    kind = "server"

    def parse_line(self, line: str, ctx: ParseContext) -> FileEvent | None:
        first = line[:1]
        if first == "#":
            return None  # w3c header
        if first.isdecimal():
            m = _STATS.fullmatch(line)
            if m:
                return self._stats(m, ctx)
            m = _W3C.fullmatch(line)
            if m:
                return self._w3c(m, ctx)
        m = _SYSLOG.fullmatch(line)
        if m:
            return self._syslog(m, ctx)
        m = _CLF.fullmatch(line)
        if m:
            return self._clf(m, ctx)
        raise bad("not a Pure-FTPd transfer-log or syslog line")

    def _stats(self, m: re.Match[str], ctx: ParseContext) -> FileEvent:
        when = epoch(m.group(1))
        if when is None:
            raise bad("bad Pure-FTPd stats timestamp")
        path, raw = decode_name(m.group(8))
        action = "upload" if m.group(5) == "U" else "download"
        return FileEvent(when, action, path, None, int(m.group(6)), m.group(4), _user(m.group(3)), True,
                         raw_name_bytes=raw, source=ctx.source, line=ctx.line)

    def _clf(self, m: re.Match[str], ctx: ParseContext) -> FileEvent:
        when = ctx.times.clf(m.group(3))
        if when is None:
            raise bad("bad Pure-FTPd clf timestamp")
        path, raw = _url_name(m.group(5))
        action = "upload" if m.group(4) == "PUT" else "download"
        return FileEvent(when, action, path, None, int(m.group(7)), m.group(1), _user(m.group(2)), True,
                         raw_name_bytes=raw, source=ctx.source, line=ctx.line)

    def _w3c(self, m: re.Match[str], ctx: ParseContext) -> FileEvent:
        when = ctx.times.utc_iso(f"{m.group(1)}T{m.group(2)}")
        if when is None:
            raise bad("bad Pure-FTPd w3c timestamp")
        path, raw = _url_name(m.group(5))
        action = "upload" if m.group(4) == "created" else "download"
        return FileEvent(when, action, path, None, int(m.group(8)), m.group(3), _user(m.group(7)),
                         m.group(6).startswith("2"), raw_name_bytes=raw, source=ctx.source, line=ctx.line)

    def _syslog(self, m: re.Match[str], ctx: ParseContext) -> FileEvent | None:
        if m.group("prog") != "pure-ftpd":
            return None
        sdate = m.group("sdate")
        if sdate is not None:
            when = ctx.times.syslog(sdate, ctx.year_for(MONTHS.get(sdate[:3], 0)))
        else:
            when = ctx.times.iso(m.group("iso"))
        if when is None:
            raise bad("bad syslog timestamp")
        message = _MESSAGE.fullmatch(m.group("msg"))
        if message is None:
            return None
        ip, user, text = message.group("ip"), _user(message.group("user")), message.group("text")
        found = _DELETED.fullmatch(text)
        if found:
            path, raw = decode_name(_squash(found.group("a") or found.group("b")))
            return FileEvent(when, "delete", path, None, None, ip, user, True, raw_name_bytes=raw,
                             source=ctx.source, line=ctx.line)
        found = _TRANSFER.fullmatch(text)
        if found:
            path, raw = decode_name(_squash(found.group("path")))
            action = "upload" if found.group("dir") == "uploaded" else "download"
            return FileEvent(when, action, path, None, int(found.group("size")), ip, user, True,
                             raw_name_bytes=raw, source=ctx.source, line=ctx.line)
        found = _RENAMED.fullmatch(text)
        if found:
            old, raw = decode_name(_squash(found.group("old")))
            new, _ = decode_name(_squash(found.group("new")))
            return FileEvent(when, "rename", old, new, None, ip, user, True, raw_name_bytes=raw,
                             source=ctx.source, line=ctx.line)
        found = _LOGGED_IN.fullmatch(text)
        if found:
            return FileEvent(when, "login", "", None, None, ip, found.group("user"), True, source=ctx.source,
                             line=ctx.line)
        found = _AUTH_FAILED.fullmatch(text)
        if found:
            return FileEvent(when, "login_fail", "", None, None, ip, found.group("user"), False,
                             source=ctx.source, line=ctx.line)
        return None


def _squash(path: str) -> str:
    """Pure-FTPd's syslog joins the home folder and the name with "//" (``/home/u//a.csv``): one slash."""
    return re.sub(r"/{2,}", "/", path)


def _user(text: str) -> str:
    return "" if text in ("-", "?") else text


def _url_name(text: str) -> tuple[str, bytes | None]:
    return decode_name(unquote_to_bytes(to_bytes(text)).decode("utf-8", ERRORS))
