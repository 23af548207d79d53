"""Tar (plain and compressed), single gz/bz2/xz, 7z and LZH: round trips with Japanese names."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from mamori.errors import CorruptFile, Encrypted
from mamori.evidence.archive_7z import SevenZipFormat
from mamori.evidence.archive_lzh import LzhFormat
from mamori.evidence.archive_single import CompressedFileFormat, inner_name
from mamori.evidence.archive_tar import TarFormat
from mamori.evidence.archives import expand, find_format, is_archive
from mamori.evidence.files import FileRef, load_file
from mamori.evidence.limits import Limits
from mamori.models import Item, Status
from mamori.synth.archives import compressed_bytes, lzh_bytes, sevenzip_bytes, tar_bytes, zip_bytes

CONTENTS = {
    "住民名簿①.csv": "氏名,住所\n髙橋 一郎,堺市\n".encode("cp932"),
    "髙橋様.txt": b"hello",
    "ソ表.csv": b"a,b\n" * 1000,
    "フォルダ/能登様.txt": b"",
}


def no_bytes(value: object) -> str | None:
    """Test ids without archive bytes in them (they differ per run, which xdist refuses)."""
    return "bytes" if isinstance(value, bytes) else None


def item_of(path: str, data: bytes, depth: int = 0) -> Item:
    return Item(path, len(data), hashlib.sha256(data).hexdigest(), data=data, depth=depth)


def members(path: str, data: bytes) -> list[Item]:
    limits = Limits()
    return list(expand(item_of(path, data), limits, limits.new_budget()))


ROUND_TRIPS = [
    ("t.tar", tar_bytes(CONTENTS), TarFormat),
    ("t.tar", tar_bytes(CONTENTS, encoding="cp932"), TarFormat),
    ("t.tar.gz", tar_bytes(CONTENTS, "gz"), TarFormat),
    ("t.tgz", tar_bytes(CONTENTS, "gz", encoding="cp932"), TarFormat),
    ("t.tar.bz2", tar_bytes(CONTENTS, "bz2"), TarFormat),
    ("t.tar.xz", tar_bytes(CONTENTS, "xz"), TarFormat),
    ("t.7z", sevenzip_bytes(CONTENTS), SevenZipFormat),
    ("t.lzh", lzh_bytes(CONTENTS), LzhFormat),
]


@pytest.mark.parametrize(
    ("path", "data", "fmt"),
    ROUND_TRIPS,
    ids=["tar", "tar-cp932", "tar.gz", "tgz-cp932", "tar.bz2", "tar.xz", "7z", "lzh"],
)
def test_round_trip(path: str, data: bytes, fmt: type) -> None:
    item = item_of(path, data)
    assert isinstance(find_format(item, item.read_head()), fmt)
    got = members(path, data)
    assert {m.path: m.data for m in got} == {f"{path}!{name}": body for name, body in CONTENTS.items()}
    for m in got:
        assert m.depth == 1 and m.status is None
        assert m.sha256 == hashlib.sha256(m.data or b"").hexdigest()


@pytest.mark.parametrize("kind", ["gz", "bz2", "xz"])
def test_single_compressed_file(kind: str) -> None:
    body = "氏名\n山田\n".encode() * 100
    data = compressed_bytes(body, kind)  # type: ignore[arg-type]
    item = item_of(f"dir/名簿.csv.{kind}", data)
    assert isinstance(find_format(item, item.read_head()), CompressedFileFormat)
    (member,) = members(item.path, data)
    assert member.path == f"dir/名簿.csv.{kind}!名簿.csv"
    assert member.data == body and member.status is None


def test_concatenated_gzip_members_are_one_file() -> None:
    data = compressed_bytes(b"first\n", "gz") + compressed_bytes(b"second\n", "gz")
    (member,) = members("log.gz", data)
    assert member.data == b"first\nsecond\n"


@pytest.mark.parametrize(
    ("outer", "inner"),
    [("a.csv.gz", "a.csv"), ("A.CSV.GZ", "A.CSV"), ("logs.tgz", "logs.tar"), ("x.bz2", "x"), ("noext", "noext")],
)
def test_inner_name(outer: str, inner: str) -> None:
    assert inner_name(outer) == inner


@pytest.mark.parametrize("header_encryption", [False, True])
def test_encrypted_7z(header_encryption: bool) -> None:
    data = sevenzip_bytes({"住民.csv": b"secret"}, "pw", header_encryption=header_encryption)
    with pytest.raises(Encrypted):
        members("e.7z", data)


def test_7z_stops_cleanly_when_the_consumer_stops() -> None:
    data = sevenzip_bytes({f"{i}.csv": b"x" * 1000 for i in range(5)})
    before = threading.active_count()
    limits = Limits()
    walk = expand(item_of("s.7z", data), limits, limits.new_budget())
    first = next(iter(walk))
    assert first.data == b"x" * 1000
    walk.close()  # type: ignore[attr-defined]
    assert threading.active_count() == before


def test_7z_damaged_member_is_unreadable_then_the_archive_corrupt() -> None:
    data = bytearray(sevenzip_bytes({"a.csv": b"abcdefgh" * 4000, "b.csv": b"zz" * 100}))
    data[40] ^= 0xFF  # inside the packed (solid) stream: nothing after it can be trusted
    limits = Limits()
    walk = iter(expand(item_of("d.7z", bytes(data)), limits, limits.new_budget()))
    first = next(walk)
    assert first.path == "d.7z!a.csv" and first.status is Status.UNREADABLE and first.data is None
    with pytest.raises(CorruptFile):
        next(walk)


def test_lzh_crc_error_is_unreadable_member() -> None:
    data = lzh_bytes({"a.csv": b"aaaa", "b.csv": b"bbbb"}).replace(b"aaaa", b"aaab")
    got = members("d.lzh", data)
    assert got[0].status is Status.UNREADABLE and "CRC" in (got[0].reason or "")
    assert got[1].data == b"bbbb"


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("t.tar.gz", tar_bytes(CONTENTS, "gz")[:200]),
        ("t.gz", compressed_bytes(b"x" * 5000, "gz")[:-12]),
        ("t.xz", compressed_bytes(b"x" * 5000, "xz")[:30]),
        ("t.7z", sevenzip_bytes(CONTENTS)[:40]),
        ("t.lzh", lzh_bytes(CONTENTS)[:40]),
    ],
    ids=no_bytes,
)
def test_truncated_archives_are_corrupt(path: str, data: bytes) -> None:
    with pytest.raises(CorruptFile):
        members(path, data)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("big.zip", zip_bytes(CONTENTS)),
        ("big.tar.gz", tar_bytes(CONTENTS, "gz")),
        ("big.7z", sevenzip_bytes(CONTENTS)),
        ("big.lzh", lzh_bytes(CONTENTS)),
        ("big.csv.xz", compressed_bytes(b"a,b\n" * 100, "xz")),
    ],
    ids=no_bytes,
)
def test_archives_read_from_disk_when_not_in_memory(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    item = load_file(FileRef(path, f"in/{name}"), Limits(in_memory_bytes=16))
    assert item.data is None and item.fs_path == path
    assert is_archive(item, item.read_head())
    got = list(expand(item, Limits(), Limits().new_budget()))
    assert got and all(m.path.startswith(f"in/{name}!") and m.data is not None for m in got)


@pytest.mark.parametrize(
    ("tail", "expected"),
    [(b"", b"one\n"), (b"\x00" * 1024, b"one\n"), (b"trailing garbage", b"one\n"),
     (compressed_bytes(b"two\n", "gz"), b"one\ntwo\n")],
    ids=["none", "zeros", "garbage", "second-member"],
)
def test_gzip_tail(tail: bytes, expected: bytes) -> None:
    (member,) = members("x.gz", compressed_bytes(b"one\n", "gz") + tail)
    assert member.data == expected


def test_tar_names_lose_leading_dot_slash() -> None:
    (member,) = members("x.tar", tar_bytes({"./dir/a.csv": b"1"}))
    assert member.path == "x.tar!dir/a.csv"
