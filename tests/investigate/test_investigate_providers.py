"""Provider names: IP-to-ASN tables (parsed, looked up, property-tested), the shipped table, `mamori data update`."""

from __future__ import annotations

import gzip
import ipaddress
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.errors import ConfigError
from mamori.investigate.provider_update import update_table
from mamori.investigate.providers import (
    Ip2AsnTable,
    Network,
    ShippedGeoIP2Fast,
    installed_table,
    load_provider_data,
    parse_row,
)
from mamori.synth.case import SUB_CABLE, SUB_MOBILE

TABLE = (
    "1.0.0.0\t1.0.0.255\t13335\tUS\tCLOUDFLARENET\n"
    "126.0.0.0\t126.255.255.255\t17676\tJP\tGIGAINFRA Softbank BB Corp.\n"
    "125.206.0.0\t125.206.127.255\t17506\tJP\tUCOM ARTERIA Networks Corporation\n"  # out of order on purpose
    "100.64.0.0\t100.127.255.255\t0\tNone\tNot routed\n"
    "2001:268::\t2001:268:ffff:ffff:ffff:ffff:ffff:ffff\t2516\tJP\tKDDI KDDI CORPORATION\n"
    "garbage line\n"
)


def _write(path: Path, text: str = TABLE) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.write(text)
    return path


@pytest.mark.parametrize(("ip", "label"), [
    (SUB_MOBILE, "AS17676 GIGAINFRA Softbank BB Corp."),
    (SUB_CABLE, "AS17506 UCOM ARTERIA Networks Corporation"),
    ("1.0.0.1", "AS13335 CLOUDFLARENET"),
    ("2001:268::5", "AS2516 KDDI KDDI CORPORATION"),
    ("100.64.0.1", None),  # AS 0: not routed
    ("127.0.0.1", None),
    ("not an address", None),
])
def test_table_lookup(tmp_path: Path, ip: str, label: str | None) -> None:
    table = Ip2AsnTable(_write(tmp_path / "t.tsv.gz"), as_of="2026-12-01")
    found = table.lookup(ip)
    assert (found.label() if found else None) == label


def test_a_foreign_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.tsv").write_text("<html>not found</html>\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="holds no ranges"):
        Ip2AsnTable(tmp_path / "x.tsv")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_parse_row_never_raises(line: str) -> None:
    row = parse_row(line)
    assert row is None or (int(row[0]) <= int(row[1]) and row[2] >= 0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 4096), st.integers(1, 400_000)),
                min_size=1, max_size=30), st.integers(0, 2**32 - 1))
def test_lookup_agrees_with_a_linear_scan(tmp_path_factory: pytest.TempPathFactory,
                                          ranges: list[tuple[int, int, int]], probe: int) -> None:
    # disjoint ranges: sort by start, drop any that overlaps the one before
    kept: list[tuple[int, int, int]] = []
    for start, length, asn in sorted(ranges):
        end = min(start + length, 2**32 - 1)
        if not kept or start > kept[-1][1]:
            kept.append((start, end, asn))
    text = "".join(f"{ipaddress.IPv4Address(a)}\t{ipaddress.IPv4Address(b)}\t{n}\tJP\tNET{n}\n" for a, b, n in kept)
    table = Ip2AsnTable(_write(tmp_path_factory.mktemp("p") / "t.tsv.gz", text))
    want = next((n for a, b, n in kept if a <= probe <= b), None)
    found = table.lookup(str(ipaddress.IPv4Address(probe)))
    assert (found.asn if found else None) == want


def test_shipped_table_names_the_subscriber_lines_with_its_date() -> None:
    data = ShippedGeoIP2Fast()
    assert data.as_of[:2] == "20" and "GeoLite2" in data.source
    mobile = data.lookup(SUB_MOBILE)
    assert mobile is not None and mobile.organisation and mobile.network
    assert data.lookup("192.168.1.1") is None


class _Handler(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        if self.path != "/ip2asn-combined.tsv.gz":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.send_header("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[str]:
    _Handler.body = _write(tmp_path / "served.tsv.gz").read_bytes()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_data_update_downloads_checks_and_installs(server: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAMORI_DATA_DIR", str(tmp_path / "data"))
    done = update_table(f"{server}/ip2asn-combined.tsv.gz")
    assert done.as_of == "2026-12-01" and done.ranges == 4
    installed = installed_table()
    assert installed is not None and installed.as_of == "2026-12-01"
    data = load_provider_data()  # the installed table comes before the shipped one
    assert data is not None and data.lookup(SUB_MOBILE) == Network(asn=17676, organisation="GIGAINFRA Softbank BB "
                                                                   "Corp.", network="126.0.0.0-126.255.255.255")
    meta = json.loads((tmp_path / "data" / "asn" / "ip2asn.json").read_text(encoding="utf-8"))
    assert meta["source"].startswith("http://127.0.0.1:")
    # a missing file on the server, then a foreign one: refused, the installed table kept
    with pytest.raises(ConfigError, match="is kept"):
        update_table(f"{server}/missing.tsv.gz")
    _Handler.body = b"<html>hello</html>"
    with pytest.raises(ConfigError, match=r"holds no ranges|not readable"):
        update_table(f"{server}/ip2asn-combined.tsv.gz")
    assert installed_table() is not None and installed_table().ranges == 4  # type: ignore[union-attr]
    assert not list((tmp_path / "data" / "asn").glob(".*.part"))


def test_cli_data_update_and_status(server: str, tmp_path: Path) -> None:
    env = {"MAMORI_DATA_DIR": str(tmp_path / "d"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "mamori", "data", "update", "--url",
                           f"{server}/ip2asn-combined.tsv.gz"], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert "4 範囲、2026-12-01 時点" in done.stdout
    status = subprocess.run([sys.executable, "-m", "mamori", "data", "status"], capture_output=True, text=True,
                            timeout=120, env=env)
    assert "2026-12-01 時点" in status.stdout


def test_no_data_set_means_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAMORI_DATA_DIR", str(tmp_path))
    assert load_provider_data(shipped=False) is None
