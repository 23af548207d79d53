"""The column-wise access-log parser gives exactly the line parser's events, problems, counts and errors."""

from __future__ import annotations

import gzip
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mamori.errors import LogFormatError
from mamori.logs.accesscols import TABLE_SCHEMA
from mamori.logs.driver import parse_file
from mamori.logs.events import AccessEvent, FileEvent
from mamori.logs.fastaccess import parse_access_columns
from mamori.logs.text import storable
from mamori.logs.urls import encode_url_path
from mamori.synth.archives import compressed_bytes
from mamori.synth.logs import combined_line, random_access_events, vsftpd_line

JST = ZoneInfo("Asia/Tokyo")
T0 = datetime(2015, 4, 11, 10, 0, tzinfo=JST)
GOOD = '203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "GET /a.csv HTTP/1.1" 200 5 "-" "ua"'


def both(path: Path, **options: object) -> tuple[object, object]:
    """(line parser result or error text, column parser result or error text) for *path*."""
    def run(fn: object) -> object:
        try:
            return fn()  # type: ignore[operator]
        except LogFormatError as exc:
            return f"error: {exc}"

    slow = run(lambda: parse_file(path, "combined", **options))  # type: ignore[arg-type]
    fast = run(lambda: parse_access_columns(path, **options))  # type: ignore[arg-type]
    return slow, fast


def assert_same(path: Path, *, fast_rows: int = 0, **options: object) -> None:
    """Both parsers agree on *path*; at least *fast_rows* events came from the column-wise split."""
    slow, fast = both(path, **options)
    if isinstance(slow, str) or isinstance(fast, str):
        assert slow == fast
        return
    events = fast.events()  # type: ignore[attr-defined]
    assert fast.raw.height >= fast_rows  # type: ignore[attr-defined]
    assert events == slow.events  # type: ignore[attr-defined]
    assert [e.time.utcoffset() for e in events] == [e.time.utcoffset() for e in slow.events]  # type: ignore[attr-defined]
    assert fast.problems == slow.problems  # type: ignore[attr-defined]
    a, b = fast.counts, slow.counts  # type: ignore[attr-defined]
    assert (a.files, a.lines, a.events, a.skipped, a.bad) == (b.files, b.lines, b.events, b.skipped, b.bad)
    table = fast.table()  # type: ignore[attr-defined]
    assert table.schema == pl.Schema(TABLE_SCHEMA)
    assert table.height == len(events)
    expected = [(e.line, int(e.time.timestamp() * 1e6), storable(e.ip), storable(e.path), e.status, e.bytes,
                 storable(e.user_agent), storable(e.referer), e.path_encoding, storable(e.vhost), storable(e.user))
                for e in events]
    assert table.select("line", "t_us", "ip", "path", "status", "bytes", "user_agent", "referer", "encoding",
                        "vhost", "user").rows() == expected


def write(path: Path, data: bytes, opener: Literal["plain", "gz", "bz2"] = "plain") -> Path:
    path.write_bytes(data if opener == "plain" else compressed_bytes(data, opener))
    return path


