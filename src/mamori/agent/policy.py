"""Fetch, verify and apply the server's media policy — and fail closed.

``update()`` fetches ``/api/media-policy`` with the endpoint's token, verifies the signature with the key
pinned at enrolment, refuses a version lower than the last applied one (rollback), renders the USBGuard
rules and the udev rule, checks them, installs them atomically and reloads usbguard. When anything fails
(server unreachable, bad signature, rollback, rules refused, daemon reload failed) the last good policy
stays in force and the result says why; access is never widened. With no good policy at all, the rules
installed allow no medium (only the administrator's base rules).

State (``STATE/policy``, 0700): ``media-policy.json`` (the last good signed envelope, 0600, re-verified
whenever it is read) and ``applied.json`` (version, time, digest of the installed rules).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mamori.agent.rulesyntax import RuleSyntaxError
from mamori.agent.udev import UDEV_RULES, install_udev_rules, render_udev_rules
from mamori.agent.usbguard import (
    DAEMON_CONF,
    RULES_FILE,
    SYSTEMD_RUNTIME,
    Runner,
    _run,
    atomic_write,
    enforce_daemon_conf,
    install_rules,
    reload_daemon,
    render_rules,
    restore_last_good,
)
from mamori.audit.checkpoint import Verifier, parse_verifier
from mamori.errors import ConfigError, MamoriError
from mamori.guard.media.policy_document import MAX_ENVELOPE, MediaPolicy, PolicyInvalid, verify_policy

POLICY_PATH = "/api/media-policy"
STATE_DIR = "policy"
ENVELOPE_FILE = "media-policy.json"
APPLIED_FILE = "applied.json"
EMPTY_POLICY = MediaPolicy(0, "1970-01-01T00:00:00Z", ())
# Used while the administrator has written no base rules, so keyboards, mice and hubs keep working when
# usbguard re-applies the policy to present devices. "equals" admits only devices with nothing but these
# interfaces: no storage interface can ride along.
DEFAULT_BASE_RULES = ("# mamori default base rules (write /etc/mamori/usbguard-base.rules to replace them)\n"
                      "allow with-interface equals { 09:00:* }\n"
                      "allow with-interface equals { 03:00:* 03:01:* }\n"
                      "allow with-interface equals { 03:01:* }\n"
                      "allow with-interface equals { 03:00:* }\n")
LOCK_FILE = ".lock"


class PolicyUnavailable(MamoriError):
    """The server could not be asked (network, TLS, HTTP error): the last good policy stays."""


class PolicyRollback(PolicyInvalid):
    """A validly signed policy older than the one applied (a replay): refused."""


@dataclass(frozen=True)
class Targets:
    """Where the policy is installed; tests point these into a temporary folder."""

    rules_file: Path = RULES_FILE
    base_rules: Path | None = Path("/etc/mamori/usbguard-base.rules")
    udev_rules: Path | None = UDEV_RULES
    daemon_conf: Path | None = DAEMON_CONF
    reload: bool = True
    run: Runner = field(default=_run, compare=False)
    systemd: Path = SYSTEMD_RUNTIME


@dataclass(frozen=True)
class ApplyResult:
    """What `update`/`apply_envelope` did: ``applied``, ``unchanged`` or ``kept`` (the last good stays)."""

    status: str
    version: int | None
    reason: str = ""
    usbguard_checked: bool = False
    daemon: str = ""

    @property
    def ok(self) -> bool:
        """True unless the new policy was refused or could not be fetched."""
        return self.status in ("applied", "unchanged")


def _state(state_dir: Path) -> Path:
    folder = Path(state_dir) / STATE_DIR
    try:
        Path(state_dir).mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)
    except OSError as exc:
        raise ConfigError(f"cannot create the agent's policy state folder {folder}: {exc.strerror}") from exc
    return folder


def _verifier(key: Verifier | str) -> Verifier:
    return parse_verifier(key) if isinstance(key, str) else key


def applied_version(state_dir: Path) -> int | None:
    """The version of the policy in force on this endpoint (None before the first one), for reports."""
    path = Path(state_dir) / STATE_DIR / APPLIED_FILE
    try:
        version = json.loads(path.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        return None
    return version if isinstance(version, int) and not isinstance(version, bool) else None


def last_good_policy(state_dir: Path, pinned_key: Verifier | str) -> MediaPolicy | None:
    """The last applied policy, verified again (a tampered state file counts as none)."""
    path = Path(state_dir) / STATE_DIR / ENVELOPE_FILE
    try:
        return verify_policy(path.read_bytes(), _verifier(pinned_key))
    except (OSError, PolicyInvalid):
        return None


def fetch_envelope(server_url: str, token: str, timeout: float = 15.0) -> bytes:
    """The signed policy from the server; PolicyUnavailable when it cannot be had."""
    if not server_url.startswith(("https://", "http://")):
        raise ConfigError(f"the server URL must start with https:// (got {server_url!r})")
    request = urllib.request.Request(server_url.rstrip("/") + POLICY_PATH,
                                     headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body: bytes = response.read(MAX_ENVELOPE + 1)
    except urllib.error.HTTPError as exc:
        raise PolicyUnavailable(f"the server answered {exc.code} to {POLICY_PATH}") from exc
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise PolicyUnavailable(f"the server cannot be reached: {getattr(exc, 'reason', exc)}") from exc
    if len(body) > MAX_ENVELOPE:
        raise PolicyInvalid("the media policy is implausibly large")
    return body


def _installed(targets: Targets) -> str | None:
    """The rules file as installed (None when missing or unreadable: then it is rewritten)."""
    try:
        return targets.rules_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


@contextmanager
def _locked(state: Path) -> Iterator[None]:
    """One policy change at a time on this PC (a timer run and a manual run may meet)."""
    with (state / LOCK_FILE).open("a") as handle:
        os.chmod(state / LOCK_FILE, 0o600)
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _base_rules(targets: Targets) -> str:
    if targets.base_rules is None:
        return ""
    if not targets.base_rules.exists():
        return DEFAULT_BASE_RULES
    try:
        return targets.base_rules.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the base rules {targets.base_rules}: {exc}") from exc


def _install(policy: MediaPolicy, targets: Targets) -> tuple[str, bool, str]:
    """Render, check and install everything for `policy`; (rules text, usbguard checked, daemon message)."""
    rules = render_rules(policy, _base_rules(targets))
    if targets.udev_rules is not None:
        # First: it only ever makes USB storage read-only, so installing it alone never widens access.
        install_udev_rules(render_udev_rules(policy), targets.udev_rules, targets.run, reload=targets.reload)
    check = install_rules(rules, targets.rules_file, targets.run)
    if targets.daemon_conf is not None:
        enforce_daemon_conf(targets.daemon_conf)  # e.g. ImplicitPolicyTarget=allow would undo default deny
    daemon = ""
    if targets.reload:
        try:
            daemon = reload_daemon(targets.run, targets.systemd)
        except ConfigError:
            restore_last_good(targets.rules_file)
            reload_daemon(targets.run, targets.systemd)
            raise
    return rules, check.available, daemon


def apply_envelope(envelope: bytes | str, pinned_key: Verifier | str, state_dir: Path,
                   targets: Targets | None = None) -> ApplyResult:
    """Verify `envelope` and install it; ``kept`` (nothing changed) when it is refused."""
    targets = targets or Targets()
    state = _state(state_dir)
    with _locked(state):
        return _apply_locked(envelope, pinned_key, state_dir, state, targets)


def _apply_locked(envelope: bytes | str, pinned_key: Verifier | str, state_dir: Path, state: Path,
                  targets: Targets) -> ApplyResult:
    good = last_good_policy(state_dir, pinned_key)
    # The signed last-good version is the floor; applied.json only when that envelope is unreadable.
    current = good.version if good is not None else applied_version(state_dir)
    try:
        policy = verify_policy(envelope, _verifier(pinned_key))
        if current is not None and policy.version < current:
            raise PolicyRollback(f"the server sent policy version {policy.version}, older than the version "
                                 f"{current} in force: refused as a replay")
        if current == policy.version and _installed(targets) == render_rules(policy, _base_rules(targets)):
            return ApplyResult("unchanged", current)
        rules, checked, daemon = _install(policy, targets)
    except (PolicyInvalid, RuleSyntaxError, ConfigError, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        return ApplyResult("kept", current, f"{type(exc).__name__}: {reason}")
    raw = envelope.encode("utf-8") if isinstance(envelope, str) else envelope
    atomic_write(state / ENVELOPE_FILE, raw)
    applied = {"version": policy.version, "issued_at": policy.issued_at,
               "applied_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
               "rules_sha256": hashlib.sha256(rules.encode("utf-8")).hexdigest(), "usbguard_checked": checked}
    atomic_write(state / APPLIED_FILE, json.dumps(applied, sort_keys=True).encode("utf-8"))
    return ApplyResult("applied", policy.version, "", checked, daemon)


def _fail_closed(state_dir: Path, pinned_key: Verifier | str, targets: Targets, reason: str) -> ApplyResult:
    """Keep the last good policy in force (re-installing it if the installed rules were changed by hand);
    with none ever applied, install rules that allow no medium."""
    with _locked(_state(state_dir)):
        return _keep_locked(state_dir, pinned_key, targets, reason)


def _keep_locked(state_dir: Path, pinned_key: Verifier | str, targets: Targets, reason: str) -> ApplyResult:
    good = last_good_policy(state_dir, pinned_key)
    current = good.version if good is not None else applied_version(state_dir)
    try:
        if good is None:
            if _installed(targets) != render_rules(EMPTY_POLICY, _base_rules(targets)):
                _install(EMPTY_POLICY, targets)  # only when needed: every install restarts usbguard
            return ApplyResult("kept", current, f"{reason}; no good policy on this PC, so no medium is allowed")
        if _installed(targets) != render_rules(good, _base_rules(targets)):
            _install(good, targets)
            return ApplyResult("kept", current, f"{reason}; the installed rules differed and were restored")
    except (RuleSyntaxError, ConfigError, OSError) as exc:
        return ApplyResult("kept", current, f"{reason}; and re-installing the last good rules failed: {exc}")
    return ApplyResult("kept", current, reason)


def update(server_url: str, token: str, pinned_key: Verifier | str, state_dir: Path,
           targets: Targets | None = None, timeout: float = 15.0) -> ApplyResult:
    """Fetch, verify and apply the server's policy; on any failure the last good policy stays in force."""
    targets = targets or Targets()
    try:
        envelope = fetch_envelope(server_url, token, timeout)
    except (PolicyUnavailable, PolicyInvalid) as exc:
        return _fail_closed(state_dir, pinned_key, targets, f"{type(exc).__name__}: {exc}")
    result = apply_envelope(envelope, pinned_key, state_dir, targets)
    if result.status == "kept":
        return _fail_closed(state_dir, pinned_key, targets, result.reason)
    return result


def status(state_dir: Path) -> dict[str, Any]:
    """What is in force (for reports and `mamori agent policy status`)."""
    path = Path(state_dir) / STATE_DIR / APPLIED_FILE
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"version": None}
    return data
