"""The driver: compressed files, rotated sets in order, bad lines counted, wrong formats stopped clearly."""

from __future__ import annotations

import gzip
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import pytest

from mamori.errors import ConfigError, LogFormatError
from mamori.logs.driver import parse_file, stream_file
from mamori.logs.events import AccessEvent, FileEvent
from mamori.logs.paths import expand_log_paths
from mamori.logs.registry import BUILTIN_LOG_FORMATS, detect_format, log_formats
from mamori.synth.archives import compressed_bytes
from mamori.synth.logs import combined_line, csv_lines, proftpd_lines, pureftpd_line, vsftpd_line, xferlog_line

JST = ZoneInfo("Asia/Tokyo")
T0 = datetime(2015, 4, 11, 10, 0, tzinfo=JST)


def access(i: int) -> AccessEvent:
    return AccessEvent(T0 + timedelta(minutes=i), "203.0.113.9", "GET", f"/f{i}.csv", "", "", 200, 10 + i,
                       protocol="HTTP/1.1")


def upload(i: int, name: str = "") -> FileEvent:
    return FileEvent(T0 + timedelta(minutes=i), "upload", name or f"/public_html/名簿{i}.csv", None, 100 + i,
                     "203.0.113.5", "user")


def write(path: Path, lines: list[str], opener: Literal["plain", "gz", "bz2"] = "plain") -> Path:
    data = ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")
    path.write_bytes(data if opener == "plain" else compressed_bytes(data, opener))
    return path


@pytest.mark.parametrize("opener", ["plain", "gz", "bz2"])
def test_compressed_files_whatever_their_name(tmp_path: Path, opener: Literal["plain", "gz", "bz2"]) -> None:
    path = write(tmp_path / "access_log", [combined_line(access(i)) for i in range(5)], opener)
    result = parse_file(path, "combined")
    assert [e.path for e in result.events] == [f"/f{i}.csv" for i in range(5)]
    assert result.counts.lines == 5 and result.counts.bad == 0 and not result.problems


def test_rotated_set_oldest_first(tmp_path: Path) -> None:
    # access_log.3.gz is the oldest, access_log (live) the newest
    for number, name, opener in [(3, "access_log.3.gz", "gz"), (2, "access_log.2.bz2", "bz2"),
                                 (1, "access_log.1", "plain"), (0, "access_log", "plain")]:
        write(tmp_path / name, [combined_line(access(10 * (3 - number) + j)) for j in range(3)], opener)
    (tmp_path / "error_log").write_text("not me\n")
    result = parse_file(str(tmp_path / "access_log*"), "combined")
    times = [e.time for e in result.events]
    assert times == sorted(times) and len(times) == 12
    assert [Path(f).name for f in result.files] == ["access_log.3.gz", "access_log.2.bz2", "access_log.1", "access_log"]
    assert len(parse_file(tmp_path / "access_log", "combined", rotated=True).events) == 12


def test_dated_rotation_order(tmp_path: Path) -> None:
    names = ["vsftpd.log", "vsftpd.log-20150419.gz", "vsftpd.log-20150405", "vsftpd.log-20150412.gz"]
    for name in names:
        (tmp_path / name).write_text("")
    ordered = [p.name for p in expand_log_paths(tmp_path / "vsftpd.log*")]
    assert ordered == ["vsftpd.log-20150405", "vsftpd.log-20150412.gz", "vsftpd.log-20150419.gz", "vsftpd.log"]


def test_missing_path_is_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="matches no file"):
        parse_file(tmp_path / "nope*.log", "vsftpd")


def test_wrong_format_stops_with_helpful_message(tmp_path: Path) -> None:
    lines = [xferlog_line(upload(i)) for i in range(80)]
    path = write(tmp_path / "vsftpd.log", lines)
    with pytest.raises(LogFormatError, match=r"line 1 of vsftpd.log is not vsftpd format; try --format xferlog"):
        parse_file(path, "vsftpd")


def test_run_of_bad_lines_midway(tmp_path: Path) -> None:
    lines = [vsftpd_line(upload(i)) for i in range(10)] + ["garbage"] * 60
    path = write(tmp_path / "vsftpd.log", lines)
    with pytest.raises(LogFormatError, match=r"line 11 of vsftpd\.log"):
        parse_file(path, "vsftpd", max_bad_run=50)
    recorded = parse_file(path, "vsftpd", on_format_error="record")
    assert len(recorded.events) == 10
    assert recorded.problems[-1].line == 0 and "line 11" in recorded.problems[-1].reason


