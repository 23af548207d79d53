"""Property tests: parsers never crash on arbitrary lines; generated lines round-trip; decoding never raises."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mamori.errors import LogFormatError
from mamori.logs.base import LogFormat, ParseContext
from mamori.logs.events import AccessEvent, FileEvent
from mamori.logs.names import mask_name, masked_lengths, matches_masked
from mamori.logs.registry import log_formats, make_format
from mamori.logs.urls import decode_url_path, encode_url_path
from mamori.synth.logs import combined_line, proftpd_lines, pureftpd_line, vsftpd_line, xferlog_line

JST = ZoneInfo("Asia/Tokyo")
KANJI = "名簿選挙人住所氏生年月日性別電話番号堺市北区南美原髙﨑浜松"
NAME_CHARS = st.sampled_from(
    KANJI + "".join(map(chr, range(0x3041, 0x3094))) + "".join(map(chr, range(0x30A1, 0x30F7)))
    + "ｱｲｳｴｵ①ー・abcXYZ0189 -_.()"
)
NAMES = st.text(NAME_CHARS, min_size=1, max_size=12).filter(lambda s: s.strip(" .") == s and s not in (".", ".."))
TIMES = st.datetimes(datetime(2001, 1, 1), datetime(2030, 12, 31)).map(lambda d: d.replace(microsecond=0, tzinfo=JST))
IPS = st.one_of(st.ip_addresses(v=4).map(str), st.ip_addresses(v=6).map(str))
USERS = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
SIZES = st.integers(0, 10**10)


TEMPLATES = {
    "apache": '%v %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D',
    "nginx": '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" '
             '"$http_user_agent" "$http_x_forwarded_for" $request_time',
}


def formats() -> list[LogFormat]:
    out = []
    for cls in log_formats():
        if cls.name == "csv":
            out.append(make_format("csv", time=0, path=1, action=2, actions={"u": "upload"}, size=3, header=False))
        elif cls.name in TEMPLATES:
            out.append(make_format(cls.name, mapping={"log_format": TEMPLATES[cls.name]}))
        else:
            out.append(cls())
    return out


ARBITRARY = st.one_of(
    st.text(max_size=300),
    st.binary(max_size=300).map(lambda b: b.decode("utf-8", "surrogateescape")),
    # near misses: real lines cut or spliced
    st.tuples(st.sampled_from([
        'Sat Apr 11 10:15:01 2015 [pid 2] [u] OK RENAME: Client "1.2.3.4", "/a b /c d", 5 bytes, 1.0Kbyte/sec',
        "Sat Apr 11 10:15:01 2015 1 1.2.3.4 5 /x_y b _ d r u ftp 0 * c",
        '1.2.3.4 UNKNOWN u [11/Apr/2015:10:15:02 +0900] "RNTO x" 250 -',
        "1428714901 5528f1f5.929 u 1.2.3.4 U 5 2 /a b",
        'h:80 ::1 - - [11/Apr/2015:10:20:00 +0900] "GET /%E5\\x90 HTTP/1.1" 200 - "-" "a\\"b"',
        "Apr 11 10:15:01 www1 pure-ftpd: (u@1.2.3.4) [NOTICE] /a uploaded  (5 bytes, 1KB/sec)",
        "Apr 11 10:15:01 w proftpd[2]: w (1.2.3.4[1.2.3.4]) - USER u (Login failed): no",
        'Apr 11 10:15:01 w proftpd[2]: 1.2.3.4 UNKNOWN u [11/Apr/2015:10:15:02 +0900] "STOR x" 226 5',
        "Apr 11 10:15:01 w pure-ftpd: (u@1.2.3.4) [NOTICE] File successfully renamed or moved: [a]->[b]",
        'Sat Apr 11 10:15:01 2015 [pid 2] FTP response: Client "1.2.3.4", "211-Features:',
        'www.x.jp 1.2.3.4 - - [11/Apr/2015:10:20:00 +0900] "GET / HTTP/1.1" 200 5 "-" "a" 12',
    ]), st.integers(0, 120), st.text(max_size=20)).map(lambda t: t[0][: t[1]] + t[2]),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(ARBITRARY)
def test_parse_line_never_raises_other_errors(line: str) -> None:
    for fmt in formats():
        ctx = ParseContext("p", JST, year=2015)
        try:
            event = fmt.parse_line(line, ctx)
        except LogFormatError:
            continue
        assert event is None or isinstance(event, FileEvent | AccessEvent)
        assert fmt.matches([line, line]) in (True, False)


def file_events(actions: tuple[str, ...]) -> st.SearchStrategy[FileEvent]:
    @st.composite
    def build(draw: st.DrawFn) -> FileEvent:
        action = draw(st.sampled_from(actions))
        path = "" if action.startswith("login") else "/public_html/" + draw(NAMES)
        new_path = "/public_html/" + draw(NAMES) if action == "rename" else None
        size = draw(SIZES) if action in ("upload", "download") else None
        ok = action != "login_fail" and draw(st.booleans()) if action not in ("login", "login_fail") else (
            action == "login")
        return FileEvent(draw(TIMES), action, path, new_path, size, draw(IPS), draw(USERS), ok)

    return build()


def parse_one(fmt: str, lines: list[str]) -> FileEvent | AccessEvent | None:
    f = make_format(fmt)
    ctx = ParseContext("p", JST, year=2015)
    events = [f.parse_line(line, ctx) for line in lines]
    found = [e for e in events if e is not None]
    assert len(found) == 1
    return found[0]


@settings(max_examples=150)
@given(file_events(("upload", "download", "delete", "rename", "mkdir", "rmdir", "login", "login_fail")),
       st.sampled_from(["utf-8", "cp932"]))
def test_vsftpd_round_trip(event: FileEvent, encoding: str) -> None:
    parsed = parse_one("vsftpd", [vsftpd_line(event, client_encoding=encoding)])
    assert isinstance(parsed, FileEvent)
    assert (parsed.time, parsed.action, parsed.ip, parsed.user, parsed.ok) == (
        event.time, event.action, event.ip, event.user, event.ok)
    assert parsed.path == mask_name(event.path, encoding)
    assert matches_masked(parsed.path, event.path)
    if event.new_path is not None:
        assert parsed.new_path == mask_name(event.new_path, encoding)
    assert parsed.size == (event.size if event.action in ("upload", "download") else None)


@settings(max_examples=100)
@given(file_events(("upload", "download", "delete")))
def test_xferlog_round_trip(event: FileEvent) -> None:
    parsed = parse_one("xferlog", [xferlog_line(event)])
    assert isinstance(parsed, FileEvent)
    assert (parsed.time, parsed.action, parsed.ip, parsed.user, parsed.ok, parsed.size) == (
        event.time, event.action, event.ip, event.user, event.ok, event.size or 0)
    assert parsed.path == mask_name(event.path, high_bytes=False, spaces=True)
    assert matches_masked(parsed.path, event.path)


@settings(max_examples=100)
@given(file_events(("upload", "download", "delete", "rename", "mkdir", "rmdir", "login", "login_fail")))
def test_proftpd_round_trip(event: FileEvent) -> None:
    parsed = parse_one("proftpd", proftpd_lines(event))
    assert isinstance(parsed, FileEvent)
    assert (parsed.time, parsed.action, parsed.ip, parsed.path, parsed.new_path, parsed.size, parsed.ok) == (
        event.time, event.action, event.ip, event.path, event.new_path, event.size, event.ok)


@settings(max_examples=100)
@given(file_events(("upload", "download")), st.sampled_from(["stats", "clf", "w3c", "syslog"]))
def test_pureftpd_round_trip(event: FileEvent, style: str) -> None:
    # 2015 is not a leap year: a generated 29 February moves to the 28th.
    day = min(event.time.day, 28) if event.time.month == 2 else event.time.day
    event = FileEvent(event.time.replace(year=2015, day=day), event.action, event.path, None, event.size, event.ip,
                      event.user, True)
    parsed = parse_one("pureftpd", [pureftpd_line(event, style)])
    assert isinstance(parsed, FileEvent)
    assert (parsed.time, parsed.action, parsed.ip, parsed.path, parsed.size, parsed.user) == (
        event.time, event.action, event.ip, event.path, event.size, event.user)


AGENTS = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x30FF, exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=150)
@given(TIMES, IPS, st.lists(NAMES, min_size=1, max_size=3), st.sampled_from(["utf-8", "cp932"]),
       st.sampled_from([200, 206, 304, 404]), st.one_of(st.none(), SIZES), AGENTS, AGENTS, st.booleans(),
       st.sampled_from(["", "www.example.jp:80"]))
def test_combined_round_trip(when: datetime, ip: str, parts: list[str], encoding: str, status: int,
                             size: int | None, agent: str, referer: str, common: bool, vhost: str) -> None:
    path = "/" + "/".join(parts)
    event = AccessEvent(when, ip, "GET", encode_url_path(path, encoding) + "?a=1", "", "", status, size, referer,
                        agent, vhost, protocol="HTTP/1.1")
    parsed = parse_one("combined", [combined_line(event, common=common)])
    assert isinstance(parsed, AccessEvent)
    assert (parsed.time, parsed.ip, parsed.status, parsed.bytes, parsed.vhost, parsed.query) == (
        when, ip, status, size, vhost, "a=1")
    assert parsed.path == path
    if not common:
        assert (parsed.user_agent, parsed.referer) == ("" if agent == "-" else agent, "" if referer == "-" else referer)


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_decode_url_path_never_raises(raw: str | bytes) -> None:
    decoded = decode_url_path(raw)
    assert decoded.path.startswith("/")
    assert "//" not in decoded.path and "/../" not in decoded.path + "/" and "/./" not in decoded.path + "/"


@given(st.lists(NAMES, min_size=1, max_size=4), st.sampled_from(["utf-8", "cp932"]))
def test_decode_url_path_round_trips_japanese(parts: list[str], encoding: str) -> None:
    path = "/" + "/".join(parts)
    decoded = decode_url_path(encode_url_path(path, encoding))
    if decoded.path != path:
        # the only excuse: these CP932 bytes are also Japanese-looking UTF-8 (e.g. 漢 E3 81 + ｱ B1 = ぱ)
        assert encoding == "cp932" and decoded.encoding == "utf-8"
        assert decoded.path.encode("utf-8") == path.encode("cp932")
    else:
        assert decoded.encoding in ("ascii", "utf-8", encoding)


@given(NAMES, st.sampled_from(["utf-8", "cp932"]), st.booleans())
def test_mask_matches_its_name(name: str, encoding: str, spaces: bool) -> None:
    masked = mask_name(name, encoding, spaces=spaces)
    assert matches_masked(masked, name)


@given(NAMES, NAMES)
def test_mask_matches_only_same_byte_length(a: str, b: str) -> None:
    masked = mask_name(a)
    if len(masked) not in masked_lengths(b):
        assert not matches_masked(masked, b)


def test_round_trip_times_are_aware() -> None:
    event = FileEvent(datetime(2015, 4, 11, 10, 0, tzinfo=JST) + timedelta(hours=1), "delete", "/x")
    parsed = parse_one("vsftpd", [vsftpd_line(event)])
    assert parsed is not None and parsed.time.utcoffset() == timedelta(hours=9)


@settings(max_examples=150)
@given(TIMES, IPS, st.sampled_from(["GET", "HEAD", "POST"]), NAMES, st.integers(100, 599),
       st.one_of(st.none(), SIZES), st.text(max_size=40), st.sampled_from(["apache", "nginx", "common"]))
def test_custom_formats_round_trip_with_combined(when: datetime, ip: str, method: str, name: str, status: int,
                                                 size: int | None, agent: str, fmt: str) -> None:
    """A line the servers would write in a custom format gives the event the combined parser gives."""
    path = "/public_html/" + name
    event = AccessEvent(when, ip, method, encode_url_path(path, "utf-8"), "", "", status, size, "", agent,
                        protocol="HTTP/1.1")
    line = combined_line(event, tz=JST)
    want = make_format("combined").parse_line(line, ParseContext("p", JST))
    head, _, tail = line.partition(' "-" "')  # combined: … size "referer" "agent"
    custom = {"apache": f"www.example.jp {line} 1234",
              "nginx": f'{line} "-" 0.012',
              "common": head}[fmt]
    f = make_format(fmt, mapping={"log_format": TEMPLATES[fmt]}) if fmt in TEMPLATES else make_format(fmt)
    got = f.parse_line(custom, ParseContext("p", JST))
    assert isinstance(got, AccessEvent) and isinstance(want, AccessEvent)
    assert (got.time, got.ip, got.method, got.path, got.status, got.bytes) == (
        want.time, want.ip, want.method, want.path, want.status, want.bytes)
    if fmt != "common":
        assert got.user_agent == want.user_agent and tail


@settings(max_examples=100, deadline=None)
@given(st.lists(ARBITRARY, max_size=12))
def test_parsers_keep_no_bad_state_across_lines(lines: list[str]) -> None:
    """A run of arbitrary lines through one context (a protocol reply left open, a pending RNFR) never crashes."""
    for fmt in formats():
        ctx = ParseContext("p", JST, year=2015)
        for number, line in enumerate(lines, start=1):
            ctx.line = number
            try:
                event = fmt.parse_line(line, ctx)
            except LogFormatError:
                continue
            assert event is None or isinstance(event, FileEvent | AccessEvent)
