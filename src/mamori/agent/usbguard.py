"""USBGuard rules from the media policy: lost media blocked, the administrator's base rules, registered media
allowed, everything else blocked by the daemon's implicit target (default deny).

Rendered text is checked twice before it is installed — by the agent's own checker (`rulesyntax`) and by
USBGuard's parser (``usbguard-rule-parser -f``, Debian package ``usbguard``) when it is installed — then
written atomically (temporary file, fsync, rename) with the previous file kept as ``rules.conf.last-good``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mamori.agent.home import write_private
from mamori.agent.rulesyntax import Rule, RuleSyntaxError, parse_rule, parse_rules, quote
from mamori.errors import ConfigError
from mamori.guard.media.policy_document import MASS_STORAGE, MediaPolicy, PolicyMedium

RULES_FILE = Path("/etc/usbguard/rules.conf")
DAEMON_CONF = Path("/etc/usbguard/usbguard-daemon.conf")
LAST_GOOD_SUFFIX = ".last-good"
PARSER = "usbguard-rule-parser"
LABEL_PREFIX = "mamori:medium:"
# Daemon settings default deny depends on: unmatched devices blocked, devices present at boot re-checked.
REQUIRED_DAEMON_SETTINGS = {"ImplicitPolicyTarget": "block", "PresentDevicePolicy": "apply-policy",
                            "InsertedDevicePolicy": "apply-policy"}
_EXCLUSIVE_OPERATORS = ("", "equals", "equals-ordered", "match-all")

Runner = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


def _run(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=60, check=False)


def _medium_rule(target: str, medium: PolicyMedium, with_interfaces: bool) -> str:
    parts = [target, "id", f"{medium.vendor_id}:{medium.product_id}", "serial", quote(medium.serial)]
    if with_interfaces:
        # equals: every interface of the device must be one of these, so a "stick" that is also a
        # keyboard (BadUSB) does not match and stays blocked.
        parts += ["with-interface", "equals", "{", *medium.interfaces, "}"]
    parts += ["label", quote(f"{LABEL_PREFIX}{medium.medium_id}")]
    return " ".join(parts)


def lint_base_rules(text: str) -> list[str]:
    """Why the administrator's base rules could let unregistered USB storage through (empty when they cannot).

    A base ``allow`` must pin one device (``hash``) or name its interfaces exclusively (``with-interface``
    with equals / equals-ordered / match-all, or a single value) with no mass-storage class (08).
    """
    reasons = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        rule = parse_rule(line, lineno)
        if rule is None:
            continue
        if rule.target in ("match", "device"):
            reasons.append(f"line {lineno}: base rules use allow, block or reject, not {rule.target}")
        elif rule.target == "allow" and not _cannot_admit_storage(rule):
            reasons.append(f"line {lineno}: this allow rule would also admit unregistered USB storage; pin the "
                           f"device's hash or name its interfaces with 'with-interface equals {{ ... }}' "
                           f"(no 08:*:*): {line.strip()[:160]}")
    return reasons


def _cannot_admit_storage(rule: Rule) -> bool:
    if "hash" in rule.attributes and rule.attributes["hash"][0] in _EXCLUSIVE_OPERATORS:
        return True
    operator, values = rule.attributes.get("with-interface", ("one-of", ()))
    if operator == "none-of":
        return MASS_STORAGE in values
    return operator in _EXCLUSIVE_OPERATORS and bool(values) and not any(v[:2] == "08" for v in values)


def render_rules(policy: MediaPolicy, base_rules: str = "") -> str:
    """The rules.conf text for `policy` with the administrator's `base_rules` (checked, kept verbatim)."""
    parse_rules(base_rules)
    unsafe = lint_base_rules(base_rules)
    if unsafe:
        raise RuleSyntaxError("the base rules are not safe with default deny: " + "; ".join(unsafe))
    lines = [f"# mamori media policy version {policy.version}, issued {policy.issued_at}.",
             "# Written by the mamori agent: do not edit (changes are replaced on the next policy).",
             "# Unmatched devices are blocked (ImplicitPolicyTarget=block).", "",
             "# Registered media that are lost or retired: blocked before any other rule can allow them."]
    lines += [_medium_rule("block", m, with_interfaces=False) for m in policy.blocked]
    lines += ["", "# Administrator's base rules (hubs, keyboards, internal devices)."]
    lines += [line for line in base_rules.split("\n") if line.strip()]
    lines += ["", "# Registered media in use: allowed (mounted read-only for users; only the agent writes)."]
    lines += [_medium_rule("allow", m, with_interfaces=True) for m in policy.allowed]
    text = "\n".join(lines) + "\n"
    parse_rules(text)
    return text


