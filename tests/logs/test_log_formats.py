"""One table per log format: real-looking lines → the fields they must give (hard cases included)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from mamori.errors import LogFormatError
from mamori.logs.base import ParseContext
from mamori.logs.registry import make_format
from mamori.logs.vsftpd import split_rename

JST = ZoneInfo("Asia/Tokyo")
P9 = timezone(timedelta(hours=9))


def parse(fmt: str, lines: list[str], tz: Any = JST) -> list[Any]:
    f = make_format(fmt)
    ctx = ParseContext("t.log", tz, year=2015)
    out = []
    for n, line in enumerate(lines, 1):
        ctx.line = n
        out.append(f.parse_line(line, ctx))
    return out


def check(event: Any, expected: dict[str, Any]) -> None:
    for key, value in expected.items():
        assert getattr(event, key) == value, (key, getattr(event, key), value)


VSFTPD = [
    ('Sat Apr 11 10:15:01 2015 [pid 2345] [user] OK UPLOAD: Client "203.0.113.5", "/public_html/data/????.csv", '
     "68123 bytes, 512.34Kbyte/sec",
     {"action": "upload", "path": "/public_html/data/????.csv", "size": 68123, "ip": "203.0.113.5", "user": "user",
      "ok": True, "masked": True, "time": datetime(2015, 4, 11, 10, 15, 1, tzinfo=JST)}),
    ('Wed Apr  1 09:05:03 2015 [pid 7] [user] OK LOGIN: Client "::ffff:203.0.113.5"',
     {"action": "login", "ip": "::ffff:203.0.113.5", "time": datetime(2015, 4, 1, 9, 5, 3, tzinfo=JST)}),
    ('Sat Apr 11 10:14:00 2015 [pid 2] [bob] FAIL LOGIN: Client "198.51.100.7"',
     {"action": "login_fail", "ok": False, "user": "bob"}),
    ('Sat Apr 11 10:14:00 2015 [user] OK DELETE: Client "203.0.113.5", "/public_html/a b.csv"',  # no [pid]
     {"action": "delete", "path": "/public_html/a b.csv", "size": None, "masked": False}),
    ('Sat Apr 11 10:16:00 2015 [pid 2] [user] OK RENAME: Client "203.0.113.5", "/d/old name.csv /d/?????? 2.csv"',
     {"action": "rename", "path": "/d/old name.csv", "new_path": "/d/?????? 2.csv", "masked": True}),
    ('Sat Apr 11 10:16:00 2015 [pid 2] [user] OK MKDIR: Client "203.0.113.5", "/public_html/??"',
     {"action": "mkdir", "path": "/public_html/??"}),
    ('Sat Apr 11 10:16:00 2015 [pid 2] [user] OK DOWNLOAD: Client "2001:db8::1", "/x.pdf", 5 bytes, 0.50Kbyte/sec',
     {"action": "download", "ip": "2001:db8::1", "size": 5}),
    ('Sat Apr 11 10:16:00 2015 [pid 2] [user] FAIL UPLOAD: Client "203.0.113.5", "/x.csv", 0.00Kbyte/sec',
     {"action": "upload", "ok": False, "size": 0}),
    ('Sat Apr 11 10:16:00 2015 [pid 2] [user] OK RMDIR: Client "203.0.113.5", "/old"', {"action": "rmdir"}),
    ('Apr 11 10:16:00 www1 vsftpd[99]: [pid 99] [user] OK DELETE: Client "203.0.113.5", "/x"',  # syslog_enable
     {"action": "delete", "time": datetime(2015, 4, 11, 10, 16, tzinfo=JST)}),
]


@pytest.mark.parametrize(("line", "expected"), VSFTPD)
def test_vsftpd(line: str, expected: dict[str, Any]) -> None:
    check(parse("vsftpd", [line])[0], expected)


@pytest.mark.parametrize("line", [
    'Sat Apr 11 10:15:00 2015 [pid 2345] CONNECT: Client "203.0.113.5"',
    'Sat Apr 11 10:15:00 2015 [pid 2345] [user] FTP command: Client "203.0.113.5", "STOR x"',
    'Sat Apr 11 10:15:00 2015 [pid 2345] [user] OK CHMOD: Client "203.0.113.5", "/x 755"',
])
def test_vsftpd_lines_without_events(line: str) -> None:
    assert parse("vsftpd", [line]) == [None]


def test_vsftpd_utc_log() -> None:
    event = parse("vsftpd", ['Sat Apr 11 01:15:01 2015 [pid 1] [u] OK DELETE: Client "1.2.3.4", "/x"'], UTC)[0]
    assert event.time.astimezone(JST) == datetime(2015, 4, 11, 10, 15, 1, tzinfo=JST)


@pytest.mark.parametrize(("arg", "old", "new"), [
    ("/d/a.csv /d/b.csv", "/d/a.csv", "/d/b.csv"),
    ("/d/a b.csv /d/c d.csv", "/d/a b.csv", "/d/c d.csv"),
    ("/dir /a.csv /dir /b.csv", "/dir /a.csv", "/dir /b.csv"),  # a directory name ending in a space
    ("/d/a.csv /e/b.csv", "/d/a.csv", "/e/b.csv"),  # moved to another directory
    ("a b.csv c d.csv", "a b.csv", "c d.csv"),  # old vsftpd: relative names
])
def test_vsftpd_rename_split(arg: str, old: str, new: str) -> None:
    assert split_rename(arg) == (old, new)


XFERLOG = [
    ("Sat Apr 11 10:15:01 2015 1 203.0.113.5 68123 /home/u/public_html/data/a_b.csv b _ i r user ftp 0 * c",
     {"action": "upload", "path": "/home/u/public_html/data/a_b.csv", "size": 68123, "masked": True, "ok": True}),
    ("Sat Apr 11 10:15:01 2015 0 203.0.113.5 0 /home/u/public_html/x.csv b _ d r user ftp 0 * c",
     {"action": "delete", "masked": False}),  # ProFTPD's d = delete
    ("Sat Apr 11 10:15:01 2015 3 2001:db8::5 100 /x/???.txt a _ o a anonymous ftp 0 * i",
     {"action": "download", "ok": False, "ip": "2001:db8::5", "masked": True}),
    ("Sat Apr 01 10:15:01 2015 1 host.example.jp 5 /名簿.csv b _ i r user ftp 1 * c",  # Pure-FTPd %02d day
     {"path": "/名簿.csv", "time": datetime(2015, 4, 1, 10, 15, 1, tzinfo=JST)}),
    ("Sat Apr 11 10:15:01 2015 1 1.2.3.4 5 /a name with spaces.csv b _ i r user ftp 0 * c",
     {"path": "/a name with spaces.csv"}),
    ("Sat Apr 11 10:15:01 2015 1 1.2.3.4 5 /old.csv b _ i r user ftp 0 *",  # old wu-ftpd: no status
     {"path": "/old.csv", "ok": True}),
]


@pytest.mark.parametrize(("line", "expected"), XFERLOG)
def test_xferlog(line: str, expected: dict[str, Any]) -> None:
    check(parse("xferlog", [line])[0], expected)


def test_proftpd_session() -> None:
    lines = [
        '203.0.113.5 UNKNOWN - [11/Apr/2015:10:15:00 +0900] "USER user" 331 -',
        '203.0.113.5 UNKNOWN user [11/Apr/2015:10:15:00 +0900] "PASS (hidden)" 230 -',
        '203.0.113.5 UNKNOWN user [11/Apr/2015:10:15:01 +0900] "CWD /public_html/data" 250 -',
        '203.0.113.5 UNKNOWN user [11/Apr/2015:10:15:02 +0900] "STOR 名簿 2011.csv" 226 68123',
        '203.0.113.5 UNKNOWN user [11/Apr/2015:10:15:03 +0900] "RNFR 名簿 2011.csv" 350 -',
        '203.0.113.5 UNKNOWN user [11/Apr/2015:10:15:04 +0900] "RNTO /public_html/data/b.csv" 250 -',
        '203.0.113.5 UNKNOWN user [11/Apr/2015:10:15:05 +0900] "DELE b.csv" 250 -',
        '2001:db8::9 UNKNOWN - [11/Apr/2015:10:15:06 +0900] "PASS (hidden)" 530 -',
        '203.0.113.5 UNKNOWN user [11/Apr/2015:10:15:07 +0900] "RETR /x.csv" 550 -',
        '203.0.113.5 UNKNOWN user [11/Apr/2015:10:15:08 +0900] "MKD new" 257 - extra fields here',
    ]
    e = parse("proftpd", lines)
    assert e[0] is None and e[2] is None and e[4] is None
    check(e[1], {"action": "login", "user": "user", "ip": "203.0.113.5"})
    check(e[3], {"action": "upload", "path": "/public_html/data/名簿 2011.csv", "size": 68123,
                 "time": datetime(2015, 4, 11, 10, 15, 2, tzinfo=P9)})
    check(e[5], {"action": "rename", "path": "/public_html/data/名簿 2011.csv", "new_path": "/public_html/data/b.csv"})
    check(e[6], {"action": "delete", "path": "/public_html/data/b.csv", "size": None})
    check(e[7], {"action": "login_fail", "ok": False, "ip": "2001:db8::9"})
    check(e[8], {"action": "download", "ok": False})
    check(e[9], {"action": "mkdir", "path": "/public_html/data/new"})


PUREFTPD = [
    ("1428714901 5528f1f5.929 user 203.0.113.5 U 68123 2 /home/u/public_html/a b.csv",
     {"action": "upload", "size": 68123, "path": "/home/u/public_html/a b.csv",
      "time": datetime(2015, 4, 11, 1, 15, 1, tzinfo=UTC)}),
    ('203.0.113.5 - user [11/Apr/2015:10:15:01 +0900] "PUT /public_html/%E5%90%8D%E7%B0%BF.csv" 200 68123',
     {"action": "upload", "path": "/public_html/名簿.csv"}),
    ('203.0.113.5 - user [11/Apr/2015:10:15:01 +0900] "GET /public_html/%96%BC%95%EB.csv" 200 9',  # CP932 name
     {"action": "download", "path": "/public_html/名簿.csv", "raw_name_bytes": b"/public_html/\x96\xbc\x95\xeb.csv"}),
    ("2015-04-11 01:15:01 203.0.113.5 []created /public_html/a.csv 226 user 68123",
     {"action": "upload", "time": datetime(2015, 4, 11, 1, 15, 1, tzinfo=UTC)}),
    ("Apr 11 10:15:01 www1 pure-ftpd: (user@203.0.113.5) [NOTICE] /home/u/public_html/a b.csv deleted",
     {"action": "delete", "path": "/home/u/public_html/a b.csv", "time": datetime(2015, 4, 11, 10, 15, 1, tzinfo=JST)}),
    ("Apr 11 10:15:01 www1 pure-ftpd[77]: (user@2001:db8::1) [INFO] Deleted /home/u/x.csv",
     {"action": "delete", "ip": "2001:db8::1"}),
    ("Apr 11 10:15:01 www1 pure-ftpd: (user@203.0.113.5) [NOTICE] /h/a.csv uploaded  (68123 bytes, 55.20KB/sec)",
     {"action": "upload", "size": 68123}),
    ("Apr 11 10:15:01 www1 pure-ftpd: (?@203.0.113.5) [INFO] user is now logged in", {"action": "login"}),
    ("Apr 11 10:15:01 www1 pure-ftpd: (?@203.0.113.5) [WARNING] Authentication failed for user [root]",
     {"action": "login_fail", "user": "root"}),
]


@pytest.mark.parametrize(("line", "expected"), PUREFTPD)
def test_pureftpd(line: str, expected: dict[str, Any]) -> None:
    check(parse("pureftpd", [line])[0], expected)


@pytest.mark.parametrize("line", [
    "#Fields: date time c-ip cs-method cs-uri-stem sc-status cs-username sc-bytes",
    "Apr 11 10:15:01 www1 sshd[5]: Accepted publickey for root",
    "Apr 11 10:15:01 www1 pure-ftpd: (?@203.0.113.5) [INFO] New connection from 203.0.113.5",
])
def test_pureftpd_lines_without_events(line: str) -> None:
    assert parse("pureftpd", [line]) == [None]


COMBINED = [
    ('203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "GET /data/%E5%90%8D%E7%B0%BF.csv HTTP/1.1" 200 68123 "-" "Mozilla/5.0"',
     {"path": "/data/名簿.csv", "path_encoding": "utf-8", "status": 200, "bytes": 68123, "referer": "",
      "user_agent": "Mozilla/5.0", "method": "GET", "protocol": "HTTP/1.1"}),
    ('www.example.jp:80 2001:db8::1 - - [11/Apr/2015:10:20:00 +0900] "GET /a/../%96%BC%95%EB.csv?x=1 HTTP/1.1" 304 - '
     '"http://ref.example/" "curl \\"quoted\\" 7.38"',
     {"vhost": "www.example.jp:80", "ip": "2001:db8::1", "path": "/名簿.csv", "path_encoding": "cp932",
      "query": "x=1", "bytes": None, "user_agent": 'curl "quoted" 7.38', "referer": "http://ref.example/"}),
    ('198.51.100.1 - alice [11/Apr/2015:10:20:00 +0900] "GET /\\xe5\\x90\\x8d.csv HTTP/1.0" 200 5',  # common, raw bytes
     {"path": "/名.csv", "user": "alice", "user_agent": ""}),
    ('198.51.100.1 - - [11/Apr/2015:10:20:00 +0900] "-" 408 - "-" "-"', {"method": "", "path": "", "status": 408}),
    ('198.51.100.1 - - [11/Apr/2015:10:20:00 +0900] "\\x16\\x03\\x01" 400 226 "-" "-"', {"method": "", "status": 400}),
    ('198.51.100.1 - - [11/Apr/2015:10:20:00 +0900] "GET //a/./b/../../../c HTTP/1.1" 404 0 "-" "-" "1.2.3.4"',
     {"path": "/c", "status": 404, "bytes": 0}),
]


@pytest.mark.parametrize(("line", "expected"), COMBINED)
def test_combined(line: str, expected: dict[str, Any]) -> None:
    check(parse("combined", [line])[0], expected)


@pytest.mark.parametrize(("fmt", "line"), [
    ("vsftpd", "Sat Apr 11 10:15:01 2015 1 1.2.3.4 5 /x b _ i r u ftp 0 * c"),
    ("xferlog", 'Sat Apr 11 10:15:01 2015 [pid 2] [u] OK LOGIN: Client "1.2.3.4"'),
    ("xferlog", "Sat Apr 11 10:15:01 2015 1 1.2.3.4 5 /x b _ q r u ftp 0 * c"),
    ("proftpd", "hello world"),
    ("pureftpd", "hello world"),
    ("combined", '1.2.3.4 - - [99/Xyz/2015:10:20:00 +0900] "GET / HTTP/1.1" 200 5'),
    ("combined", ""),
])
def test_wrong_lines_are_bad(fmt: str, line: str) -> None:
    with pytest.raises(LogFormatError):
        parse(fmt, [line])


def test_csv_mapping() -> None:
    f = make_format("csv", time="日時", time_format="%Y/%m/%d %H:%M:%S", action="操作",
                    actions={"アップロード": "upload", "削除": "delete"}, path="ファイル", ip="IP", size="サイズ")
    ctx = ParseContext("c.csv", JST)
    rows = ["日時,操作,ファイル,IP,サイズ", '2015/04/11 10:15:01,アップロード,/d/名簿 1.csv,203.0.113.5,"68,123"',
            "2015/04/11 10:15:02,権限変更,/d/x,203.0.113.5,", "2015/04/12 09:00:00,削除,/d/名簿 1.csv,203.0.113.5,"]
    out = [f.parse_line(r, ctx) for r in rows]
    assert out[0] is None and out[2] is None
    check(out[1], {"action": "upload", "size": 68123, "path": "/d/名簿 1.csv",
                   "time": datetime(2015, 4, 11, 10, 15, 1, tzinfo=JST)})
    check(out[3], {"action": "delete", "size": None})
    with pytest.raises(LogFormatError):
        f.parse_line("2015/13/45 10:15:01,削除,/d/x,1.2.3.4,", ctx)


APACHE_CUSTOM = '%v:%p %a %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i" %D "%{X-Forwarded-For}i"'
NGINX_CUSTOM = ('$host $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                '"$http_referer" "$http_user_agent" rt=$request_time')
NGINX_SPLIT = '$time_iso8601 $remote_addr $request_method $uri $args $status $body_bytes_sent "$http_user_agent"'


@pytest.mark.parametrize(("fmt", "template", "line", "expected"), [
    ("apache", APACHE_CUSTOM,
     'www.example.jp:80 203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "GET /data/%E5%90%8D%E7%B0%BF.csv HTTP/1.1" '
     '200 68123 "-" "Mozilla/5.0 (\\"x\\")" 5123 "10.0.0.1, 10.0.0.2"',
     {"ip": "203.0.113.9", "path": "/data/名簿.csv", "status": 200, "bytes": 68123, "vhost": "www.example.jp",
      "time": datetime(2015, 4, 11, 10, 20, tzinfo=P9)}),
    ("apache", '%h %l %u %t "%r" %>s %B', '198.51.100.7 - alice [11/Apr/2015:10:20:00 +0900] "GET / HTTP/1.0" 304 0',
     {"ip": "198.51.100.7", "user": "alice", "status": 304, "bytes": 0, "method": "GET"}),
    ("nginx", NGINX_CUSTOM,
     'example.jp 2001:db8::5 - - [11/Apr/2015:10:20:00 +0900] "GET /a.csv?x=1 HTTP/2.0" 206 512 "-" '
     '"curl/7.38" rt=0.003',
     {"ip": "2001:db8::5", "path": "/a.csv", "query": "x=1", "status": 206, "bytes": 512, "vhost": "example.jp",
      "user_agent": "curl/7.38"}),
    ("nginx", NGINX_SPLIT, '2015-04-11T10:20:00+09:00 203.0.113.9 GET /%E5%90%8D.csv - 200 10 "Mozilla"',
     {"ip": "203.0.113.9", "method": "GET", "path": "/名.csv", "status": 200, "bytes": 10,
      "time": datetime(2015, 4, 11, 10, 20, tzinfo=P9)}),
])
def test_custom_log_format_strings(fmt: str, template: str, line: str, expected: dict[str, Any]) -> None:
    f = make_format(fmt, mapping={"log_format": template})
    check(f.parse_line(line, ParseContext("t.log", JST, year=2015)), expected)
    with pytest.raises(LogFormatError):
        f.parse_line(line.replace(" 200 ", " two hundred ").replace(" 206 ", " x ").replace(" 304 ", " y "),
                     ParseContext("t.log", JST))


@pytest.mark.parametrize(("fmt", "template", "message"), [
    ("apache", '%l %u %t "%r" %>s %b', "the client address"),
    ("nginx", "$remote_addr $status", "the time, the request"),
    ("apache", "", "needs the server's format string"),
])
def test_a_format_string_that_cannot_count_is_refused(fmt: str, template: str, message: str) -> None:
    from mamori.errors import ConfigError

    with pytest.raises(ConfigError, match=message):
        make_format(fmt, mapping={"log_format": template})


def test_common_is_a_format_of_its_own() -> None:
    (event,) = parse("common", ['203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "GET /x.csv HTTP/1.1" 200 5'])
    check(event, {"ip": "203.0.113.9", "path": "/x.csv", "status": 200, "bytes": 5, "user_agent": ""})


VSFTPD_PROTOCOL = [
    'Sat Apr 11 10:15:00 2015 [pid 2345] CONNECT: Client "203.0.113.5"',
    'Sat Apr 11 10:15:00 2015 [pid 2345] FTP response: Client "203.0.113.5", "220 (vsFTPd 3.0.2)"',
    'Sat Apr 11 10:15:00 2015 [pid 2345] FTP command: Client "203.0.113.5", "FEAT"',
    'Sat Apr 11 10:15:00 2015 [pid 2345] FTP response: Client "203.0.113.5", "211-Features:',
    " EPRT",
    " EPSV",
    " UTF8",
    '211 End"',
    'Sat Apr 11 10:15:00 2015 [pid 2345] FTP response: Client "203.0.113.5", "214-The following commands are:',
    " ABOR ACCT ALLO APPE CDUP CWD  DELE EPRT EPSV FEAT HELP LIST MDTM MKD",
    "214 Help OK.",
    '"',
    'Sat Apr 11 10:15:01 2015 [pid 2345] [user] OK UPLOAD: Client "203.0.113.5", "/public_html/a.csv", 5 bytes, '
    "1.00Kbyte/sec",
]


def test_vsftpd_protocol_log_multiline_replies_are_not_bad_lines() -> None:
    events = parse("vsftpd", VSFTPD_PROTOCOL)
    assert [e.action for e in events if e is not None] == ["upload"]
    # outside an open reply, a stray line is still not vsftpd
    with pytest.raises(LogFormatError):
        parse("vsftpd", [VSFTPD_PROTOCOL[-1], " EPRT"])


def test_vsftpd_protocol_log_through_the_driver_counts_no_bad_lines(tmp_path: Any) -> None:
    from mamori.logs.driver import stream_file

    path = tmp_path / "vsftpd.log"
    path.write_text("\n".join(VSFTPD_PROTOCOL * 40) + "\n", encoding="utf-8")
    stream = stream_file([path], make_format("vsftpd"), timezone="Asia/Tokyo")
    events = list(stream)
    assert len(events) == 40 and stream.counts.bad == 0


PROFTPD_SYSLOG = [
    "Apr 11 10:14:40 www1 proftpd[2345]: www1 (203.0.113.5[203.0.113.5]) - FTP session opened.",
    "Apr 11 10:14:40 www1 proftpd[2345]: www1 (203.0.113.5[203.0.113.5]) - USER bob (Login failed): Incorrect "
    "password.",
    "Apr 11 10:14:58 www1 proftpd[2345]: www1 (203.0.113.5[203.0.113.5]) - USER user: Login successful.",
    'Apr 11 10:15:01 www1 proftpd[2345]: 203.0.113.5 UNKNOWN user [11/Apr/2015:10:15:01 +0900] "CWD /public_html" '
    "250 -",
    'Apr 11 10:15:01 www1 proftpd[2345]: 203.0.113.5 UNKNOWN user [11/Apr/2015:10:15:01 +0900] "STOR 名簿.csv" 226 '
    "68123",
    "Apr 11 10:15:02 www1 CRON[99]: (root) CMD (run-parts /etc/cron.hourly)",
    "Apr 11 10:16:00 www1 proftpd[2345]: www1 (203.0.113.5[203.0.113.5]) - FTP session closed.",
]


def test_proftpd_syslog_form() -> None:
    events = [e for e in parse("proftpd", PROFTPD_SYSLOG) if e is not None]
    assert [(e.action, e.user, e.ip) for e in events] == [
        ("login_fail", "bob", "203.0.113.5"), ("login", "user", "203.0.113.5"), ("upload", "user", "203.0.113.5")]
    check(events[-1], {"path": "/public_html/名簿.csv", "size": 68123})
    check(events[1], {"time": datetime(2015, 4, 11, 10, 14, 58, tzinfo=JST)})
    from mamori.logs.registry import guess_format

    assert guess_format(PROFTPD_SYSLOG) == "proftpd"


def test_pureftpd_syslog_renames_and_double_slashes() -> None:
    events = parse("pureftpd", [
        "Apr 11 10:15:01 www1 pure-ftpd: (user@203.0.113.5) [NOTICE] /home/u//public_html/a.csv uploaded  "
        "(5 bytes, 1.00KB/sec)",
        "Apr 11 10:15:30 www1 pure-ftpd[77]: (user@203.0.113.5) [NOTICE] File successfully renamed or moved: "
        "[/home/u//public_html/a.csv]->[/home/u//public_html/名簿.csv]",
        "Apr 11 10:16:00 www1 pure-ftpd[77]: (user@203.0.113.5) [NOTICE] /home/u//public_html/名簿.csv deleted",
    ])
    assert [(e.action, e.path, e.new_path) for e in events] == [
        ("upload", "/home/u/public_html/a.csv", None),
        ("rename", "/home/u/public_html/a.csv", "/home/u/public_html/名簿.csv"),
        ("delete", "/home/u/public_html/名簿.csv", None)]
