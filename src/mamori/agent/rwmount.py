"""A writable view of a read-only mounted medium that only the export service (root) can reach.

The user's mount stays read-only throughout: it keeps its per-mount read-only flag, and the writable view
is a bind mount under a root-only folder whose own flag alone is cleared::

    blockdev --setrw DEV                      the device accepts writes again (udev set it read-only)
    mount --bind MOUNTPOINT VIEW              VIEW inside /run/mamori/export (0700): users cannot reach it
    mount -o remount,rw VIEW                  superblock and VIEW read-write; MOUNTPOINT's flag stays ro
    ... write through VIEW ...
    mount -o remount,ro VIEW; umount VIEW; blockdev --setro DEV

Every step after a failure is still undone (best effort, in reverse), so a crash midway never leaves the
medium writable through the user's mount.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mamori.agent.usbguard import Runner, _run
from mamori.errors import ConfigError

EXPORT_ROOT = Path("/run/mamori/export")


def _must(run: Runner, args: list[str]) -> str:
    done = run(args)
    if done.returncode != 0:
        raise ConfigError(f"{' '.join(args)} failed: {(done.stderr or done.stdout).strip()[:300]}")
    return done.stdout.strip()


def source_device(mountpoint: Path, run: Runner = _run) -> str:
    """The block device mounted at `mountpoint` (findmnt)."""
    device = _must(run, ["findmnt", "--noheadings", "--output", "SOURCE", "--mountpoint", str(mountpoint)])
    if not device.startswith("/dev/"):
        raise ConfigError(f"{mountpoint} is not a mounted block device (findmnt says {device!r})")
    return device


@contextmanager
def writable_view(mountpoint: Path, run: Runner = _run, root: Path = EXPORT_ROOT) -> Iterator[Path]:
    """Yield a folder through which the medium mounted (read-only) at `mountpoint` can be written."""
    device = source_device(mountpoint, run)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    view = root / secrets.token_hex(8)
    view.mkdir(mode=0o700)
    undo: list[list[str]] = []
    try:
        _must(run, ["blockdev", "--setrw", device])
        undo.append(["blockdev", "--setro", device])
        _must(run, ["mount", "--bind", str(mountpoint), str(view)])
        undo.append(["umount", str(view)])
        _must(run, ["mount", "-o", "remount,rw", str(view)])
        undo.append(["mount", "-o", "remount,ro", str(view)])
        yield view
        run(["sync", "--file-system", str(view)])
    finally:
        for args in reversed(undo):
            run(args)
        if view.exists() and not any(view.iterdir()):
            view.rmdir()
