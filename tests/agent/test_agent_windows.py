"""The Windows policy (Device Installation Restrictions .reg, MDE device control XML): golden files, and the
structure of Microsoft's published samples (microsoft/mdatp-devicecontrol: element names, attributes,
AccessMask values), not an invented one."""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from policy_helpers import DATA, medium, policy

from mamori.agent import windows
from mamori.agent.windows import (
    instance_id,
    render_mde_groups,
    render_mde_rules,
    render_reg,
    write_windows,
)
from mamori.errors import ConfigError

GOLDEN = DATA / "golden"
POLICY = policy(12, medium(3, "4C530001230101117464"), medium(7, "AA0123&X", vendor="0951", product="1666"),
                medium(8, "has space"), medium(9, "LOST-0009", allowed=False))
# Every element and attribute the Microsoft samples use in device-control group and rule XML
# (Getting Started/Step 3, Removable Storage Access Control Samples/Group Policy, ...).
SAMPLE_ELEMENTS = {"Groups", "Group", "Name", "MatchType", "DescriptorIdList", "PrimaryId", "VID_PID",
                   "SerialNumberId", "InstancePathId", "FriendlyNameId", "PolicyRules", "PolicyRule",
                   "IncludedIdList", "ExcludedIdList", "GroupId", "Entry", "Type", "Options", "AccessMask", "Sid"}
SAMPLE_ATTRIBUTES = {"Group": {"Id", "Type"}, "PolicyRule": {"Id"}, "Entry": {"Id"}}
ACCESS_BITS = {1: "disk read", 2: "disk write", 4: "disk execute", 8: "file read", 16: "file write",
               32: "file execute"}
GUID = re.compile(r"\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}")


@pytest.mark.parametrize(("name", "render"), [("mamori-device-install.reg", render_reg),
                                              ("mde-groups.xml", render_mde_groups),
                                              ("mde-rules.xml", render_mde_rules)])
def test_golden(name: str, render: object) -> None:
    assert callable(render)
    assert render(POLICY) == (GOLDEN / name).read_bytes().decode("utf-8")


def _walk(root: ET.Element) -> list[ET.Element]:
    return list(root.iter())


def test_xml_has_the_structure_of_microsofts_samples() -> None:
    groups = ET.fromstring(render_mde_groups(POLICY))
    rules = ET.fromstring(render_mde_rules(POLICY))
    assert (groups.tag, rules.tag) == ("Groups", "PolicyRules")
    for element in _walk(groups) + _walk(rules):
        assert element.tag in SAMPLE_ELEMENTS
        assert set(element.attrib) <= SAMPLE_ATTRIBUTES.get(element.tag, set())
        if "Id" in element.attrib:
            assert GUID.fullmatch(element.attrib["Id"])
    group_ids = {g.attrib["Id"] for g in groups}
    for group in groups:
        assert group.findtext("MatchType") in ("MatchAny", "MatchAll")
        assert [c.tag for c in group] == ["Name", "MatchType", "DescriptorIdList"]
    for rule in rules:
        assert [c.tag for c in rule][:3] == ["Name", "IncludedIdList", "ExcludedIdList"]
        assert {g.text for g in rule.iter("GroupId")} <= group_ids
        for entry in rule.iter("Entry"):
            assert entry.findtext("Type") in ("Allow", "Deny", "AuditAllowed", "AuditDenied")
            mask = int(entry.findtext("AccessMask") or "-1")
            assert mask > 0 and mask & ~sum(ACCESS_BITS) == 0


