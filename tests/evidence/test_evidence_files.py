"""walk() and load_file(): display paths, symlink escapes and loops, special files, hashing, limits."""

from __future__ import annotations

import hashlib
import os
import socket
from pathlib import Path

import pytest

from mamori.evidence.files import SKIP_LOOP, SKIP_OUTSIDE, FileRef, load_file, walk
from mamori.evidence.limits import Limits
from mamori.models import Status


def _tree(root: Path) -> None:
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "住民.csv").write_bytes(b"x")
    (root / "a" / "z.txt").write_bytes(b"z")
    (root / "top.txt").write_bytes(b"t")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("corpus", ["corpus/a/b/住民.csv", "corpus/a/z.txt", "corpus/top.txt"]),
        ("corpus/", ["corpus/a/b/住民.csv", "corpus/a/z.txt", "corpus/top.txt"]),
        ("./corpus", ["./corpus/a/b/住民.csv", "./corpus/a/z.txt", "./corpus/top.txt"]),
        ("corpus/a/z.txt", ["corpus/a/z.txt"]),
    ],
)
def test_display_paths_keep_what_the_user_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str, expected: list[str],
) -> None:
    _tree(tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    refs = list(walk([given]))
    assert [r.path for r in refs] == expected
    assert all(r.skip_reason is None for r in refs)
    assert all(r.fs_path.is_file() for r in refs)


def test_absolute_root_and_several_paths(tmp_path: Path) -> None:
    _tree(tmp_path / "c")
    (tmp_path / "single.txt").write_bytes(b"s")
    paths = [r.path for r in walk([tmp_path / "c", str(tmp_path / "single.txt")])]
    assert paths == [f"{tmp_path}/c/a/b/住民.csv", f"{tmp_path}/c/a/z.txt", f"{tmp_path}/c/top.txt",
                     f"{tmp_path}/single.txt"]


def test_symlink_outside_the_root_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "outside.csv").write_bytes(b"o")
    root = tmp_path / "root"
    root.mkdir()
    (root / "in.txt").write_bytes(b"i")
    (root / "escape_dir").symlink_to(tmp_path / "secret")
    (root / "escape_file").symlink_to(tmp_path / "secret" / "outside.csv")
    (root / "inner_link.txt").symlink_to(root / "in.txt")
    refs = {r.path.rsplit("/", 1)[1]: r for r in walk([root])}
    assert refs["escape_dir"].skip_reason == SKIP_OUTSIDE
    assert refs["escape_file"].skip_reason == SKIP_OUTSIDE
    assert refs["inner_link.txt"].skip_reason is None
    assert "outside.csv" not in refs
    item = load_file(refs["escape_file"], Limits())
    assert item.status is Status.UNSUPPORTED and item.data is None


def test_symlink_loop_ends(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "f.txt").write_bytes(b"f")
    (root / "sub" / "back").symlink_to(root)
    (root / "self").symlink_to(root / "self")  # a link to itself cannot be resolved at all
    refs = list(walk([root]))
    by_name = {r.path.rsplit("/", 1)[1]: r for r in refs}
    assert by_name["back"].skip_reason == SKIP_LOOP
    assert by_name["self"].skip_reason is not None
    assert [r.path for r in refs if r.skip_reason is None] == [f"{root}/sub/f.txt"]


def test_fifo_and_socket_are_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(tmp_path / "sock"))
        refs = {r.path.rsplit("/", 1)[1]: r for r in walk([tmp_path])}
    assert "FIFO" in (refs["pipe"].skip_reason or "")
    assert "socket" in (refs["sock"].skip_reason or "")
    assert load_file(refs["pipe"], Limits()).status is Status.UNSUPPORTED
    # Even a FileRef without a skip_reason must not hang on a FIFO.
    item = load_file(FileRef(tmp_path / "pipe", "pipe"), Limits())
    assert item.status is Status.UNSUPPORTED


def test_missing_path_and_device(tmp_path: Path) -> None:
    refs = list(walk([tmp_path / "nope", "/dev/null"]))
    assert refs[0].skip_reason and load_file(refs[0], Limits()).status is Status.UNREADABLE
    assert "device" in (refs[1].skip_reason or "")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read every folder")
def test_unreadable_folder_is_reported_not_raised(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "f.txt").write_bytes(b"x")
    locked.chmod(0)
    try:
        refs = list(walk([tmp_path]))
    finally:
        locked.chmod(0o700)
    assert len(refs) == 1 and "permission denied" in (refs[0].skip_reason or "")
    assert load_file(refs[0], Limits()).status is Status.UNREADABLE


@pytest.mark.parametrize(
    ("size", "in_memory", "max_file", "status", "kept"),
    [
        (0, 10, 100, None, True),
        (10, 10, 100, None, True),
        (11, 10, 100, None, False),
        (3 * 1024 * 1024 + 7, 1024, 10**9, None, False),
        (101, 1000, 100, Status.TOO_LARGE, False),
    ],
)
def test_load_file_hashes_once_and_keeps_small_files(
    tmp_path: Path, size: int, in_memory: int, max_file: int, status: Status | None, kept: bool,
) -> None:
    data = os.urandom(size)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    item = load_file(FileRef(path, "f.bin"), Limits(in_memory_bytes=in_memory, max_file_bytes=max_file))
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.size == size
    assert item.status is status
    assert (item.data is not None) is kept
    if kept:
        assert item.data == data
    assert item.fs_path == path
    assert item.mtime == path.stat().st_mtime
    if status is Status.TOO_LARGE:
        assert item.reason and "limit" in item.reason
    else:
        assert item.read_head(5) == data[:5]
