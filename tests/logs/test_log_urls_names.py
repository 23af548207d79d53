"""URL-path decoding and mapping, and masked-name matching, as tables."""

from __future__ import annotations

import pytest

from mamori.logs.names import mask_name, masked_lengths, matches_masked
from mamori.logs.urls import decode_url_path, encode_url_path, map_to_server_path, map_to_url_path

DECODE = [
    ("/data/%E5%90%8D%E7%B0%BF.csv", "/data/名簿.csv", "utf-8", ""),
    ("/data/%96%BC%95%EB.csv", "/data/名簿.csv", "cp932", ""),
    ("/data/%83%5C%83%74%83%67.txt", "/data/ソフト.txt", "cp932", ""),  # 0x5C trail byte looks like "\"
    ("/data/名簿.csv", "/data/名簿.csv", "utf-8", ""),  # raw UTF-8 in the request line
    ("/a%20b.csv?x=1&y=%E5#frag", "/a b.csv", "ascii", "x=1&y=%E5"),
    ("/%ff%fe.csv", "/\udcff\udcfe.csv", "bytes", ""),
    ("//a///b/./c/", "/a/b/c/", "ascii", ""),
    ("/a/b/../../../../etc/passwd", "/etc/passwd", "ascii", ""),
    ("/a/%2e%2e/b", "/b", "ascii", ""),
    ("/a/..", "/", "ascii", ""),
    ("http://www.example.jp/x/y.html?q", "/x/y.html", "ascii", "q"),
    ("", "/", "ascii", ""),
    ("/%zz%4", "/%zz%4", "ascii", ""),
    ("/+plus+", "/+plus+", "ascii", ""),
]


@pytest.mark.parametrize(("raw", "path", "encoding", "query"), DECODE)
def test_decode_url_path(raw: str, path: str, encoding: str, query: str) -> None:
    decoded = decode_url_path(raw)
    assert (decoded.path, decoded.encoding, decoded.query) == (path, encoding, query)


def test_decode_bytes_input() -> None:
    assert decode_url_path(b"/\x96\xbc\x95\xeb.csv").path == "/名簿.csv"


@pytest.mark.parametrize(("url", "root", "prefix", "server"), [
    ("/data/名簿.csv", "/home/u/public_html", "/", "/home/u/public_html/data/名簿.csv"),
    ("/", "/home/u/public_html/", "/", "/home/u/public_html/"),
    ("/~u/data/a.csv", "/home/u/public_html", "/~u", "/home/u/public_html/data/a.csv"),
    ("/other/a.csv", "/home/u/public_html", "/~u", None),
    ("/~user2/a.csv", "/home/u/public_html", "/~u", None),
])
def test_map_to_server_path(url: str, root: str, prefix: str, server: str | None) -> None:
    assert map_to_server_path(url, root, prefix) == server
    if server is not None and not url.endswith("/"):
        assert map_to_url_path(server, root, prefix) == url


def test_map_to_url_path_outside_root() -> None:
    assert map_to_url_path("/home/u/private/a.csv", "/home/u/public_html") is None
    assert map_to_url_path("/home/u/public_html2/a.csv", "/home/u/public_html") is None


MASKS = [
    ("名簿.csv", "utf-8", False, "??????.csv"),
    ("名簿.csv", "cp932", False, "????.csv"),
    ("ｱｲ.txt", "cp932", False, "??.txt"),  # half-width katakana: one byte each in CP932
    ("a b.csv", "utf-8", True, "a_b.csv"),
]


@pytest.mark.parametrize(("name", "encoding", "spaces", "masked"), MASKS)
def test_mask_name(name: str, encoding: str, spaces: bool, masked: str) -> None:
    assert mask_name(name, encoding, high_bytes=not spaces, spaces=spaces) == masked
    assert matches_masked(masked, name)


@pytest.mark.parametrize(("masked", "candidate", "expected"), [
    ("??????.csv", "名簿.csv", True),  # UTF-8
    ("????.csv", "名簿.csv", True),  # CP932
    ("?????.csv", "名簿.csv", False),
    ("??????.csv", "名簿.xls", False),
    ("?????????.csv", "ガ.csv", False),
    ("??????.csv", "ガ.csv", True),  # NFD from a Mac: カ + combining voiced mark, 3 + 3 bytes
    ("???.csv", "ガ.csv", True),  # NFC UTF-8
    ("?K.csv", "ガ.csv", True),  # CP932 0x83 0x4B: a trail byte below 0x80 stays visible
    ("??.csv", "ガ.csv", False),
    ("/d/a_b.csv", "/d/a b.csv", True),
    ("/d/a_b.csv", "/d/a_b.csv", True),
    ("/d/??_1.csv", "/d/名 1.csv", True),  # vsftpd xferlog: both masks
    ("/d/x.csv", "/d/y.csv", False),
])
def test_matches_masked(masked: str, candidate: str, expected: bool) -> None:
    assert matches_masked(masked, candidate) is expected


def test_masked_lengths() -> None:
    assert masked_lengths("名簿.csv") == {10, 8}


def test_encode_url_path() -> None:
    assert encode_url_path("/名 簿.csv") == "/%E5%90%8D%20%E7%B0%BF.csv"
    assert encode_url_path("/名簿.csv", "cp932") == "/%96%BC%95%EB.csv"