def test_each_medium_by_vid_pid_and_serial_read_only_except_the_writer() -> None:
    groups = {g.attrib["Id"]: g for g in ET.fromstring(render_mde_groups(POLICY))}
    rules = list(ET.fromstring(render_mde_rules(POLICY)))
    registered = [g for g in groups.values() if g.findtext("MatchType") == "MatchAll"]
    assert sorted((g.findtext("DescriptorIdList/VID_PID"), g.findtext("DescriptorIdList/SerialNumberId"))
                  for g in registered) == [("0781_5581", "4C530001230101117464"), ("0781_5581", "has space"),
                                           ("0951_1666", "AA0123&X")]
    for rule in rules[:-1]:
        entries = [(e.findtext("Type"), int(e.findtext("AccessMask") or 0), e.findtext("Sid")) for e in
                   rule.iter("Entry")]
        assert entries[:3] == [("Allow", 63, "S-1-5-18"), ("Allow", 9, None), ("Deny", 54, None)]
        assert windows.READ_ONLY == 1 + 8, "Microsoft's 'Allow Read Only Access' sample uses 9"
    deny = rules[-1]
    included = deny.findtext("IncludedIdList/GroupId") or ""
    assert groups[included].findtext("DescriptorIdList/PrimaryId") == "RemovableMediaDevices"
    excluded = {g.text for g in deny.findall("ExcludedIdList/GroupId")}
    assert excluded == {g.attrib["Id"] for g in registered}
    assert [(e.findtext("Type"), e.findtext("AccessMask")) for e in deny.iter("Entry")] == [
        ("Deny", "63"), ("AuditDenied", "63")]


def test_ids_are_stable_across_versions() -> None:
    later = policy(13, medium(3, "4C530001230101117464"))
    first = {g.findtext("Name"): g.attrib["Id"] for g in ET.fromstring(render_mde_groups(POLICY))}
    second = {g.findtext("Name"): g.attrib["Id"] for g in ET.fromstring(render_mde_groups(later))}
    assert all(first[name] == gid for name, gid in second.items())


def _reg_values(text: str) -> dict[str, dict[str, str]]:
    """A small reader of .reg text: {key: {name: value}} (string values unescaped, dwords as written)."""
    keys: dict[str, dict[str, str]] = {}
    current = ""
    for line in text.split("\r\n"):
        if line.startswith("[-"):
            keys.pop(line[2:-1], None)
        elif line.startswith("["):
            current = line[1:-1]
            keys.setdefault(current, {})
        elif line.startswith('"'):
            name, _, value = line.partition("=")
            if value.startswith('"'):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            keys[current][name.strip('"')] = value
    return keys


def test_reg_denies_usb_storage_and_allows_registered_instance_ids() -> None:
    text = render_reg(POLICY)
    assert text.startswith("Windows Registry Editor Version 5.00\r\n")
    keys = _reg_values(text)
    root = windows.RESTRICTIONS
    assert keys[root] == {"AllowDenyLayered": "dword:00000001", "DenyDeviceIDs": "dword:00000001",
                          "DenyDeviceIDsRetroactive": "dword:00000001", "AllowDeviceInstanceIDs": "dword:00000001"}
    assert keys[root + "\\DenyDeviceIDs"] == {"1": "USB\\Class_08"}
    assert keys[root + "\\AllowDeviceInstanceIDs"] == {"1": "USB\\VID_0781&PID_5581\\4C530001230101117464",
                                                       "2": "USB\\VID_0951&PID_1666\\AA0123&X"}
    assert "medium 8: its serial cannot be a Windows instance ID" in text and "LOST" not in text
    assert instance_id(medium(1, "ok")) == "USB\\VID_0781&PID_5581\\ok"
    assert instance_id(medium(1, "a,b")) is None and instance_id(medium(1, "ü")) is None


def test_write_windows_files(tmp_path: Path) -> None:
    written = write_windows(POLICY, tmp_path)
    reg = (tmp_path / "mamori-device-install.reg").read_bytes()
    assert reg.startswith(b"\xff\xfe") and reg.decode("utf-16") == render_reg(POLICY), "regedit wants UTF-16 LE"
    with (tmp_path / "intune" / "oma-uri.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 4 + 4 and {tmp_path / r["File"] for r in rows} <= set(written)
    for row in rows:
        element = ET.fromstring((tmp_path / row["File"]).read_text(encoding="utf-8"))
        guid = element.attrib["Id"].strip("{}")
        assert row["OMA-URI"].endswith(f"%7B{guid}%7D/{'GroupData' if element.tag == 'Group' else 'RuleData'}")


def test_writer_sid_must_be_a_sid(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a Windows SID"):
        write_windows(POLICY, tmp_path, writer_sid="Everyone")
    assert not list(tmp_path.iterdir())
    write_windows(POLICY, tmp_path, writer_sid="S-1-5-21-1004336348-1177238915-682003330-512")
