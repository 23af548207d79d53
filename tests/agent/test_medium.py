"""The medium probe: mount table → block device → USB identity, on fake sysfs trees built here."""

from __future__ import annotations

from pathlib import Path

import pytest
from agent_helpers import fake_usb
from hypothesis import given
from hypothesis import strategies as st

from mamori.agent.medium import MediumProbe, parse_mountinfo
from mamori.agent.refusal import ExportRefused


def test_identity_of_a_usb_partition(tmp_path: Path) -> None:
    usb = fake_usb(tmp_path, vendor="0951", product="1666", serial="60A44C4138B3")
    found = MediumProbe(usb.sysfs, usb.mountinfo).identify(usb.mount)
    assert found.as_grant() == {"vendor_id": "0951", "product_id": "1666", "serial": "60A44C4138B3"}
    assert found.device == "8:17" and found.mount_point == str(usb.mount)


def test_a_folder_inside_the_medium_is_on_it(tmp_path: Path) -> None:
    usb = fake_usb(tmp_path)
    (usb.mount / "課内").mkdir()
    assert MediumProbe(usb.sysfs, usb.mountinfo).identify(usb.mount / "課内").serial == "S0001"


def test_mount_point_with_a_space(tmp_path: Path) -> None:
    usb = fake_usb(tmp_path, name="USB DISK")
    assert MediumProbe(usb.sysfs, usb.mountinfo).identify(usb.mount).serial == "S0001"


@pytest.mark.parametrize("case", ["not-mounted", "tmpfs", "not-usb", "no-table"])
def test_unknown_media_refused(tmp_path: Path, case: str) -> None:
    usb = fake_usb(tmp_path / "t")
    target = usb.mount
    if case == "not-mounted":
        usb.mountinfo.write_text("22 1 253:0 / /nowhere rw - ext4 /dev/vda rw\n")
    elif case == "tmpfs":  # a folder on /tmp (0:23) has no block device in sysfs
        usb.mountinfo.write_text(f"25 22 0:23 / {target} rw - tmpfs tmpfs rw\n")
    elif case == "not-usb":  # an internal disk: the device chain has no idVendor
        for name in ("idVendor", "idProduct", "serial"):
            next(usb.sysfs.rglob(name)).unlink()
    else:
        usb.mountinfo.unlink()
    with pytest.raises(ExportRefused) as refused:
        MediumProbe(usb.sysfs, usb.mountinfo).identify(target)
    assert refused.value.code == "medium_unknown"


def test_deepest_mount_wins(tmp_path: Path) -> None:
    usb = fake_usb(tmp_path)
    text = usb.mountinfo.read_text()
    usb.mountinfo.write_text(text + f"50 40 0:99 / {usb.mount}/inner rw - tmpfs tmpfs rw\n")
    (usb.mount / "inner").mkdir()
    probe = MediumProbe(usb.sysfs, usb.mountinfo)
    assert probe.mount_of(usb.mount / "inner").device == "0:99"
    assert probe.mount_of(usb.mount).device == "8:17"


@given(st.text(max_size=400))
def test_mountinfo_parser_never_raises(text: str) -> None:
    for entry in parse_mountinfo(text):
        assert ":" in entry.device


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\x00/"),
               min_size=1, max_size=30))
def test_mount_point_escapes_round_trip(name: str) -> None:
    escaped = name.replace("\\", "\\134").replace(" ", "\\040").replace("\t", "\\011")
    line = f"40 25 8:17 / /media/{escaped} rw - vfat /dev/sdb1 rw"
    entries = parse_mountinfo(line)
    assert entries and entries[0].mount_point == f"/media/{name}"
