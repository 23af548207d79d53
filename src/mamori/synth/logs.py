"""Synthetic log lines: FileEvent / AccessEvent values written as each log format writes them.

The inverse of the parsers in :mod:`mamori.logs` (round-trip tests, the demo case, benchmarks).
Times are written in *tz* (default: the event's own zone); names are masked as the real server
would mask them (vsftpd ``?`` per byte ≥ 0x80 in the client's encoding, xferlog ``_`` for spaces).
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from mamori.logs.events import AccessEvent, FileEvent
from mamori.logs.names import mask_name
from mamori.logs.text import to_bytes
from mamori.logs.timeparse import MONTH_NAMES, format_clf, format_ctime
from mamori.logs.urls import encode_url_path

_VSFTPD_WORDS = {"upload": "UPLOAD", "download": "DOWNLOAD", "delete": "DELETE", "rename": "RENAME",
                 "mkdir": "MKDIR", "rmdir": "RMDIR", "login": "LOGIN", "login_fail": "LOGIN"}
_FTP_COMMANDS = {"upload": "STOR", "download": "RETR", "delete": "DELE", "mkdir": "MKD", "rmdir": "RMD"}
_APACHE_PLAIN = re.compile(r'[^\x20-\x7e]|["\\]')
_APACHE_BYTES = re.compile(rb'[^\x20-\x7e]|["\\]')
_PURE_KEEP = re.compile(rb"[^A-Za-z0-9./_-]")
JST = timezone(timedelta(hours=9))


def _local(value: datetime, tz: tzinfo | None) -> datetime:
    return value.astimezone(tz) if tz is not None else value


def vsftpd_line(event: FileEvent, *, pid: int | None = 2345, client_encoding: str = "utf-8",
                tz: tzinfo | None = None) -> str:
    """The line vsftpd writes for *event* (names masked as vsftpd masks them)."""
    word = _VSFTPD_WORDS[event.action]
    parts = [format_ctime(_local(event.time, tz))]
    if pid is not None:
        parts.append(f"[pid {pid}]")
    if event.user:
        parts.append(f"[{mask_name(event.user)}]")
    ok = event.ok and event.action != "login_fail"
    parts.append(f"{'OK' if ok else 'FAIL'} {word}: Client \"{event.ip}\"")
    line = " ".join(parts)
    if event.path:
        arg = mask_name(event.path, client_encoding)
        if event.action == "rename":
            arg += " " + mask_name(event.new_path or "", client_encoding)
        line += f', "{arg}"'
    if event.size and event.action not in ("login", "login_fail"):
        line += f", {event.size} bytes"
    if event.action in ("upload", "download"):
        line += ", 512.34Kbyte/sec"
    return line


def xferlog_line(event: FileEvent, *, vsftpd: bool = False, client_encoding: str = "utf-8",
                 tz: tzinfo | None = None) -> str:
    """The xferlog line for an upload/download/delete (*vsftpd* also masks bytes ≥ 0x80 as ``?``)."""
    direction = {"upload": "i", "download": "o", "delete": "d"}[event.action]
    name = mask_name(event.path, client_encoding, high_bytes=vsftpd, spaces=True)
    status = "c" if event.ok else "i"
    return (f"{format_ctime(_local(event.time, tz), pad=' ' if vsftpd else '0')} 1 {event.ip} {event.size or 0} "
            f"{name} b _ {direction} r {event.user or 'ftp'} ftp 0 * {status}")


def proftpd_lines(event: FileEvent, *, tz: tzinfo | None = None) -> list[str]:
    """ProFTPD ExtendedLog lines (``default`` format) for *event*: two for a rename or a log-in."""
    stamp = format_clf(_local(event.time, tz))
    user = event.user or "-"

    def line(request: str, status: int, size: int | None, who: str = user) -> str:
        return f'{event.ip} UNKNOWN {who} [{stamp}] "{request}" {status} {"-" if size is None else size}'

    if event.action in ("login", "login_fail"):
        ok = event.action == "login"
        return [line(f"USER {event.user}", 331, None, "-"),
                line("PASS (hidden)", 230 if ok else 530, None, user if ok else "-")]
    if event.action == "rename":
        return [line(f"RNFR {event.path}", 350, None), line(f"RNTO {event.new_path}", 250 if event.ok else 550, None)]
    command = _FTP_COMMANDS[event.action]
    good = {"STOR": 226, "RETR": 226, "DELE": 250, "MKD": 257, "RMD": 250}[command]
    size = event.size if event.action in ("upload", "download") else None
    return [line(f"{command} {event.path}", good if event.ok else 550, size)]


def pureftpd_line(event: FileEvent, style: str = "stats", *, tz: tzinfo | None = None, host: str = "www1") -> str:
    """A Pure-FTPd line: transfer log in *style* "stats" / "clf" / "w3c", or "syslog" (also deletions)."""
    user = event.user or "-"
    up = event.action == "upload"
    if style == "stats":
        return (f"{int(event.time.timestamp())} 5528f1f5.929 {user} {event.ip} {'U' if up else 'D'} "
                f"{event.size or 0} 2 {event.path}")
    if style == "clf":
        return (f'{event.ip} - {user} [{format_clf(_local(event.time, tz))}] '
                f'"{"PUT" if up else "GET"} {_pure_quote(event.path)}" 200 {event.size or 0}')
    if style == "w3c":
        utc = event.time.astimezone(UTC)
        return (f"{utc:%Y-%m-%d %H:%M:%S} {event.ip} []{'created' if up else 'sent'} {_pure_quote(event.path)} "
                f"226 {user} {event.size or 0}")
    local = _local(event.time, tz)
    prefix = f"{MONTH_NAMES[local.month - 1]} {local.day:2d} {local:%H:%M:%S} {host} pure-ftpd: ({user}@{event.ip})"
    if event.action == "delete":
        return f"{prefix} [NOTICE] Deleted {event.path}"
    if event.action == "login":
        return f"{prefix} [INFO] {user} is now logged in"
    if event.action == "login_fail":
        return f"{prefix} [WARNING] Authentication failed for user [{user}]"
    word = "uploaded" if up else "downloaded"
    return f"{prefix} [NOTICE] {event.path} {word}  ({event.size or 0} bytes, 512.34KB/sec)"


def _pure_quote(path: str) -> str:
    # Pure-FTPd leaves only [A-Za-z0-9./_-] unencoded, with upper-case hex
    return _PURE_KEEP.sub(lambda m: b"%%%02X" % m.group()[0], to_bytes(path)).decode("ascii")


def _apache_escape(text: str) -> str:
    """Escape as Apache's ap_escape_logitem does: quotes and backslashes, other bytes as ``\\xhh``."""
    if _APACHE_PLAIN.search(text) is None:
        return text
    return _APACHE_BYTES.sub(_escape_byte, to_bytes(text)).decode("ascii")


