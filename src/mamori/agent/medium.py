"""Which USB medium is behind a mount point, as the kernel sees it.

mount point → its entry in /proc/self/mountinfo (major:minor of the block device) →
/sys/dev/block/MAJ:MIN (a link into /sys/devices/…/block/sdb/sdb1) → up the device tree to the USB
device that has idVendor, idProduct and serial. Both the sysfs root and the mount table are
parameters, so tests build a fake tree with the same shape and point the probe at it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from mamori.agent.refusal import ExportRefused

_OCTAL = re.compile(r"\\([0-7]{3})")


@dataclass(frozen=True)
class MountEntry:
    """One line of mountinfo: which device is mounted where."""

    device: str  # "8:17"
    mount_point: str
    fstype: str
    source: str


@dataclass(frozen=True)
class MediumIdentity:
    """A USB medium as the grant names it, plus where the probe found it."""

    vendor_id: str
    product_id: str
    serial: str
    device: str = ""
    mount_point: str = ""

    def as_grant(self) -> dict[str, str]:
        """The three fields a grant and a report carry."""
        return {"vendor_id": self.vendor_id, "product_id": self.product_id, "serial": self.serial}


def _unescape(field: str) -> str:
    # mountinfo writes space, tab, newline and backslash in paths as \040, \011, \012, \134.
    return _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), field)


def parse_mountinfo(text: str) -> list[MountEntry]:
    """The entries of a mountinfo table; malformed lines are skipped (the kernel never writes them)."""
    entries: list[MountEntry] = []
    # Only "\n" ends a line and only " " separates fields: other bytes of a path appear as they are.
    for line in text.split("\n"):
        left, sep, right = line.partition(" - ")
        fields, tail = left.split(" "), right.split(" ")
        if not sep or len(fields) < 5 or len(tail) < 2 or ":" not in fields[2]:
            continue
        entries.append(MountEntry(fields[2], _unescape(fields[4]), tail[0], _unescape(tail[1])))
    return entries


class MediumProbe:
    """Identify the medium mounted at a path from a sysfs tree and a mount table."""

    def __init__(self, sysfs_root: Path = Path("/sys"), mountinfo: Path = Path("/proc/self/mountinfo")) -> None:
        self.sysfs_root = sysfs_root
        self.mountinfo = mountinfo

    def mount_of(self, path: Path) -> MountEntry:
        """The mount entry whose mount point is the deepest one holding `path`."""
        try:
            entries = parse_mountinfo(self.mountinfo.read_text(encoding="utf-8", errors="surrogateescape"))
        except OSError as exc:
            raise ExportRefused("medium_unknown", f"cannot read {self.mountinfo}: {exc.strerror}") from exc
        target = os.path.realpath(path)
        best: MountEntry | None = None
        for entry in entries:
            point = entry.mount_point.rstrip("/") or "/"
            inside = target == point or target.startswith(point.rstrip("/") + "/")
            # The deepest mount point wins; among equal ones the last (the mount on top).
            if inside and (best is None or len(point) >= len(best.mount_point.rstrip("/") or "/")):
                best = entry
        if best is None:
            raise ExportRefused("medium_unknown", f"{path} is not on any mounted file system")
        return best

    def identify(self, path: Path) -> MediumIdentity:
        """The USB vendor, product and serial of the medium holding `path`; ExportRefused otherwise."""
        entry = self.mount_of(path)
        root = os.path.realpath(self.sysfs_root)
        link = os.path.join(root, "dev", "block", entry.device)
        if not os.path.exists(link):
            raise ExportRefused("medium_unknown", f"{entry.mount_point} is not on a block device ({entry.device})")
        node = os.path.realpath(link)
        while node.startswith(root + os.sep) and node != root:
            values = [_read(Path(node, name)) for name in ("idVendor", "idProduct", "serial")]
            if values[0] is not None and values[1] is not None:
                return MediumIdentity(values[0].lower(), values[1].lower(), values[2] or "", entry.device,
                                      entry.mount_point)
            node = os.path.dirname(node)
        raise ExportRefused("medium_unknown", f"{entry.mount_point} ({entry.source}) is not on a USB device")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