HARD_LINES = [
    GOOD,
    "",
    "www.example.jp:80 2001:db8::1 - alice [11/Apr/2015:10:20:00 +0900] \"GET / HTTP/1.1\" 304 - \"-\" \"curl/7\"",
    '203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "GET /%E5%90%8D%E7%B0%BF.csv?x=1 HTTP/1.1" 200 68123',
    '203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "GET /%96%BC%95%EB.csv HTTP/1.1" 200 1 "-" "a\\"b\\\\"',
    '203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "GET /\\xe5\\x90\\x8d.csv HTTP/1.1" 200 1 "-" "-"',
    '203.0.113.9 - - [11/Apr/2015:10:20:00] "GET /naive HTTP/1.1" 200 1',
    '203.0.113.9 - - [31/Apr/2015:10:20:00 +0900] "GET /bad-date HTTP/1.1" 200 1',
    '203.0.113.9 - - [11/Apr/2015:10:60:00 +0900] "GET /minute60 HTTP/1.1" 200 1',
    '203.0.113.9 - - [11/Apr/2015:10:20:60 +0900] "GET /second60 HTTP/1.1" 200 1',
    '203.0.113.9 - - [11/apr/2015:10:20:00 +0900] "GET /lower HTTP/1.1" 200 1',
    '203.0.113.9 - - [11/Apr/2015:10:20:00 +2400] "GET /zone HTTP/1.1" 200 1',
    '203.0.113.9 - - [11/Apr/2015:10:20:00 -0530] "GET /west HTTP/1.1" 200 1',
    '203.0.113.9 - - [11/Apr/2015:10:20:00 +0000] "GET /utc HTTP/1.1" 200 1',
    '203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "GET /big HTTP/1.1" 200 1234567890123456789',
    '203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "GET /trail HTTP/1.1" 200 1 junk after',
    '203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "GET /glued HTTP/1.1" 200 1 "r" "u"x',
    '203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "GET /xff HTTP/1.1" 200 1 "r" "u" "10.0.0.1" 0.123',
    '203.0.113.9 - u[1] [11/Apr/2015:10:20:00 +0900] "GET /bracket HTTP/1.1" 200 1',
    '203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "\\x16\\x03\\x01" 400 -',
    '203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "-" 408 -',
    '203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "GET http://x.jp/a/../b//c HTTP/1.0" - -',
    "２０３.0.113.9 - - [11/Apr/2015:10:20:00 +0900] \"GET /wide HTTP/1.1\" ２００ 1",
    '203.0.113.9\t- - [11/Apr/2015:10:20:00 +0900] "GET /tab HTTP/1.1" 200 1',
    "   ",
    "not a log line at all",
    '203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "GET /nul\x00 HTTP/1.1" 200 1 "\x01" "\x7f"',
]
RAW_LINES = [
    '203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "GET /名簿.csv HTTP/1.1" 200 1 "-" "日本語UA"'.encode(),
    '203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "GET /名簿.csv HTTP/1.1" 200 1'.encode("cp932"),
    b'203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "GET /\xff\xfe HTTP/1.1" 200 1 "\x85" "\xa0"',
    b"203.0.113.9\xc2\x85- - [11/Apr/2015:10:20:00 +0900] \"GET /nel HTTP/1.1\" 200 1",
    b"203.0.113.9 - \xe3\x80\x80 [11/Apr/2015:10:20:00 +0900] \"GET /ideographic-space HTTP/1.1\" 200 1",
]


@pytest.mark.parametrize("line", HARD_LINES)
def test_hard_lines_between_good_ones(tmp_path: Path, line: str) -> None:
    data = "\n".join([GOOD] * 10 + [line] + [GOOD] * 10).encode("utf-8") + b"\n"
    assert_same(write(tmp_path / "access_log", data), fast_rows=20)


@pytest.mark.parametrize("line", RAW_LINES)
def test_raw_byte_lines(tmp_path: Path, line: bytes) -> None:
    good = [GOOD.encode()] * 10
    assert_same(write(tmp_path / "access_log", b"\n".join([*good, line, *good])), fast_rows=20)


@pytest.mark.parametrize(("ending", "fast_rows"), [(b"\n", 5), (b"\r\n", 5), (b"", 0), (b"\r", 0), (b"\r\r\n", 0),
                                                 (b"\n\n\n", 5)])
def test_line_endings(tmp_path: Path, ending: bytes, fast_rows: int) -> None:
    data = ending.join(line.encode() for line in HARD_LINES[:6]) + ending
    assert_same(write(tmp_path / "access_log", data), fast_rows=fast_rows)


@pytest.mark.parametrize("opener", ["plain", "gz", "bz2"])
def test_compressed_and_rotated(tmp_path: Path, opener: Literal["plain", "gz", "bz2"]) -> None:
    events = list(random_access_events(300, seed=3))
    for number, chunk in enumerate((events[:100], events[100:200], events[200:])):
        name = f"access_log.{2 - number}" if number < 2 else "access_log"
        write(tmp_path / name, "\n".join(combined_line(e) for e in chunk).encode() + b"\n", opener)
    assert_same(tmp_path / "access_log", rotated=True, fast_rows=300)