def _escape_byte(match: re.Match[bytes]) -> bytes:
    byte = match.group()
    return b"\\" + byte if byte in (b'"', b"\\") else b"\\x%02x" % byte[0]


def combined_line(event: AccessEvent, *, common: bool = False, tz: tzinfo | None = None) -> str:
    """The Apache/nginx combined (or *common*) line for *event*; with ``event.vhost`` it leads the line."""
    request = " ".join(p for p in (event.method, event.target, event.protocol) if p)
    line = (f"{event.vhost + ' ' if event.vhost else ''}{event.ip} - {event.user or '-'} "
            f"[{format_clf(_local(event.time, tz))}] \"{_apache_escape(request)}\" {event.status} "
            f"{'-' if event.bytes is None else event.bytes}")
    if not common:
        line += f' "{_apache_escape(event.referer or "-")}" "{_apache_escape(event.user_agent or "-")}"'
    return line


CSV_COLUMNS = ("日時", "操作", "ファイル", "IPアドレス", "サイズ")
CSV_ACTIONS = {"upload": "アップロード", "delete": "削除", "rename": "名前変更", "download": "ダウンロード",
               "mkdir": "フォルダ作成", "rmdir": "フォルダ削除", "login": "ログイン", "login_fail": "ログイン失敗"}


def csv_lines(events: Sequence[FileEvent], columns: Sequence[str] = CSV_COLUMNS,
              actions: dict[str, str] | None = None) -> list[str]:
    """A control-panel style CSV (header + rows) for *events*; *actions* maps action → label."""
    labels = actions or CSV_ACTIONS
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for e in events:
        writer.writerow([f"{e.time:%Y/%m/%d %H:%M:%S}", labels[e.action], e.path, e.ip,
                         "" if e.size is None else f"{e.size:,}"])
    return buffer.getvalue().splitlines()


_AGENTS = (
    "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; MJ12bot/v1.4.5; http://www.majestic12.co.uk/bot.php?+)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    'Mozilla/5.0 (iPhone; CPU iPhone OS 8_3 like Mac OS X) AppleWebKit/600.1.4 "quoted" Mobile/12F70',
)
_FILES = ("/", "/index.html", "/data/名簿.csv", "/data/選挙人名簿 (2011).xls", "/img/logo.png",
          "/data/テスト.txt", "/robots.txt", "/data/report.pdf")


def random_access_events(count: int, *, seed: int = 0, start: datetime | None = None) -> Iterator[AccessEvent]:
    """*count* plausible AccessEvents (mixed IPv4/IPv6, UTF-8 and CP932 encoded names, 404s, ``-`` sizes)."""
    rng = random.Random(seed)
    when = start or datetime(2015, 4, 1, tzinfo=JST)
    ips = [f"203.0.113.{i}" for i in range(1, 60)] + [f"2001:db8::{i:x}" for i in range(1, 20)]
    targets = [encode_url_path(p) for p in _FILES] + [encode_url_path(p, "cp932") for p in _FILES[2:6]]
    targets += [t + "?q=1" for t in targets[:3]]
    for _ in range(count):
        when += timedelta(seconds=rng.random() * 3)
        status = rng.choice((200, 200, 200, 206, 304, 404))
        yield AccessEvent(when.replace(microsecond=0), rng.choice(ips), "GET", rng.choice(targets), "", "", status,
                          None if status == 304 else rng.randrange(100, 200_000),
                          rng.choice(("", "http://www.example.jp/links.html")), rng.choice(_AGENTS),
                          protocol="HTTP/1.1")
