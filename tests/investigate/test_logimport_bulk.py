"""The bulk import of combined access logs stores exactly what the line parser's import stores.

``format = "combined"`` goes through the column-wise path (Polars split, Arrow into DuckDB); ``"common"`` is
the same line parser (``CommonFormat``) through the event-by-event writer. Both imports of the same file must
leave the same rows, line counts, bad-line counts and problems in the case store.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mamori.investigate.case import LogSource
from mamori.investigate.logimport import import_logs
from mamori.investigate.store import CaseStore
from mamori.logs.events import AccessEvent
from mamori.logs.urls import encode_url_path
from mamori.synth.logs import combined_line, random_access_events

JST = ZoneInfo("Asia/Tokyo")
NAMES = st.text(st.sampled_from("名簿選挙人髙ｱ①ー abc019-_.()%?#\\\""), min_size=1, max_size=8)
AGENTS = st.text(st.characters(min_codepoint=0x01, max_codepoint=0x30FF, exclude_categories=("Cs",)), max_size=20)
ODD = [
    "",
    '203.0.113.9 - - [11/Apr/2015:10:20:00] "GET /naive HTTP/1.1" 200 1',
    '203.0.113.9 - - [31/Apr/2015:10:20:00 +0900] "GET /bad-date HTTP/1.1" 200 1',
    '203.0.113.9 - - [11/Apr/2015:10:20:60 +0900] "GET /second60 HTTP/1.1" 200 1',
    '203.0.113.9 - u[1] [11/Apr/2015:10:20:00 +0900] "GET /bracket HTTP/1.1" 200 1',
    '203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "GET /xff HTTP/1.1" 200 1 "r" "u" "10.0.0.1" 0.123',
    '203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "GET /trail HTTP/1.1" 200 1 junk after',
    "www.example.jp:80 2001:db8::1 - alice [11/Apr/2015:10:20:00 +0900] \"GET / HTTP/1.1\" 304 - \"-\" \"c\"",
    '203.0.113.9 - - [11/Apr/2015:10:20:00 +0900] "\\x16\\x03\\x01" 400 -',
]


@st.composite
def log_line(draw: st.DrawFn) -> bytes:
    """A good line (escaped as Apache writes it), an odd but valid one, raw bytes, or a bad one."""
    kind = draw(st.sampled_from(["good"] * 8 + ["odd", "odd", "raw", "bad"]))
    if kind == "odd":
        return draw(st.sampled_from(ODD)).encode()
    if kind == "bad":
        return draw(st.one_of(st.binary(max_size=80).map(lambda b: b.replace(b"\n", b" ")),
                              st.sampled_from([b"not a log line", b"Sat Apr 11 10:15:01 2015 [pid 1] OK LOGIN"])))
    when = draw(st.datetimes(datetime(2001, 1, 1), datetime(2030, 12, 31))).replace(microsecond=0, tzinfo=JST)
    path = "/" + "/".join(draw(st.lists(NAMES, min_size=1, max_size=3)))
    size = draw(st.one_of(st.none(), st.integers(0, 10**12)))
    status = draw(st.sampled_from([200, 206, 304, 404]))
    if kind == "raw":
        return (f"203.0.113.7 - - [{when:%d/%b/%Y:%H:%M:%S %z}] \"GET ".encode() + path.encode("cp932", "replace")
                + f" HTTP/1.1\" {status} {'-' if size is None else size}".encode())
    event = AccessEvent(when, draw(st.sampled_from(["203.0.113.9", "2001:db8::1"])), "GET",
                        encode_url_path(path, draw(st.sampled_from(["utf-8", "cp932"]))), "", "", status, size,
                        draw(AGENTS), draw(AGENTS), protocol="HTTP/1.1")
    return combined_line(event, common=draw(st.booleans())).encode()


def _stored(folder: Path, path: Path, fmt: str) -> dict[str, Any]:
    with CaseStore(folder) as store:
        report = import_logs(store, "access", [LogSource(fmt, str(path), "Asia/Tokyo")])
        rows = store.con.execute("SELECT line, t_us, ip, method, path, status, bytes, user_agent, referer, encoding "
                                 "FROM access_events ORDER BY line").fetchall()
        source = store.con.execute("SELECT lines, events, bad, problems FROM sources").fetchall()
    failed = [f.replace(f" {fmt} format", " FORMAT format") for f in report.failed]
    return {"rows": rows, "source": source, "failed": failed, "events": report.events}


def _same(data: bytes) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "access_log"
        log.write_bytes(data)
        bulk = _stored(Path(tmp) / "bulk", log, "combined")
        lines = _stored(Path(tmp) / "lines", log, "common")
    assert bulk == lines
    return bulk


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(log_line(), min_size=1, max_size=40), st.sampled_from([b"\n", b"\r\n"]), st.booleans())
def test_bulk_import_stores_what_the_line_parser_stores(lines: list[bytes], ending: bytes, final: bool) -> None:
    _same(ending.join(lines) + (ending if final else b""))


def test_a_big_clean_log_and_a_run_of_bad_lines() -> None:
    good = [combined_line(e).encode() for e in random_access_events(3000, seed=4)]
    assert _same(b"\n".join(good) + b"\n")["events"] == 3000
    stopped = _same(b"\n".join([*good[:1000], *[b"junk"] * 60, *good[1000:]]) + b"\n")
    assert stopped["failed"] and not stopped["rows"]  # a run of 50 bad lines stops the file: nothing stored
    counted = _same(b"\n".join([*good[:1000], *[b"junk"] * 30, *good[1000:]]) + b"\n")
    assert counted["source"][0][:3] == (3030, 3000, 30)
