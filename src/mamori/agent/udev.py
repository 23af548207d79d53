"""Read-only USB storage for users: a udev rule the agent renders from the media policy and installs.

For every USB block device the rule (1) makes udisks2 mount it read-only and refuses ``rw`` to callers
(``UDISKS_MOUNT_OPTIONS_DEFAULTS`` / ``_ALLOW``, udisks ≥ 2.9), and (2) marks the kernel block device
read-only (``blockdev --setro``), so even a root-less ``mount`` by hand cannot write. Registered media are
tagged with their register id (``MAMORI_MEDIUM_ID``) for the export service, which alone writes: in a
private mount namespace it flips the device and its own view of the mount to read-write, writes, and
flips them back; the user's mount keeps its per-mount read-only flag throughout (see docs).
USB storage that is not registered never gets here: USBGuard keeps it unauthorised.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from mamori.agent.usbguard import Runner, _run, atomic_write
from mamori.errors import ConfigError
from mamori.guard.media.policy_document import MediaPolicy

UDEV_RULES = Path("/etc/udev/rules.d/99-mamori-media.rules")
BLOCKDEV = "/usr/sbin/blockdev"
USER_MOUNT_DEFAULTS = "ro,nosuid,nodev,noexec"
USER_MOUNT_ALLOW = "ro,nosuid,nodev,noexec,noatime,nodiratime,sync,dirsync"
_UDEV_VALUE = re.compile(r"[!-~ ]*")  # printable ASCII: udev match strings hold no escapes


def _match_value(text: str) -> str:
    """`text` as a udev match operand: a character udev rewrites (to '_') or that is a glob becomes '?',
    one beyond ASCII (several bytes to udev's fnmatch) '*'. A tag, not access: the export service checks
    the device's identity itself."""
    return "".join(("?" if c in ' "*?[]|\\' else c) if _UDEV_VALUE.fullmatch(c) else "*" for c in text)


def render_udev_rules(policy: MediaPolicy, blockdev: str = BLOCKDEV) -> str:
    """The udev rules text for `policy`."""
    lines = [f"# mamori media policy version {policy.version}, issued {policy.issued_at}.",
             "# Written by the mamori agent: do not edit (changes are replaced on the next policy).",
             "# Every USB block device is read-only for users; only the agent's export service writes.",
             'SUBSYSTEM!="block", GOTO="mamori_media_end"',
             'ACTION=="remove", GOTO="mamori_media_end"',
             'ENV{ID_BUS}!="usb", GOTO="mamori_media_end"',
             f'ENV{{UDISKS_MOUNT_OPTIONS_DEFAULTS}}="{USER_MOUNT_DEFAULTS}"',
             f'ENV{{UDISKS_MOUNT_OPTIONS_ALLOW}}="{USER_MOUNT_ALLOW}"',
             f'ENV{{DEVTYPE}}=="disk|partition", RUN+="{blockdev} --setro $devnode"',
             "# Registered media in use: tagged with their register id for the export service."]
    for medium in policy.allowed:
        lines.append(f'ENV{{ID_VENDOR_ID}}=="{medium.vendor_id}", ENV{{ID_MODEL_ID}}=="{medium.product_id}", '
                     f'ENV{{ID_SERIAL_SHORT}}=="{_match_value(medium.serial)}", '
                     f'ENV{{MAMORI_MEDIUM_ID}}="{medium.medium_id}", TAG+="mamori_medium"')
    lines.append('LABEL="mamori_media_end"')
    return "\n".join(lines) + "\n"


def udevadm_verify(text: str, run: Runner = _run) -> str | None:
    """What ``udevadm verify`` (systemd ≥ 254) says against `text`: None when it accepts or is unavailable."""
    udevadm = shutil.which("udevadm")
    if udevadm is None or run([udevadm, "verify", "--help"]).returncode != 0:
        return None
    with tempfile.TemporaryDirectory(prefix="mamori-udev-") as folder:
        path = Path(folder) / "99-mamori-media.rules"
        path.write_text(text, encoding="utf-8")
        done = run([udevadm, "verify", "--no-style", str(path)])
    return None if done.returncode == 0 else (done.stderr or done.stdout).strip()[-1000:]


def install_udev_rules(text: str, path: Path = UDEV_RULES, run: Runner = _run, reload: bool = True) -> None:
    """Install the rules atomically (after udevadm verify when it exists) and tell udev to reload."""
    refused = udevadm_verify(text, run)
    if refused:
        raise ConfigError(f"udevadm verify refuses the generated rules: {refused}")
    try:
        atomic_write(path, text.encode("utf-8"), mode=0o644)
    except OSError as exc:
        raise ConfigError(f"cannot install {path}: {exc.strerror}; run the agent as root") from exc
    udevadm = shutil.which("udevadm")
    if reload and udevadm is not None:
        run([udevadm, "control", "--reload"])
