"""The Windows policy a Windows administrator deploys, generated from the same signed media policy.

Two documented Windows mechanisms, used together (docs/agent-windows.ja.md says how to deploy them):

* **Device Installation Restrictions** (DeviceInstallation.admx, registry under
  ``HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\DeviceInstall\\Restrictions``): USB mass-storage interfaces
  (compatible ID ``USB\\Class_08``) may not install, except the registered media's device instance IDs
  ``USB\\VID_vvvv&PID_pppp\\SERIAL``; ``AllowDenyLayered`` makes the more specific instance ID win.
* **Microsoft Defender for Endpoint device control** (removable storage access control XML, the structure
  of Microsoft's published samples in microsoft/mdatp-devicecontrol): one group per registered medium
  (``MatchAll`` of ``VID_PID`` and ``SerialNumberId``), one rule per medium allowing read (AccessMask 9 =
  disk read 1 + file read 8) to everyone and full access (63) only to LocalSystem (the mamori export
  service), and one rule denying every other removable storage device.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

from mamori.agent.usbguard import atomic_write
from mamori.errors import ConfigError
from mamori.guard.media.policy_document import MediaPolicy, PolicyMedium

RESTRICTIONS = r"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows\DeviceInstall\Restrictions"
USB_MASS_STORAGE_ID = r"USB\Class_08"
LOCAL_SYSTEM_SID = "S-1-5-18"
# AccessMask bits of MDE device control: disk read 1, write 2, execute 4; file read 8, write 16, execute 32.
DISK_READ, DISK_WRITE, DISK_EXECUTE, FILE_READ, FILE_WRITE, FILE_EXECUTE = 1, 2, 4, 8, 16, 32
READ_ONLY = DISK_READ | FILE_READ  # 9, as Microsoft's "Allow Read Only Access" sample
WRITE_EXECUTE = DISK_WRITE | DISK_EXECUTE | FILE_WRITE | FILE_EXECUTE  # 54
FULL = READ_ONLY | WRITE_EXECUTE  # 63
AUDIT_OPTIONS = "3"  # send event + show notification
_NAMESPACE = uuid.UUID("6d616d6f-7269-4d65-8469-612d706f6c69")  # fixed: the same medium keeps its GUIDs
OMA_GROUPS = "./Vendor/MSFT/Defender/Configuration/DeviceControl/PolicyGroups/%7B{id}%7D/GroupData"
OMA_RULES = "./Vendor/MSFT/Defender/Configuration/DeviceControl/PolicyRules/%7B{id}%7D/RuleData"


def _guid(*parts: str) -> str:
    return "{" + str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts))) + "}"


def instance_id(medium: PolicyMedium) -> str | None:
    """The USB device instance ID Windows gives the medium, or None when its serial cannot be one
    (Windows invents an ID for serials with characters outside printable ASCII, spaces or commas)."""
    if not all(0x21 <= ord(c) < 0x7F and c != "," for c in medium.serial):
        return None
    return f"USB\\VID_{medium.vendor_id.upper()}&PID_{medium.product_id.upper()}\\{medium.serial}"


def _reg_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_reg(policy: MediaPolicy) -> str:
    """The .reg text (import with ``reg import``; save as UTF-16 LE with BOM, as `write_windows` does)."""
    lines = ["Windows Registry Editor Version 5.00", "",
             f"; mamori media policy version {policy.version}, issued {policy.issued_at}.",
             "; USB storage may not install except the registered media listed below (default deny).", "",
             f"[{RESTRICTIONS}]", '"AllowDenyLayered"=dword:00000001', '"DenyDeviceIDs"=dword:00000001',
             '"DenyDeviceIDsRetroactive"=dword:00000001', '"AllowDeviceInstanceIDs"=dword:00000001', "",
             f"[-{RESTRICTIONS}\\DenyDeviceIDs]", f"[{RESTRICTIONS}\\DenyDeviceIDs]",
             f'"1"={_reg_string(USB_MASS_STORAGE_ID)}', "",
             f"[-{RESTRICTIONS}\\AllowDeviceInstanceIDs]", f"[{RESTRICTIONS}\\AllowDeviceInstanceIDs]"]
    number = 0
    for medium in policy.allowed:
        found = instance_id(medium)
        if found is None:
            lines.append(f"; medium {medium.medium_id}: its serial cannot be a Windows instance ID; "
                         "allow it by the instance path Device Manager shows")
            continue
        number += 1
        lines.append(f'"{number}"={_reg_string(found)}')
    return "\r\n".join(lines) + "\r\n"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def _group_id(medium: PolicyMedium) -> str:
    return _guid("group", medium.vendor_id, medium.product_id, medium.serial)


ALL_REMOVABLE_GROUP = _guid("group", "all-removable-media")


def mde_groups(policy: MediaPolicy) -> list[ET.Element]:
    """The device groups: all removable media, and one per registered medium in use."""
    every = ET.Element("Group", {"Id": ALL_REMOVABLE_GROUP, "Type": "Device"})
    _text(every, "Name", "mamori: all removable media")
    _text(every, "MatchType", "MatchAny")
    _text(ET.SubElement(every, "DescriptorIdList"), "PrimaryId", "RemovableMediaDevices")
    groups = [every]
    for medium in policy.allowed:
        group = ET.Element("Group", {"Id": _group_id(medium), "Type": "Device"})
        _text(group, "Name", f"mamori: medium {medium.medium_id} {medium.label}".strip())
        _text(group, "MatchType", "MatchAll")
        ids = ET.SubElement(group, "DescriptorIdList")
        _text(ids, "VID_PID", f"{medium.vendor_id.upper()}_{medium.product_id.upper()}")
        _text(ids, "SerialNumberId", medium.serial)
        groups.append(group)
    return groups


def _entry(rule: ET.Element, rule_id: str, kind: str, options: str, mask: int, sid: str = "") -> None:
    entry = ET.SubElement(rule, "Entry", {"Id": _guid("entry", rule_id, kind, str(mask), sid)})
    _text(entry, "Type", kind)
    _text(entry, "Options", options)
    _text(entry, "AccessMask", str(mask))
    if sid:
        _text(entry, "Sid", sid)


def mde_rules(policy: MediaPolicy, writer_sid: str = LOCAL_SYSTEM_SID) -> list[ET.Element]:
    """The policy rules: per medium read-only for users and full for the writer; deny everything else."""
    rules = []
    for medium in policy.allowed:
        rule_id = _guid("rule", medium.vendor_id, medium.product_id, medium.serial)
        rule = ET.Element("PolicyRule", {"Id": rule_id})
        _text(rule, "Name", f"mamori: medium {medium.medium_id} read-only (written only by mamori)")
        _text(ET.SubElement(rule, "IncludedIdList"), "GroupId", _group_id(medium))
        _text(rule, "ExcludedIdList", "")  # written <ExcludedIdList></ExcludedIdList>, as Microsoft's samples
        _entry(rule, rule_id, "Allow", "0", FULL, writer_sid)
        _entry(rule, rule_id, "Allow", "0", READ_ONLY)
        _entry(rule, rule_id, "Deny", "0", WRITE_EXECUTE)
        _entry(rule, rule_id, "AuditDenied", AUDIT_OPTIONS, WRITE_EXECUTE)
        rules.append(rule)
    deny_id = _guid("rule", "deny-other-removable-media")
    deny = ET.Element("PolicyRule", {"Id": deny_id})
    _text(deny, "Name", "mamori: deny unregistered removable storage")
    _text(ET.SubElement(deny, "IncludedIdList"), "GroupId", ALL_REMOVABLE_GROUP)
    excluded = ET.SubElement(deny, "ExcludedIdList")
    for medium in policy.allowed:
        _text(excluded, "GroupId", _group_id(medium))
    _entry(deny, deny_id, "Deny", "0", FULL)
    _entry(deny, deny_id, "AuditDenied", AUDIT_OPTIONS, FULL)
    rules.append(deny)
    return rules


def _document(root_tag: str, children: list[ET.Element], policy: MediaPolicy) -> str:
    root = ET.Element(root_tag)
    root.extend(children)
    ET.indent(root, space="  ")
    comment = f"<!-- mamori media policy version {policy.version}, issued {policy.issued_at} -->\n"
    return comment + ET.tostring(root, encoding="unicode") + "\n"


def render_mde_groups(policy: MediaPolicy) -> str:
    """groups.xml for Group Policy ("Define device control policy groups")."""
    return _document("Groups", mde_groups(policy), policy)


def render_mde_rules(policy: MediaPolicy, writer_sid: str = LOCAL_SYSTEM_SID) -> str:
    """rules.xml for Group Policy ("Define device control policy rules")."""
    return _document("PolicyRules", mde_rules(policy, writer_sid), policy)


_SID = re.compile(r"S-1-\d{1,13}(-\d{1,10}){1,15}")


def write_windows(policy: MediaPolicy, out: Path, writer_sid: str = LOCAL_SYSTEM_SID) -> list[Path]:
    """Write the .reg, the two GPO XML files and one file per Intune OMA-URI setting (with an index)."""
    if not _SID.fullmatch(writer_sid):
        raise ConfigError(f"{writer_sid!r} is not a Windows SID (like S-1-5-18 for LocalSystem)")
    files = {"mamori-device-install.reg": render_reg(policy).encode("utf-16"),
             "mde-groups.xml": render_mde_groups(policy).encode("utf-8"),
             "mde-rules.xml": render_mde_rules(policy, writer_sid).encode("utf-8")}
    index = io.StringIO()
    table = csv.writer(index, lineterminator="\r\n")
    table.writerow(["OMA-URI", "Data type", "File"])
    for kind, elements, template in (("group", mde_groups(policy), OMA_GROUPS),
                                     ("rule", mde_rules(policy, writer_sid), OMA_RULES)):
        for element in elements:
            ET.indent(element, space="  ")
            name = f"intune/{kind}-{element.get('Id', '').strip('{}')}.xml"
            files[name] = (ET.tostring(element, encoding="unicode") + "\n").encode("utf-8")
            table.writerow([template.format(id=element.get("Id", "").strip("{}")), "String (XML file)", name])
    files["intune/oma-uri.csv"] = index.getvalue().encode("utf-8")
    written = []
    for name, data in files.items():
        path = out / name
        atomic_write(path, data, mode=0o644)
        written.append(path)
    return written
