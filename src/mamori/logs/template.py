"""Access logs written with a custom Apache ``LogFormat`` or nginx ``log_format`` (as GoAccess accepts them).

The case file gives the server's own format string::

    [[access_log]]
    format = "apache"     # or "nginx"
    path = "server/access_log*"
    mapping = { log_format = '%v %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D' }

The string is compiled once into a regular expression: each directive (``%h``, ``%>s``, ``%{User-Agent}i``;
``$remote_addr``, ``$status``, ``$http_user_agent``) becomes a group, the text between them must match as
written, a field between double quotes may hold escaped quotes (``\\"``). Directives mamori does not use are
matched and ignored. The format must say at least the client address, the time and the request (``%r`` /
``$request``, or the method and the URL path apart) and the status.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from mamori.errors import ConfigError
from mamori.logs.base import BaseFormat, ParseContext, bad
from mamori.logs.combined import logged_text, split_request
from mamori.logs.events import AccessEvent
from mamori.logs.urls import decode_url_path

_QUOTED = r'[^"\\]*(?:\\.[^"\\]*)*'
_TOKEN = r"\S+"
_NUMBER = r"[0-9]{1,18}|-"

#: Apache directive → (field, regex of its value).
_APACHE: dict[str, tuple[str, str]] = {
    "h": ("ip", _TOKEN), "a": ("ip", _TOKEN), "l": ("", _TOKEN), "u": ("user", _TOKEN),
    "t": ("clf", r"\[[^\]]+\]"), "r": ("request", _QUOTED), ">s": ("status", r"[0-9]{3}|-"),
    "s": ("status", r"[0-9]{3}|-"), "<s": ("", r"[0-9]{3}|-"), "b": ("bytes", _NUMBER), "B": ("bytes", _NUMBER),
    "O": ("bytes", _NUMBER), "I": ("", _NUMBER), "v": ("vhost", _TOKEN), "V": ("vhost", _TOKEN),
    "m": ("method", _TOKEN),
    "U": ("path", _TOKEN), "q": ("query", r"\S*"), "H": ("protocol", _TOKEN), "D": ("", _TOKEN), "T": ("", _TOKEN),
    "{Referer}i": ("referer", _QUOTED), "{User-Agent}i": ("agent", _QUOTED),
}
#: nginx variable → (field, regex of its value).
_NGINX: dict[str, tuple[str, str]] = {
    "remote_addr": ("ip", _TOKEN), "remote_user": ("user", _TOKEN), "time_local": ("clf", r"[^\]]+"),
    "time_iso8601": ("iso", _TOKEN), "request": ("request", _QUOTED), "status": ("status", r"[0-9]{3}|-"),
    "body_bytes_sent": ("bytes", _NUMBER), "bytes_sent": ("bytes", _NUMBER), "http_referer": ("referer", _QUOTED),
    "http_user_agent": ("agent", _QUOTED), "host": ("vhost", _TOKEN), "server_name": ("vhost", _TOKEN),
    "request_method": ("method", _TOKEN), "uri": ("path", _TOKEN), "request_uri": ("target", _TOKEN),
    "args": ("query", r"\S*"), "server_protocol": ("protocol", _TOKEN),
}
_APACHE_DIRECTIVE = re.compile(r"%(?:[<>]?[0-9,!]*)(\{[^}]*\}[a-zA-Z]|[<>]?[a-zA-Z%])")
_NGINX_VARIABLE = re.compile(r"\$(?:\{([a-z0-9_]+)\}|([a-z0-9_]+))")


def compile_template(template: str, dialect: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """The regex of *template* (``apache`` or ``nginx``) and the field each of its groups fills ("" ignored)."""
    pattern = _APACHE_DIRECTIVE if dialect == "apache" else _NGINX_VARIABLE
    parts: list[str] = []
    fields: list[str] = []
    position = 0
    for m in pattern.finditer(template):
        parts.append(re.escape(template[position:m.start()]))
        position = m.end()
        if dialect == "apache":
            key = m.group(1)
            if key == "%":
                parts.append("%")
                continue
            stripped = key.lstrip("<>") if key not in _APACHE else key
            field, value = _APACHE.get(key) or _APACHE.get(stripped) or ("", _TOKEN)
        else:
            key = m.group(1) or m.group(2)
            field, value = _NGINX.get(key, ("", _TOKEN))
        quoted = template[m.start() - 1:m.start()] == '"' and template[m.end():m.end() + 1] == '"'
        if quoted and value == _TOKEN:
            value = _QUOTED
        if field in fields:
            field = ""  # the first of two fields that say the same thing wins
        parts.append(f"({value})")
        fields.append(field)
    parts.append(re.escape(template[position:]))
    have = set(fields)
    missing = [name for name, options in (("the client address", {"ip"}), ("the time", {"clf", "iso"}),
                                          ("the request", {"request", "path", "target"}), ("the status", {"status"}))
               if not have & options]
    if missing:
        raise ConfigError(f"log_format {template!r} does not say {', '.join(missing)}; mamori needs them to count "
                          "accesses")
    regex = "".join(parts).replace(r"\ ", " ")
    return re.compile(regex, re.ASCII), tuple(fields)


class ApacheTemplateFormat(BaseFormat):
    """An access log in the Apache ``LogFormat`` given as ``mapping.log_format`` in the case file."""

    name: ClassVar[str] = "apache"
    kind: ClassVar[str] = "access"
    sniffable: ClassVar[bool] = False
    dialect: ClassVar[str] = "apache"

    def __init__(self, mapping: Mapping[str, Any] | None = None) -> None:
        template = (mapping or {}).get("log_format")
        if not isinstance(template, str) or not template.strip():
            raise ConfigError(f"format {self.name} needs the server's format string: "
                              f"mapping = {{ log_format = '…' }} in the [[access_log]] table")
        self.template = template
        self.regex, self.fields = compile_template(template, self.dialect)

    def parse_line(self, line: str, ctx: ParseContext) -> AccessEvent:
        m = self.regex.fullmatch(line)
        if m is None:
            raise bad(f"not in the {self.name} log_format of the case file")
        got = {f: v for f, v in zip(self.fields, m.groups(), strict=True) if f}
        when = ctx.times.clf(got["clf"].strip("[]")) if "clf" in got else ctx.times.iso(got.get("iso", ""))
        if when is None:
            raise bad("bad access-log timestamp")
        if "request" in got:
            req = split_request(got["request"])
            method, target, protocol, path, query, encoding = req
        else:
            target = got.get("target") or got.get("path", "") + (("?" + got["query"]) if got.get("query") else "")
            decoded = decode_url_path(target)
            method, protocol = got.get("method", "GET"), got.get("protocol", "")
            path, query, encoding = decoded.path, decoded.query, decoded.encoding
        status = got.get("status", "-")
        size = got.get("bytes", "-")
        user = got.get("user", "-")
        return AccessEvent(when, got["ip"], method, target, path, query, int(status) if status != "-" else 0,
                           int(size) if size != "-" else None, logged_text(got.get("referer")),
                           logged_text(got.get("agent")), got.get("vhost", ""), "" if user == "-" else user,
                           protocol, encoding, ctx.source, ctx.line)


class NginxTemplateFormat(ApacheTemplateFormat):
    """An access log in the nginx ``log_format`` given as ``mapping.log_format`` in the case file."""

    name: ClassVar[str] = "nginx"
    dialect: ClassVar[str] = "nginx"