@dataclass(frozen=True)
class ParserCheck:
    """What USBGuard's own parser said about a rules file."""

    available: bool
    ok: bool
    output: str


def find_parser() -> str | None:
    """The path of usbguard-rule-parser, or None when usbguard is not installed."""
    return shutil.which(PARSER) or next((p for p in ("/usr/bin/" + PARSER,) if os.access(p, os.X_OK)), None)


def usbguard_check(text: str, run: Runner = _run) -> ParserCheck:
    """Run USBGuard's parser over `text` as a rules file (ok=False with its message when it refuses)."""
    parser = find_parser()
    if parser is None:
        return ParserCheck(False, False, f"{PARSER} not found (install the Debian package usbguard)")
    with tempfile.TemporaryDirectory(prefix="mamori-usbguard-") as folder:
        path = Path(folder) / "rules.conf"
        path.write_text(text, encoding="utf-8")
        done = run([parser, "-f", str(path)])
    return ParserCheck(True, done.returncode == 0, (done.stderr or done.stdout)[-2000:])


def check_rules(text: str, run: Runner = _run, require_usbguard: bool = False) -> ParserCheck:
    """Both checks: the agent's own (RuleSyntaxError) and USBGuard's (RuleSyntaxError when it refuses)."""
    parse_rules(text)
    result = usbguard_check(text, run)
    if result.available and not result.ok:
        raise RuleSyntaxError(f"USBGuard's parser refuses the rules: {result.output.strip()[-500:]}")
    if require_usbguard and not result.available:
        raise ConfigError(f"{result.output}; or apply without --require-usbguard")
    return result


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write `data` to `path` so a crash leaves either the old or the new file, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_private(path, data, mode)


def last_good_path(path: Path) -> Path:
    """Where the previous (good) rules file is kept."""
    return path.with_name(path.name + LAST_GOOD_SUFFIX)


def install_rules(text: str, path: Path = RULES_FILE, run: Runner = _run) -> ParserCheck:
    """Check `text` with both checkers, keep the current file as last-good, then replace it atomically."""
    result = check_rules(text, run)
    try:
        if path.exists():
            atomic_write(last_good_path(path), path.read_bytes())
        atomic_write(path, text.encode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot install the USBGuard rules at {path}: {exc.strerror}; run the agent as root") \
            from exc
    return result


def restore_last_good(path: Path = RULES_FILE) -> bool:
    """Put the last good rules back (after a failed reload); False when there is none."""
    previous = last_good_path(path)
    if not previous.exists():
        return False
    atomic_write(path, previous.read_bytes())
    return True


def check_daemon_conf(text: str) -> list[str]:
    """Settings of usbguard-daemon.conf that break default deny (empty when none do)."""
    values = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and not key.startswith("#"):
            values[key.strip()] = value.strip()
    return [f"{key}={values.get(key, '(unset)')}: set {key}={want}" for key, want in REQUIRED_DAEMON_SETTINGS.items()
            if values.get(key, "block" if key == "ImplicitPolicyTarget" else "apply-policy") != want]


def enforce_daemon_conf(path: Path = DAEMON_CONF) -> list[str]:
    """Set the daemon settings default deny needs (atomically, other lines kept); say what was changed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    wrong = check_daemon_conf(text)
    if not wrong:
        return []
    lines, seen = [], set()
    for line in text.splitlines():
        key = line.partition("=")[0].strip()
        if "=" in line and key in REQUIRED_DAEMON_SETTINGS and not line.lstrip().startswith("#"):
            lines.append(f"{key}={REQUIRED_DAEMON_SETTINGS[key]}")
            seen.add(key)
        else:
            lines.append(line)
    lines += [f"{key}={value}" for key, value in REQUIRED_DAEMON_SETTINGS.items() if key not in seen]
    try:
        atomic_write(path, ("\n".join(lines) + "\n").encode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot fix {path}: {exc.strerror}; run the agent as root") from exc
    return wrong


SYSTEMD_RUNTIME = Path("/run/systemd/system")


def reload_daemon(run: Runner = _run, systemd: Path = SYSTEMD_RUNTIME) -> str:
    """Restart usbguard when systemd runs it (it has no reload); say what was done."""
    if not systemd.is_dir() or shutil.which("systemctl") is None:
        return "no systemd: restart usbguard-daemon yourself to load the new rules"
    if run(["systemctl", "is-active", "--quiet", "usbguard.service"]).returncode != 0:
        return "usbguard is not running: the rules load when it starts"
    done = run(["systemctl", "restart", "usbguard.service"])
    if done.returncode != 0:
        raise ConfigError(f"usbguard did not restart: {done.stderr.strip()[:300]}; see journalctl -u usbguard")
    return "usbguard restarted with the new rules"