@pytest.mark.parametrize("mode", ["raise", "record"])
def test_truncated_gzip(tmp_path: Path, mode: str) -> None:
    lines = "\n".join(combined_line(e) for e in random_access_events(3000, seed=5)).encode()
    data = gzip.compress(lines)
    (tmp_path / "access_log.1.gz").write_bytes(data[: len(data) * 2 // 3])
    assert_same(tmp_path / "access_log.1.gz", on_format_error=mode, fast_rows=1000 if mode == "record" else 0)


@pytest.mark.parametrize("mode", ["raise", "record"])
@pytest.mark.parametrize("bad_at", [0, 10, 500])
def test_run_of_bad_lines(tmp_path: Path, mode: str, bad_at: int) -> None:
    lines = [combined_line(e) for e in random_access_events(1000, seed=7)]
    junk = [vsftpd_line(FileEvent(T0 + timedelta(seconds=i), "upload", f"/x{i}", None, 5, "1.2.3.4", "u"))
            for i in range(60)]
    lines[bad_at:bad_at] = junk[:30] + [""] * 3 + junk[30:]  # blank lines neither break nor count in a run
    assert_same(write(tmp_path / "access_log", "\n".join(lines).encode()), on_format_error=mode, max_bad_run=50)
    assert_same(tmp_path / "access_log", on_format_error=mode, max_bad_run=70, max_problems=10)


def test_wrong_format_names_the_right_one(tmp_path: Path) -> None:
    lines = [vsftpd_line(FileEvent(T0, "upload", f"/x{i}", None, 5, "1.2.3.4", "u")) for i in range(300)]
    path = write(tmp_path / "vsftpd.log", "\n".join(lines).encode())
    slow, fast = both(path)
    assert slow == fast and "try --format vsftpd" in str(fast)
    assert_same(path, on_format_error="record")


def test_empty_and_blank_files(tmp_path: Path) -> None:
    assert_same(write(tmp_path / "a", b""))
    assert_same(write(tmp_path / "b", b"\n\n\r\n"))


def test_big_generated_log_matches(tmp_path: Path) -> None:
    events = list(random_access_events(20_000, seed=11))
    text = "\n".join(combined_line(e, common=i % 7 == 0) for i, e in enumerate(events)) + "\n"
    assert_same(write(tmp_path / "access_log", text.encode()), fast_rows=20_000)


AGENTS = st.text(st.characters(min_codepoint=0x01, max_codepoint=0x30FF, exclude_categories=("Cs",)), max_size=30)
NAMES = st.text(st.sampled_from("名簿選挙人髙﨑ｱｲ①ー・abc 019-_.()%?#\\\""), min_size=1, max_size=10)


@st.composite
def access_lines(draw: st.DrawFn) -> bytes:
    """One line: generated by synth (escaped like Apache), raw bytes in the request, or junk."""
    kind = draw(st.sampled_from(["synth"] * 12 + ["raw", "raw", "junk", "blank"]))
    if kind == "blank":
        return b""
    if kind == "junk":
        return draw(st.binary(max_size=120)).replace(b"\n", b" ")
    when = draw(st.datetimes(datetime(2001, 1, 1), datetime(2030, 12, 31))).replace(microsecond=0, tzinfo=JST)
    ip = draw(st.one_of(st.ip_addresses(v=4).map(str), st.ip_addresses(v=6).map(str)))
    path = "/" + "/".join(draw(st.lists(NAMES, min_size=1, max_size=3)))
    size = draw(st.one_of(st.none(), st.integers(0, 10**12)))
    status = draw(st.sampled_from([200, 206, 304, 404, 500]))
    if kind == "raw":
        target = path.encode(draw(st.sampled_from(["utf-8", "cp932"])))
        return (f"{ip} - - [{when:%d/%b/%Y:%H:%M:%S %z}] \"GET ".encode() + target
                + f" HTTP/1.1\" {status} {'-' if size is None else size}".encode())
    encoding = draw(st.sampled_from(["utf-8", "cp932"]))
    event = AccessEvent(when.astimezone(draw(st.sampled_from([JST, ZoneInfo("UTC"), ZoneInfo("America/New_York")]))),
                        ip, draw(st.sampled_from(["GET", "HEAD", "POST"])), encode_url_path(path, encoding), "", "",
                        status, size, draw(AGENTS), draw(AGENTS), draw(st.sampled_from(["", "www.example.jp:80"])),
                        draw(st.sampled_from(["", "alice"])), protocol="HTTP/1.1")
    return combined_line(event, common=draw(st.booleans())).encode()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(access_lines(), min_size=1, max_size=40), st.sampled_from([b"\n", b"\r\n"]), st.booleans())
def test_property_same_as_line_parser(lines: list[bytes], ending: bytes, final: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp) / "access_log", ending.join(lines) + (ending if final else b""))
        assert_same(path, on_format_error="record", max_bad_run=5)


@pytest.mark.parametrize("gap", [1, 2])
def test_good_lines_break_a_run(tmp_path: Path, gap: int) -> None:
    # after the sniffed head, bad lines alternate with good ones: never a run of 50, every bad line counted
    lines = [combined_line(e) for e in random_access_events(600, seed=9)]
    for i in range(300, 600, gap + 1):
        lines[i] = f"junk {i}"
    assert_same(write(tmp_path / "access_log", "\n".join(lines).encode()), fast_rows=300, max_bad_run=50)