def test_few_bad_lines_are_counted_not_fatal(tmp_path: Path) -> None:
    lines = [vsftpd_line(upload(i)) for i in range(20)]
    lines[3] = "Sat Apr 11 10:15:01 2015 truncated li"
    lines[9] = "\x00\x01binary junk \udcff"
    lines.insert(5, "")
    path = write(tmp_path / "vsftpd.log", lines)
    result = parse_file(path, "vsftpd")
    assert len(result.events) == 18 and result.counts.bad == 2
    assert [p.line for p in result.problems] == [4, 11]
    assert result.events[0].source == str(path) and result.events[0].line == 1


def test_undecodable_bytes_are_kept(tmp_path: Path) -> None:
    # ProFTPD writes names as the client sent them: here CP932
    path = tmp_path / "ftp.log"
    path.write_bytes('203.0.113.5 UNKNOWN u [11/Apr/2015:10:15:02 +0900] "STOR /名簿.csv" 226 5\n'.encode("cp932"))
    event = parse_file(path, "proftpd").events[0]
    assert event.path == "/名簿.csv" and event.raw_name_bytes == "/名簿.csv".encode("cp932")


def test_truncated_gzip_reports_problem(tmp_path: Path) -> None:
    data = gzip.compress(("\n".join(combined_line(access(i)) for i in range(2000)) + "\n").encode())
    path = tmp_path / "access_log.1.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(LogFormatError, match="truncated or corrupt"):
        parse_file(path, "combined")
    stream = stream_file(path, "combined", on_format_error="record")
    events = list(stream)
    assert events and stream.problems and "truncated" in stream.problems[-1].reason


def test_syslog_year_from_file_mtime(tmp_path: Path) -> None:
    path = write(tmp_path / "messages", [
        "Dec 31 23:59:00 www1 pure-ftpd: (u@1.2.3.4) [NOTICE] Deleted /a",
        "Jan  1 00:01:00 www1 pure-ftpd: (u@1.2.3.4) [NOTICE] Deleted /b",
    ])
    stamp = datetime(2016, 1, 2, tzinfo=JST).timestamp()
    os.utime(path, (stamp, stamp))
    years = [e.time.year for e in parse_file(path, "pureftpd").events]
    assert years == [2015, 2016]


@pytest.mark.parametrize(("name", "lines"), [
    ("vsftpd", [vsftpd_line(upload(i)) for i in range(5)]),
    ("xferlog", [xferlog_line(upload(i)) for i in range(5)]),
    ("proftpd", [line for i in range(5) for line in proftpd_lines(upload(i))]),
    ("pureftpd", [pureftpd_line(upload(i), "stats") for i in range(5)]),
    ("pureftpd", [pureftpd_line(upload(i), "clf") for i in range(5)]),
    ("pureftpd", ["#Software: Pure-FTPd 1.0.36"] + [pureftpd_line(upload(i), "w3c") for i in range(5)]),
    ("pureftpd", [pureftpd_line(upload(i), "syslog") for i in range(5)]),
    ("combined", [combined_line(access(i)) for i in range(5)]),
    ("combined", [combined_line(access(i), common=True) for i in range(5)]),
])
def test_detect_format(tmp_path: Path, name: str, lines: list[str]) -> None:
    path = write(tmp_path / "some.log.gz", lines, "gz")
    assert detect_format(path) == name
    assert parse_file(path).format == name


def test_detect_unknown(tmp_path: Path) -> None:
    with pytest.raises(LogFormatError, match="cannot tell the log format"):
        detect_format(write(tmp_path / "x.log", ["hello", "world"]))


def test_csv_file_with_cp932(tmp_path: Path) -> None:
    path = tmp_path / "panel.csv"
    path.write_bytes(("\r\n".join(csv_lines([upload(1), upload(2)])) + "\r\n").encode("cp932"))
    mapping = {"time": "日時", "time_format": "%Y/%m/%d %H:%M:%S", "action": "操作", "actions": {"アップロード": "upload"},
               "path": "ファイル", "ip": "IPアドレス", "size": "サイズ", "encoding": "cp932"}
    from mamori.logs.registry import make_format

    result = parse_file(path, make_format("csv", mapping=mapping))
    assert [e.path for e in result.events] == ["/public_html/名簿1.csv", "/public_html/名簿2.csv"]
    assert result.events[0].time == T0 + timedelta(minutes=1)
    with pytest.raises(LogFormatError, match="has no column"):
        parse_file(path, make_format("csv", mapping={**mapping, "path": "パス"}))
    with pytest.raises(ConfigError, match="unknown keys"):
        make_format("csv", mapping={**mapping, "colour": "red"})


def test_registry_lists_every_builtin() -> None:
    assert len(log_formats()) == len(BUILTIN_LOG_FORMATS)
    assert {"vsftpd", "xferlog", "proftpd", "pureftpd", "combined", "csv"} <= set(log_formats().names())


def test_unknown_timezone() -> None:
    with pytest.raises(ConfigError, match="time zone"):
        stream_file(__file__, "combined", timezone="Mars/Olympus")
