"""Apache/nginx access logs: combined and common, with or without a leading virtual host (``%v``).

::

    203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "GET /data/%E5%90%8D%E7%B0%BF.csv HTTP/1.1" 200 68123 "-" "Mozilla/5.0"
    www.example.jp:80 2001:db8::1 - - [11/Apr/2015:10:20:00 +0900] "GET / HTTP/1.1" 304 - "-" "curl/7.38"

The request line, referer and user agent are unescaped (``\\"``, ``\\xE3``: Apache and nginx escape
quotes and non-ASCII bytes); the URL path is decoded by :func:`mamori.logs.urls.decode_url_path`.
Requests that are not HTTP (garbage, TLS handshakes answered 400) are events with an empty method.
Fields after the user agent (nginx ``$http_x_forwarded_for``, ``%D``) are ignored. Fields are split on
ASCII white space only (as the servers write them), and a size has at most 18 digits (it fits an int64).
:mod:`mamori.logs.fastaccess` parses the same lines column-wise and must give identical events.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from mamori.logs.base import BaseFormat, ParseContext, bad
from mamori.logs.events import AccessEvent
from mamori.logs.text import unescape_logged
from mamori.logs.urls import decode_url_path

_QUOTED = r'[^"\\]*(?:\\.[^"\\]*)*'
_LINE = re.compile(
    r"(?:(\S+) )?(\S+) (\S+) (\S+) \[([^\]]+)\] "
    rf'"({_QUOTED})" ([0-9]{{3}}|-) ([0-9]{{1,18}}|-)(?: "({_QUOTED})" "({_QUOTED})")?(?: .*)?',
    re.ASCII,
)


class Request(NamedTuple):
    """A logged request line split and decoded."""

    method: str
    target: str
    protocol: str
    path: str
    query: str
    encoding: str


def split_request(request: str) -> Request:
    """Method, target, protocol and the decoded path of a logged (still escaped) request line."""
    if "\\" in request:
        request = unescape_logged(request)
    method, _, target = request.partition(" ")
    protocol = ""
    if target:
        head, _, last = target.rpartition(" ")
        if head and last.startswith("HTTP/"):
            target, protocol = head, last
    else:
        method, target = "", request
    if target[:1] == "/" or target[:4] == "http":
        decoded = decode_url_path(target)
        return Request(method, target, protocol, decoded.path, decoded.query, decoded.encoding)
    return Request(method, target, protocol, "", "", "ascii")


def logged_text(value: str | None) -> str:
    """A quoted referer / user agent as text: unescaped, "" for ``-`` or an absent field."""
    if value is None:
        return ""
    if "\\" in value:
        value = unescape_logged(value)
    return "" if value == "-" else value


class CombinedFormat(BaseFormat):
    """Apache/nginx combined or common log format, optionally prefixed with the virtual host."""

    name = "combined"
    kind = "access"

    def parse_line(self, line: str, ctx: ParseContext) -> AccessEvent:
        m = _LINE.fullmatch(line)
        if m is None:
            raise bad("not a combined/common access-log line")
        vhost, ip, _ident, user, stamp, request, status, size, referer, agent = m.groups()
        when = ctx.times.clf(stamp)
        if when is None:
            raise bad("bad access-log timestamp")
        req = split_request(request)
        return AccessEvent(when, ip, req.method, req.target, req.path, req.query, int(status) if status != "-" else 0,
                           int(size) if size != "-" else None, logged_text(referer), logged_text(agent), vhost or "",
                           "" if user == "-" else user, req.protocol, req.encoding, ctx.source, ctx.line)


class CommonFormat(CombinedFormat):
    """The common log format (combined without referer and user agent): the same parser, by its own name.

    Not sniffed: ``combined`` already reads common lines when the format is detected.
    """

    name = "common"
    sniffable = False
