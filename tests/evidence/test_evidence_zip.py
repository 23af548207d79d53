"""Zip: CP932 and UTF-8 names, methods, encrypted members, nesting, damage."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from mamori.errors import CorruptFile, UnsupportedFormat
from mamori.evidence.archive_zip import ZipFormat
from mamori.evidence.archives import expand, is_archive
from mamori.evidence.limits import Limits
from mamori.models import Item, Status
from mamori.synth.archives import encrypted_zip, nested_zip, zip_bytes
from mamori.synth.zip_writer import RawMember, write_zip

NAMES = ["住民名簿①.csv", "髙橋様.txt", "ソ表.csv", "フォルダ/能登様.xlsx", "plain.csv", "表示/予定.txt"]


def item_of(path: str, data: bytes, depth: int = 0) -> Item:
    return Item(path, len(data), hashlib.sha256(data).hexdigest(), data=data, depth=depth)


def members(path: str, data: bytes, limits: Limits | None = None) -> list[Item]:
    limits = limits or Limits()
    return list(expand(item_of(path, data), limits, limits.new_budget()))


@pytest.mark.parametrize(
    ("encoding", "flag"),
    [("cp932", False), ("utf-8", True), ("utf-8", False)],
    ids=["cp932-explorer", "utf8-flagged", "utf8-unflagged"],
)
def test_japanese_member_names(encoding: str, flag: bool) -> None:
    contents = {name: f"{name} の中身".encode() for name in NAMES}
    data = zip_bytes(contents, encoding, flag)  # type: ignore[arg-type]
    if encoding == "cp932":  # written exactly as Explorer does: no UTF-8 flag
        assert all(not i.flag_bits & 0x800 for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    got = members("in/票.zip", data)
    assert [m.path for m in got] == [f"in/票.zip!{n}" for n in NAMES]
    for m in got:
        assert m.data == contents[m.path.split("!", 1)[1]]
        assert m.sha256 == hashlib.sha256(m.data).hexdigest()
        assert m.size == len(m.data) and m.depth == 1 and m.status is None
        assert m.mtime is not None


@pytest.mark.parametrize("method", ["stored", "deflate", "bzip2", "lzma"])
def test_compression_methods(method: str) -> None:
    payload = b"id,name\n" + b"1,yamada\n" * 5000
    got = members("m.zip", zip_bytes({"a.csv": payload, "empty.csv": b""}, method=method))  # type: ignore[arg-type]
    assert [(m.name, m.data) for m in got] == [("a.csv", payload), ("empty.csv", b"")]


def test_folders_are_skipped_and_backslashes_become_slashes() -> None:
    data = zip_bytes({"dir/": b"", "dir\\sub\\f.csv": b"1", "dir/g.csv": b"2"})
    assert [m.path for m in members("x.zip", data)] == ["x.zip!dir/sub/f.csv", "x.zip!dir/g.csv"]


@pytest.mark.parametrize("method", ["zipcrypto", "aes"])
def test_encrypted_members_are_reported_not_read(method: str) -> None:
    data = encrypted_zip({"secret.csv": b"1,2,3", "more.txt": b"x"}, "pass", method)  # type: ignore[arg-type]
    got = members("e.zip", data)
    assert [m.status for m in got] == [Status.ENCRYPTED, Status.ENCRYPTED]
    assert all(m.data is None and m.reason for m in got)
    assert ("AES" if method == "aes" else "ZipCrypto") in (got[0].reason or "")


def test_zipcrypto_writer_is_real_pkware_encryption() -> None:
    data = encrypted_zip({"住民.csv": b"secret rows"}, "pw")
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.read(archive.infolist()[0], pwd=b"pw") == b"secret rows"


def test_nested_zip_paths() -> None:
    inner = zip_bytes({"file.csv": b"a,b\n"})
    outer = zip_bytes({"dir/inner.zip": inner, "readme.txt": b"r"})
    limits = Limits()
    budget = limits.new_budget()
    first = list(expand(item_of("outer.zip", outer), limits, budget))
    assert [m.path for m in first] == ["outer.zip!dir/inner.zip", "outer.zip!readme.txt"]
    assert is_archive(first[0], first[0].read_head())
    second = list(expand(first[0], limits, budget))
    assert [(m.path, m.depth, m.data) for m in second] == [("outer.zip!dir/inner.zip!file.csv", 2, b"a,b\n")]
    assert budget.members == 3


def test_deeply_nested_helper_builds_depth() -> None:
    data = nested_zip({"f.csv": b"1"}, depth=3)
    item = item_of("n.zip", data)
    limits = Limits()
    budget = limits.new_budget()
    for _ in range(3):
        (item,) = expand(item, limits, budget)
    assert item.path == "n.zip!inner.zip!inner.zip!f.csv" and item.data == b"1"


def test_crc_error_marks_only_that_member() -> None:
    good = zip_bytes({"a.csv": b"aaaa", "b.csv": b"bbbb"}, method="stored")
    damaged = good.replace(b"aaaa", b"aaab", 1)
    got = members("d.zip", damaged)
    assert got[0].status is Status.UNREADABLE and "CRC" in (got[0].reason or "")
    assert got[1].status is None and got[1].data == b"bbbb"


def test_unsupported_method_is_unreadable_member() -> None:
    raw = RawMember(b"big.csv", b"\x00" * 10, 0, 10, method=9)  # deflate64, as Explorer writes for big files
    (got,) = members("d64.zip", write_zip([raw]))
    assert got.status is Status.UNREADABLE and "deflate64" in (got.reason or "")


def test_self_extracting_zip_with_leading_junk() -> None:
    data = zip_bytes({"a.csv": b"1"}, prefix=b"MZ" + bytes(500))
    item = item_of("setup.exe", data)
    assert ZipFormat().sniff(item.read_head(), item)
    assert [m.data for m in members("setup.exe", data)] == [b"1"]


@pytest.mark.parametrize(
    "data",
    [
        zip_bytes({"a.csv": b"1" * 1000})[:-30],  # truncated: the end record is gone
        zip_bytes({"a.csv": b"1" * 1000})[:40],
        b"PK\x03\x04" + b"garbage" * 100,
        b"PK\x05\x06" + b"\x00" * 10,
    ],
    ids=["truncated-end", "truncated-start", "garbage", "short-end-record"],
)
def test_damaged_zip_is_corrupt_file(data: bytes) -> None:
    with pytest.raises(CorruptFile):
        members("bad.zip", data)


def test_empty_zip_has_no_members() -> None:
    assert members("empty.zip", zip_bytes({})) == []


def test_not_an_archive() -> None:
    item = item_of("a.csv", b"a,b\n1,2\n")
    assert not is_archive(item, item.read_head())
    with pytest.raises(UnsupportedFormat):
        expand(item, Limits(), Limits().new_budget())
