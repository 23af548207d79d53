"""Rendering USBGuard rules and the udev rule from a policy; checks; atomic install keeping the last good file."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from policy_helpers import DATA, medium, needs_usbguard, policy

from mamori.agent.rulesyntax import RuleSyntaxError, parse_rules
from mamori.agent.udev import render_udev_rules, udevadm_verify
from mamori.agent.usbguard import (
    check_daemon_conf,
    check_rules,
    enforce_daemon_conf,
    install_rules,
    last_good_path,
    lint_base_rules,
    render_rules,
    restore_last_good,
    usbguard_check,
)
from mamori.guard.media.policy_document import PolicyMedium

GOLDEN = DATA / "golden"
BASE = ("# hubs and keyboards\nallow with-interface equals { 09:00:* }\n"
        "allow with-interface equals { 03:01:01 03:01:02 }\n"
        "reject with-interface all-of { 08:*:* 03:*:* }\n")
POLICY = policy(12, medium(3, "4C530001230101117464"), medium(7, 'odd "serial"\\ ü', vendor="0951", product="1666"),
                medium(9, "LOST-0009", allowed=False))


def test_rules_golden() -> None:
    assert render_rules(POLICY, BASE) == (GOLDEN / "rules.conf").read_text(encoding="utf-8")


def test_udev_golden() -> None:
    assert render_udev_rules(POLICY) == (GOLDEN / "99-mamori-media.rules").read_text(encoding="utf-8")


@needs_usbguard
def test_rendered_rules_accepted_by_usbguards_parser() -> None:
    result = usbguard_check(render_rules(POLICY, BASE))
    assert result.available and result.ok, result.output


_serial = st.text(st.characters(min_codepoint=0x20, blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=40)


@needs_usbguard
@settings(max_examples=25)
@given(st.lists(st.tuples(_serial, st.booleans()), min_size=1, max_size=30, unique_by=lambda t: t[0]))
def test_any_register_renders_rules_usbguard_accepts(media: list[tuple[str, bool]]) -> None:
    entries = [PolicyMedium(i, "abcd", f"{i:04x}", serial, ("08:*:*",), "registered", allowed, "")
               for i, (serial, allowed) in enumerate(media)]
    text = render_rules(policy(1, *entries), BASE)
    result = check_rules(text)
    assert result.available and result.ok
    allowed = [r for r in parse_rules(text) if r.target == "allow" and "serial" in r.attributes]
    assert sorted(r.attributes["serial"][1][0] for r in allowed) == sorted(s for s, ok in media if ok)


def test_lost_media_blocked_before_base_rules_and_nothing_else_allowed() -> None:
    rules = parse_rules(render_rules(POLICY, BASE))
    assert rules[0].target == "block" and rules[0].attributes["serial"][1] == ("LOST-0009",)
    storage_allows = [r for r in rules if r.target == "allow" and "serial" in r.attributes]
    assert all(r.attributes["with-interface"] == ("equals", ("08:*:*",)) for r in storage_allows)
    assert {r.attributes["serial"][1][0] for r in storage_allows} == {"4C530001230101117464", 'odd "serial"\\ ü'}


@pytest.mark.parametrize(("base", "safe"), [
    ("allow with-interface equals { 09:00:* }", True),
    ("allow with-interface 03:01:01", True),
    ('allow hash "abc"', True),
    ("allow with-interface none-of { 08:*:* }", True),
    ("block", True),
    ("reject with-interface 08:*:*", True),
    ("allow", False),
    ('allow via-port "1-1"', False),
    ("allow id 1d6b:0002", False),
    ("allow with-interface one-of { 03:*:* }", False),
    ("allow with-interface equals { 08:06:50 }", False),
    ("allow with-interface none-of { 03:*:* }", False),
    ("match with-interface 03:*:*", False),
])
def test_base_rules_cannot_admit_unregistered_storage(base: str, safe: bool) -> None:
    assert (lint_base_rules(base) == []) is safe
    if not safe:
        with pytest.raises(RuleSyntaxError, match="not safe with default deny"):
            render_rules(POLICY, base)


def test_install_is_atomic_and_keeps_the_last_good(tmp_path: Path) -> None:
    target = tmp_path / "usbguard" / "rules.conf"
    first = render_rules(policy(1, medium(1, "A")))
    install_rules(first, target)
    assert target.read_text(encoding="utf-8") == first and stat.S_IMODE(target.stat().st_mode) == 0o600
    second = render_rules(policy(2, medium(1, "A"), medium(2, "B")))
    install_rules(second, target)
    assert target.read_text(encoding="utf-8") == second
    assert last_good_path(target).read_text(encoding="utf-8") == first
    with pytest.raises(RuleSyntaxError):
        install_rules(second + "allow id 1234:5678 id 1234:5678\n", target)
    assert target.read_text(encoding="utf-8") == second, "a refused file changes nothing"
    assert [p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")] == []
    assert restore_last_good(target) and target.read_text(encoding="utf-8") == first


@needs_usbguard
def test_usbguards_parser_is_the_second_opinion(tmp_path: Path) -> None:
    def refuses(args: object) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess([], 1, "", "parse error (stand-in for a parser upgrade)")

    target = tmp_path / "rules.conf"
    with pytest.raises(RuleSyntaxError, match="USBGuard's parser refuses"):
        install_rules(render_rules(policy(1)), target, run=refuses)
    assert not target.exists()


def test_daemon_conf_default_deny() -> None:
    debian = "RuleFile=/etc/usbguard/rules.conf\nImplicitPolicyTarget=block\nPresentDevicePolicy=apply-policy\n"
    assert check_daemon_conf(debian) == []
    assert check_daemon_conf("ImplicitPolicyTarget=allow\nPresentDevicePolicy=keep\n") == [
        "ImplicitPolicyTarget=allow: set ImplicitPolicyTarget=block",
        "PresentDevicePolicy=keep: set PresentDevicePolicy=apply-policy"]


def test_enforce_daemon_conf(tmp_path: Path) -> None:
    conf = tmp_path / "usbguard-daemon.conf"
    conf.write_text("# comment\nRuleFile=/etc/usbguard/rules.conf\nImplicitPolicyTarget=allow\n"
                    "#PresentDevicePolicy=keep\nPresentDevicePolicy=keep\n", encoding="utf-8")
    changed = enforce_daemon_conf(conf)
    assert changed == ["ImplicitPolicyTarget=allow: set ImplicitPolicyTarget=block",
                       "PresentDevicePolicy=keep: set PresentDevicePolicy=apply-policy"]
    assert conf.read_text(encoding="utf-8") == (
        "# comment\nRuleFile=/etc/usbguard/rules.conf\nImplicitPolicyTarget=block\n#PresentDevicePolicy=keep\n"
        "PresentDevicePolicy=apply-policy\nInsertedDevicePolicy=apply-policy\n")
    assert enforce_daemon_conf(conf) == [] and enforce_daemon_conf(tmp_path / "missing.conf") == []


def test_installed_daemon_conf_is_default_deny() -> None:
    conf = Path("/etc/usbguard/usbguard-daemon.conf")
    if not conf.exists() or not os.access(conf, os.R_OK):
        pytest.skip("usbguard is not installed here")
    assert check_daemon_conf(conf.read_text(encoding="utf-8")) == []


def test_udev_rule_matches_only_usb_block_devices_and_escapes_globs() -> None:
    text = render_udev_rules(policy(3, medium(1, "AB*C?[x]"), medium(2, "LOST", allowed=False)))
    assert 'ENV{ID_SERIAL_SHORT}=="AB?C??x?"' in text and "LOST" not in text
    assert 'ENV{UDISKS_MOUNT_OPTIONS_DEFAULTS}="ro,nosuid,nodev,noexec"' in text
    assert ",rw" not in text.split("UDISKS_MOUNT_OPTIONS_ALLOW")[1].split("\n")[0]


def test_udevadm_verify_accepts_the_rule() -> None:
    udevadm = shutil.which("udevadm")
    if udevadm is None or subprocess.run([udevadm, "verify", "--help"], capture_output=True).returncode != 0:
        pytest.skip("this udev has no 'udevadm verify' (systemd < 254)")
    assert udevadm_verify(render_udev_rules(POLICY)) is None
