"""The export service's writable view: the commands, their order, and the undo after any failure."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from mamori.agent.rwmount import writable_view
from mamori.errors import ConfigError


class Recorder:
    """Stands in for the system: records commands; one can be made to fail."""

    def __init__(self, fail: str = "") -> None:
        self.calls: list[list[str]] = []
        self.fail = fail

    def __call__(self, args: Sequence[str]) -> subprocess.CompletedProcess[str]:
        self.calls.append(list(args))
        if args[0] == "findmnt":
            return subprocess.CompletedProcess(args, 0, "/dev/sdb1\n", "")
        failed = bool(self.fail) and " ".join(args).startswith(self.fail)
        return subprocess.CompletedProcess(args, 1 if failed else 0, "", "boom" if failed else "")


def _shape(calls: list[list[str]], view: str) -> list[str]:
    return [" ".join(c).replace(view, "VIEW") for c in calls]


def test_order_and_undo(tmp_path: Path) -> None:
    run = Recorder()
    with writable_view(Path("/media/u/STICK"), run, tmp_path / "export") as view:
        assert view.parent == tmp_path / "export" and oct(view.stat().st_mode)[-3:] == "700"
        seen = str(view)
    assert _shape(run.calls, seen) == [
        "findmnt --noheadings --output SOURCE --mountpoint /media/u/STICK",
        "blockdev --setrw /dev/sdb1", "mount --bind /media/u/STICK VIEW", "mount -o remount,rw VIEW",
        "sync --file-system VIEW", "mount -o remount,ro VIEW", "umount VIEW", "blockdev --setro /dev/sdb1"]
    assert not Path(seen).exists()


@pytest.mark.parametrize("fail", ["mount --bind", "mount -o remount,rw"])
def test_failure_midway_is_undone(tmp_path: Path, fail: str) -> None:
    run = Recorder(fail)
    with pytest.raises(ConfigError, match="failed"), writable_view(Path("/m"), run, tmp_path / "export"):
        pytest.fail("must not get a view")
    assert run.calls[-1] == ["blockdev", "--setro", "/dev/sdb1"], "the device is read-only again"


def test_error_while_writing_is_undone(tmp_path: Path) -> None:
    run = Recorder()
    with pytest.raises(OSError), writable_view(Path("/m"), run, tmp_path / "export"):
        raise OSError(28, "No space left on device")
    assert [c[0] for c in run.calls[-3:]] == ["mount", "umount", "blockdev"]
    assert "sync" not in [c[0] for c in run.calls]


def test_not_a_block_device(tmp_path: Path) -> None:
    def run(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(args, 0, "tmpfs\n", "")

    with pytest.raises(ConfigError, match="not a mounted block device"), writable_view(Path("/tmp"), run, tmp_path):
        pass


def _sh(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def stick(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A real read-only mounted filesystem on a loop device, as udev + udisks2 leave a registered medium."""
    import os
    import shutil

    if os.geteuid() != 0 or not all(shutil.which(t) for t in ("mkfs.ext4", "losetup", "blockdev", "findmnt")):
        pytest.skip("needs root and util-linux/e2fsprogs")
    image, mountpoint = tmp_path / "stick.img", tmp_path / "media" / "STICK"
    mountpoint.mkdir(parents=True)
    with image.open("wb") as handle:
        handle.truncate(16 << 20)
    if _sh("mkfs.ext4", "-q", str(image)).returncode != 0:
        pytest.skip("mkfs.ext4 failed")
    loop = _sh("losetup", "--find", "--show", str(image)).stdout.strip()
    if not loop:
        pytest.skip("no loop device here")
    try:
        if _sh("mount", "-o", "ro", loop, str(mountpoint)).returncode != 0:
            pytest.skip("mount is not permitted here")
        _sh("blockdev", "--setro", loop)
        yield mountpoint, loop
    finally:
        _sh("umount", str(mountpoint))
        _sh("losetup", "-d", loop)


def test_real_mount_user_view_stays_read_only(stick: tuple[Path, str], tmp_path: Path) -> None:
    mountpoint, loop = stick
    with pytest.raises(OSError):
        (mountpoint / "by-hand.txt").write_text("copied by hand")
    with writable_view(mountpoint, root=tmp_path / "export") as view:
        (view / "approved.csv").write_text("id,name\n1,山田\n", encoding="utf-8")
        with pytest.raises(OSError):  # the user's mount is still read-only while the service writes
            (mountpoint / "sneaky.txt").write_text("x")
    assert (mountpoint / "approved.csv").read_text(encoding="utf-8") == "id,name\n1,山田\n"
    assert not (mountpoint / "sneaky.txt").exists()
    with pytest.raises(OSError):
        (mountpoint / "after.txt").write_text("x")
    assert _sh("blockdev", "--getro", loop).stdout.strip() == "1"
    assert list((tmp_path / "export").iterdir()) == []
