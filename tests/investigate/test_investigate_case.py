"""CASE.toml parsing: relative paths, defaults, and clear ConfigErrors."""

from __future__ import annotations

from pathlib import Path

import pytest

from mamori.errors import ConfigError
from mamori.investigate.case import load_case

GOOD = """
[case]
name = "t"
[[evidence]]
name = "work_pc"
path = "ev/work_pc"
[[server_log]]
format = "vsftpd"
path = "server/vsftpd.log"
timezone = "UTC"
[[access_log]]
format = "combined"
path = "server/access_log*"
[server]
web_root = "/home/u/public_html/"
owner_ips = ["198.51.100.7"]
"""


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "ev" / "work_pc").mkdir(parents=True)
    path = tmp_path / "CASE.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_case(tmp_path: Path) -> None:
    case = load_case(_write(tmp_path, GOOD))
    assert case.name == "t"
    assert case.evidence[0].path == (tmp_path / "ev" / "work_pc").resolve()
    assert case.server_logs[0].timezone == "UTC"
    assert case.access_logs[0].timezone == "Asia/Tokyo"
    assert case.access_logs[0].path == str(tmp_path.resolve() / "server/access_log*")
    assert case.web_root == "/home/u/public_html"
    assert case.owner_ips == ("198.51.100.7",)


@pytest.mark.parametrize(("change", "message"), [
    (('path = "ev/work_pc"', 'path = "ev/missing"'), "evidence 'work_pc': path does not exist"),
    (('format = "vsftpd"', 'format = "iis"'), "unknown format 'iis'"),
    (('web_root = "/home/u/public_html/"', 'web_root = "public_html"'), "web_root must be an absolute"),
    (('owner_ips = ["198.51.100.7"]', 'owner_ips = ["nope"]'), "is not an IP address"),
    (('timezone = "UTC"', 'timezone = "Mars/Base"'), "unknown time zone"),
    (('[case]', '[case'), "not valid TOML"),
    (('format = "vsftpd"', 'format = "csv"'), "needs a mapping"),
])
def test_bad_case(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    path = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError, match=message):
        load_case(path)


def test_missing_case_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="case file not found"):
        load_case(tmp_path / "nope.toml")


@pytest.mark.parametrize(("name", "ok"), [("職員PC", True), ("可搬HDD_2", True), ("work.pc-1", True),
                                          ("a/b", False), ("x!y", False), ("..", False), ("a b", False)])
def test_evidence_names_are_any_unicode_letters(tmp_path: Path, name: str, ok: bool) -> None:
    (tmp_path / "ev" / "work_pc").mkdir(parents=True)
    path = tmp_path / "CASE.toml"
    path.write_text(GOOD.replace('name = "work_pc"', f'name = "{name}"'), encoding="utf-8")
    if ok:
        assert load_case(path).evidence[0].name == name
    else:
        with pytest.raises(ConfigError, match="name may hold only"):
            load_case(path)


@pytest.mark.parametrize(("block", "ok"), [
    ('format = "common"', True),
    ('format = "nginx"\nmapping = { log_format = \'$remote_addr - $remote_user [$time_local] "$request" $status '
     '$body_bytes_sent\' }', True),
    ('format = "apache"\nmapping = { log_format = \'%h %t "%r" %>s %b\' }', True),
    ('format = "apache"', False),
    ('format = "nginx"\nmapping = { log_format = "$remote_addr $status" }', False),
])
def test_access_log_formats_in_the_case_file(tmp_path: Path, block: str, ok: bool) -> None:
    text = GOOD.replace('[[access_log]]\nformat = "combined"', f"[[access_log]]\n{block}")
    path = _write(tmp_path, text)
    if ok:
        assert load_case(path).access_logs[0].format == block.split('"')[1]
    else:
        with pytest.raises(ConfigError, match=r"log_format|format string"):
            load_case(path)
