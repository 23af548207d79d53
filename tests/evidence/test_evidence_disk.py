"""Disk images: FAT/ext4/NTFS/E01 built from generated files without mounting; deleted files found and marked."""

from __future__ import annotations

import hashlib
import json
import os
import struct
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.evidence.disk_image import is_disk_image, looks_like_image
from mamori.evidence.disk_read import walk_image
from mamori.evidence.files import FileRef, load_file
from mamori.evidence.limits import MIB, Limits
from mamori.models import Item, Status
from mamori.people.keys import KeyMaker
from mamori.scan.inspect import Inspector
from mamori.synth.disk_images import (
    e01_image,
    ext4_image,
    fat_image,
    missing_tools,
    ntfs_image,
    partitioned_image,
)
from mamori.synth.documents import make_document
from mamori.synth.render.base import renderers
from mamori.synth.residents import generate_residents

pytestmark = pytest.mark.skipif(bool(missing_tools()), reason=f"Debian tools missing: {missing_tools()}")

STAMP = datetime(2015, 5, 11, 9, 30, tzinfo=UTC).timestamp()
STATUSES = {s.value for s in Status}


def _roster(seed: int, rows: int = 12) -> bytes:
    doc = make_document("resident_list", generate_residents(40, seed), rows=rows, seed=seed)
    return renderers().get("csv").render(doc, "cp932")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small PC's files: rosters (personal data), a memo (none), a 20 MiB file, Japanese names."""
    root = tmp_path_factory.mktemp("pc") / "files"
    files = {
        "Users/x/Desktop/名簿.csv": _roster(1),
        "Users/x/Desktop/消した名簿.csv": _roster(2),
        "Users/x/Documents/メモ.txt": "打ち合わせメモ\n".encode("cp932"),
        "Users/x/Documents/消したメモ.txt": "議事録の下書き\n".encode("cp932"),
        "big.bin": hashlib.sha256(b"x").digest() * (20 * MIB // 32),
    }
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.utime(path, (STAMP, STAMP))
    return root


@pytest.fixture(scope="module")
def fat(tree: Path) -> Path:
    return fat_image(tree, tree.parent / "pc.img",
                     delete=["Users/x/Desktop/消した名簿.csv", "Users/x/Documents/消したメモ.txt"])


def _entries(image: Path) -> dict[str, object]:
    return {e.path: e for e in walk_image(image)}


def test_fat_lists_live_and_deleted_files_with_inode_and_times(tree: Path, fat: Path) -> None:
    entries = _entries(fat)
    assert set(entries) == {
        "FAT/Users/x/Desktop/名簿.csv", "FAT/Users/x/Desktop/消した名簿.csv", "FAT/Users/x/Documents/メモ.txt",
        "FAT/Users/x/Documents/消したメモ.txt", "FAT/big.bin"}
    for path, entry in entries.items():
        deleted = "消した" in path
        assert entry.origin.deleted is deleted, path  # type: ignore[attr-defined]
        assert entry.origin.inode > 0  # type: ignore[attr-defined]
        assert entry.origin.mtime is not None and abs(entry.origin.mtime - STAMP) <= 2  # type: ignore[attr-defined]
        assert entry.size == (tree / path.removeprefix("FAT/")).stat().st_size  # type: ignore[attr-defined]


def test_deleted_content_is_read_back_from_the_clusters(tree: Path, fat: Path) -> None:
    entry = _entries(fat)["FAT/Users/x/Desktop/消した名簿.csv"]
    item = load_file(FileRef(fat, "pc.img!x", address=entry.address), Limits())  # type: ignore[attr-defined]
    assert item.data == (tree / "Users/x/Desktop/消した名簿.csv").read_bytes()
    assert item.origin is not None and item.origin.deleted


def test_big_file_is_streamed_not_kept(tree: Path, fat: Path) -> None:
    entry = _entries(fat)["FAT/big.bin"]
    item = load_file(FileRef(fat, "big", address=entry.address), Limits(in_memory_bytes=MIB))  # type: ignore[attr-defined]
    want = (tree / "big.bin").read_bytes()
    assert item.data is None and item.size == len(want)
    assert item.sha256 == hashlib.sha256(want).hexdigest()
    with item.open() as stream:
        stream.seek(5 * MIB + 3)
        assert stream.read(100) == want[5 * MIB + 3: 5 * MIB + 103]


def _find(image: Path) -> list[dict[str, object]]:
    out = subprocess.run([sys.executable, "-m", "mamori", "find", image.name, "--format", "jsonl",
                          "--workers", "1", "--no-progress"], capture_output=True, text=True, timeout=600,
                         cwd=image.parent)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_find_reads_an_e01_named_in_japanese(fat: Path, tmp_path: Path) -> None:
    image = e01_image(fat, tmp_path / "職場PC")
    assert image.name == "職場PC.E01" and is_disk_image(image)
    rows = {str(r["path"]): r for r in _find(image)[:-1]}
    top = rows.pop("職場PC.E01")
    assert top["container"] is True and top["pii"] is True
    live, gone = rows["職場PC.E01!FAT/Users/x/Desktop/名簿.csv"], rows["職場PC.E01!FAT/Users/x/Desktop/消した名簿.csv"]
    assert live["pii"] is True and live["deleted"] is False
    assert gone["pii"] is True and gone["deleted"] is True and gone["status"] == "ok"
    assert gone["origin"]["mtime"] == "2015-05-11T09:30:00Z"  # type: ignore[index]
    # A deleted file with nothing found is never clean: its clusters may hold another file by now.
    memo = rows["職場PC.E01!FAT/Users/x/Documents/消したメモ.txt"]
    assert memo["deleted"] is True and memo["pii"] is None and memo["status"] == "unreadable"
    assert rows["職場PC.E01!FAT/Users/x/Documents/メモ.txt"]["pii"] is False
    for r in rows.values():
        assert r["status"] in STATUSES and isinstance(r["origin"]["inode"], int)  # type: ignore[index]


def test_split_e01_is_read_through_its_first_segment(fat: Path, tmp_path: Path) -> None:
    first = e01_image(fat, tmp_path / "usb", segment_bytes=1024 * 1024)
    segments = sorted(p.name for p in tmp_path.glob("usb.E*"))
    assert segments[:2] == ["usb.E01", "usb.E02"]
    assert {e.path for e in walk_image(first)} == set(_entries(fat))
    assert looks_like_image(first.read_bytes()[:2048])
    assert not looks_like_image((tmp_path / "usb.E02").read_bytes()[:2048])


def test_partitioned_disk_names_each_filesystem_by_its_partition(tree: Path, fat: Path, tmp_path: Path) -> None:
    ext4 = ext4_image(tree / "Users", tmp_path / "p2.raw")
    disk = partitioned_image([(fat, 0x0C), (ext4, 0x83)], tmp_path / "disk.dd")
    assert looks_like_image(disk.read_bytes()[:2048])
    paths = {e.path for e in walk_image(disk)}
    assert "p1_FAT/Users/x/Desktop/名簿.csv" in paths and "p2_ext4/x/Desktop/名簿.csv" in paths
    assert {p.split("/", 1)[0] for p in paths} == {"p1_FAT", "p2_ext4"}


def test_each_file_on_an_image_has_its_own_archive_budget(tmp_path: Path) -> None:
    from mamori.synth.archives import zip_bytes

    files = tmp_path / "zips"
    files.mkdir()
    for name in ("a.zip", "b.zip", "c.zip"):
        (files / name).write_bytes(zip_bytes({f"{i}.csv": _roster(i) for i in range(3)}))
    image = fat_image(files, tmp_path / "z.img")
    limits = Limits(max_members=4)
    results = Inspector(limits, KeyMaker(b"k" * 32)).inspect(load_file(FileRef(image, "z.img"), limits))
    members = [r for r in results if r.path.count("!") == 2]
    assert len(members) == 9 and all(r.status is Status.OK and r.pii for r in members)


def test_ext4_and_ntfs(tree: Path, tmp_path: Path) -> None:
    ext4 = ext4_image(tree, tmp_path / "hdd.raw")
    assert "ext4/Users/x/Desktop/名簿.csv" in _entries(ext4)
    ntfs = ntfs_image({"名簿.csv": _roster(3), "メモ.txt": b"memo"}, tmp_path / "ntfs.img", tmp_path / "w")
    entries = _entries(ntfs)
    assert set(entries) == {"NTFS/名簿.csv", "NTFS/メモ.txt"}  # $MFT and the other metadata files are left out
    rows = {str(r["path"]): r for r in _find(ntfs)[:-1]}
    assert rows["ntfs.img!NTFS/名簿.csv"]["pii"] is True


def test_ext4_file_deleted_by_debugfs_is_found_and_marked(tree: Path, tmp_path: Path) -> None:
    image = ext4_image(tree, tmp_path / "e.img")
    subprocess.run(["debugfs", "-w", "-R", "kill_file /Users/x/Desktop/消した名簿.csv", image], check=True,
                   capture_output=True)
    entries = _entries(image)
    gone = entries["ext4/Users/x/Desktop/消した名簿.csv"]
    assert gone.origin.deleted and not entries["ext4/Users/x/Desktop/名簿.csv"].origin.deleted  # type: ignore[attr-defined]
    item = load_file(FileRef(image, "e", address=gone.address), Limits())  # type: ignore[attr-defined]
    assert item.data == (tree / "Users/x/Desktop/消した名簿.csv").read_bytes()


def _fat_loop(image: Path, out: Path) -> Path:
    """*image* with a folder entry "LOOP" added inside Users that points back at Users' own cluster."""
    data = bytearray(image.read_bytes())
    bps, spc, reserved, fats, root_entries, _, fat_sectors = struct.unpack_from("<HBHBHHxH", data, 11)
    root = (reserved + fats * fat_sectors) * bps
    first = root + root_entries * 32
    users = next(struct.unpack_from("<H", data, root + 32 * i + 26)[0] for i in range(root_entries)
                 if data[root + 32 * i: root + 32 * i + 5] == b"USERS" and data[root + 32 * i + 11] & 0x10)
    folder = first + (users - 2) * spc * bps
    free = next(folder + 32 * i for i in range(spc * bps // 32) if data[folder + 32 * i] == 0)
    data[free: free + 32] = b"LOOP       " + bytes([0x10]) + bytes(14) + struct.pack("<H", users) + bytes(4)
    out.write_bytes(bytes(data))
    return out


def test_a_folder_that_contains_itself_is_walked_once(fat: Path, tmp_path: Path) -> None:
    looped = _fat_loop(fat, tmp_path / "loop.img")
    assert sorted(e.path for e in walk_image(looped)) == sorted(_entries(fat))


@pytest.mark.parametrize("kind", ["truncated", "zeroed_fat", "garbage_dirs"])
def test_damaged_images_become_problems(fat: Path, tmp_path: Path, kind: str) -> None:
    data = bytearray(fat.read_bytes())
    if kind == "truncated":
        data = data[: len(data) // 50]
    elif kind == "zeroed_fat":
        data[512: 512 + 64 * 1024] = bytes(64 * 1024)
    else:
        data[96 * 1024: 1024 * 1024] = hashlib.sha256(b"g").digest() * ((1024 * 1024 - 96 * 1024) // 32)
    bad = tmp_path / f"{kind}.img"
    bad.write_bytes(bytes(data))
    results = _inspect(bad)
    assert results[0].path == bad.name
    for r in results:
        assert r.status.value in STATUSES
        if r.status not in (Status.OK, Status.EMPTY):
            assert r.pii is None


def _inspect(image: Path) -> list[object]:
    item = load_file(FileRef(image, image.name), Limits())
    return Inspector(Limits(), KeyMaker(b"k" * 32)).inspect(item)  # type: ignore[return-value]


@settings(max_examples=25, deadline=None)
@given(cuts=st.lists(st.tuples(st.integers(0, 2 * MIB), st.binary(min_size=1, max_size=64)), max_size=12))
def test_mutated_fat_never_crashes_and_deleted_is_never_clean(fat: Path, tmp_path_factory: pytest.TempPathFactory,
                                                             cuts: list[tuple[int, bytes]]) -> None:
    data = bytearray(fat.read_bytes()[: 4 * MIB])
    for offset, chunk in cuts:
        data[offset: offset + len(chunk)] = chunk
    bad = tmp_path_factory.mktemp("mut") / "m.img"
    bad.write_bytes(bytes(data))
    item = Item("m.img", len(data), "", fs_path=bad)
    for r in Inspector(Limits(), KeyMaker(b"k" * 32)).inspect(item):
        assert r.status.value in STATUSES
        if r.origin is not None and r.origin.deleted:
            assert r.pii is not False


def test_sniff_rejects_ordinary_files() -> None:
    assert not looks_like_image(b"")
    assert not looks_like_image("氏名,住所\n".encode("cp932") * 200)
    assert not looks_like_image(b"PK\x03\x04" + bytes(4000))
