"""Fetch → verify → apply, failing closed: a bad signature, a rolled-back version or an unreachable server
leaves the last good policy installed, and nothing is ever widened."""

from __future__ import annotations

import dataclasses
import json
import shutil
import socket
import stat
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from policy_helpers import Server, medium, server_key, signed, targets

from mamori.agent.policy import (
    DEFAULT_BASE_RULES,
    Targets,
    applied_version,
    apply_envelope,
    last_good_policy,
    update,
)
from mamori.agent.rulesyntax import parse_rules
from mamori.agent.usbguard import lint_base_rules, reload_daemon
from mamori.audit.checkpoint import Signer


@pytest.fixture
def server() -> Iterator[Server]:
    stub = Server()
    stub.thread.start()
    yield stub
    stub.httpd.shutdown()
    stub.httpd.server_close()


@pytest.fixture
def key() -> Signer:
    return server_key()


@pytest.fixture
def where(tmp_path: Path) -> Targets:
    return targets(tmp_path / "root")


def allowed_serials(where: Targets) -> set[str]:
    rules = parse_rules(where.rules_file.read_text(encoding="utf-8"))
    return {r.attributes["serial"][1][0] for r in rules if r.target == "allow" and "serial" in r.attributes}


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_applies_a_signed_policy_and_keeps_state_private(server: Server, key: Signer, where: Targets,
                                                         tmp_path: Path) -> None:
    server.body = signed(5, medium(1, "A"), medium(2, "B"), signer=key).encode()
    state = tmp_path / "state"
    result = update(server.url, "mep_test", key.verifier.to_text(), state, where)
    assert (result.status, result.version) == ("applied", 5) and result.ok
    assert allowed_serials(where) == {"A", "B"} and applied_version(state) == 5
    assert where.udev_rules is not None and 'ENV{ID_SERIAL_SHORT}=="B"' in where.udev_rules.read_text()
    folder = state / "policy"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {
        "media-policy.json": 0o600, "applied.json": 0o600, ".lock": 0o600}
    again = update(server.url, "mep_test", key.verifier, state, where)
    assert (again.status, again.version) == ("unchanged", 5)


def _install_good(server: Server, key: Signer, where: Targets, state: Path) -> str:
    server.body = signed(5, medium(1, "A"), signer=key).encode()
    assert update(server.url, "mep_test", key.verifier, state, where).status == "applied"
    return where.rules_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("attack", ["bad_signature", "other_key", "rollback", "unreachable", "server_error",
                                    "wrong_token", "garbage", "bad_rules"])
def test_every_failure_keeps_the_last_good_policy(server: Server, key: Signer, where: Targets, tmp_path: Path,
                                                  attack: str) -> None:
    state = tmp_path / "state"
    good_rules = _install_good(server, key, where, state)
    url, token = server.url, "mep_test"
    wider = (medium(1, "A"), medium(2, "THIEF"))
    if attack == "bad_signature":
        envelope = json.loads(signed(6, *wider, signer=key))
        envelope["policy"]["media"][1]["serial"] = "THIEF-2"
        server.body = json.dumps(envelope).encode()
    elif attack == "other_key":
        server.body = signed(6, *wider, signer=server_key()).encode()
    elif attack == "rollback":
        server.body = signed(4, *wider, signer=key).encode()
    elif attack == "unreachable":
        url = closed_port_url()
    elif attack == "server_error":
        server.status = 500
    elif attack == "wrong_token":
        token = "mep_revoked"
    elif attack == "garbage":
        server.body = b"<html>proxy login</html>"
    elif attack == "bad_rules":
        assert where.base_rules is not None
        where.base_rules.write_text("allow via-port \"1-1\"\n", encoding="utf-8")  # would admit any stick
        server.body = signed(6, *wider, signer=key).encode()
    result = update(url, token, key.verifier, state, where)
    assert result.status == "kept" and not result.ok and result.version == 5, result
    assert where.rules_file.read_text(encoding="utf-8") == good_rules
    assert allowed_serials(where) == {"A"} and applied_version(state) == 5
    good = last_good_policy(state, key.verifier)
    assert good is not None and good.version == 5
    expected = {"bad_signature": "does not verify", "other_key": "does not verify", "rollback": "older than",
                "unreachable": "cannot be reached", "server_error": "500", "wrong_token": "403",
                "garbage": "malformed", "bad_rules": "not safe"}[attack]
    assert expected in result.reason


def test_offline_restores_hand_edited_rules(server: Server, key: Signer, where: Targets, tmp_path: Path) -> None:
    state = tmp_path / "state"
    good_rules = _install_good(server, key, where, state)
    where.rules_file.write_text(good_rules + 'allow id 1234:5678 serial "MINE"\n', encoding="utf-8")
    result = update(closed_port_url(), "mep_test", key.verifier, state, where)
    assert result.status == "kept" and "restored" in result.reason
    assert where.rules_file.read_text(encoding="utf-8") == good_rules


def test_first_run_offline_allows_no_medium(key: Signer, where: Targets, tmp_path: Path) -> None:
    assert where.base_rules is not None
    where.base_rules.parent.mkdir(parents=True, exist_ok=True)
    where.base_rules.write_text("allow with-interface equals { 09:00:* }\n", encoding="utf-8")
    result = update(closed_port_url(), "mep_test", key.verifier, tmp_path / "state", where)
    assert result.status == "kept" and result.version is None and "no medium is allowed" in result.reason
    rules = parse_rules(where.rules_file.read_text(encoding="utf-8"))
    assert [r.target for r in rules] == ["allow"] and "serial" not in rules[0].attributes
    before = where.rules_file.stat().st_mtime_ns
    assert update(closed_port_url(), "mep_test", key.verifier, tmp_path / "state", where).status == "kept"
    assert where.rules_file.stat().st_mtime_ns == before, "nothing to change: not rewritten (no usbguard restart)"


def test_tampered_state_is_not_a_good_policy(server: Server, key: Signer, where: Targets, tmp_path: Path) -> None:
    state = tmp_path / "state"
    _install_good(server, key, where, state)
    saved = state / "policy" / "media-policy.json"
    envelope = json.loads(saved.read_text())
    envelope["policy"]["media"][0]["serial"] = "THIEF"
    saved.write_text(json.dumps(envelope))
    assert last_good_policy(state, key.verifier) is None
    result = update(closed_port_url(), "mep_test", key.verifier, state, where)
    assert result.status == "kept" and allowed_serials(where) == set(), "unverifiable state: narrow, not wide"


def test_newer_policy_narrows_and_lost_media_are_blocked(server: Server, key: Signer, where: Targets,
                                                         tmp_path: Path) -> None:
    state = tmp_path / "state"
    _install_good(server, key, where, state)
    result = apply_envelope(signed(9, medium(1, "A", allowed=False), signer=key), key.verifier, state, where)
    assert (result.status, result.version) == ("applied", 9)
    rules = parse_rules(where.rules_file.read_text(encoding="utf-8"))
    assert [(r.target, r.attributes["serial"][1][0]) for r in rules if "serial" in r.attributes] == [
        ("block", "A")]


def test_apply_puts_the_daemon_back_to_default_deny(key: Signer, where: Targets, tmp_path: Path) -> None:
    assert where.daemon_conf is not None
    where.daemon_conf.parent.mkdir(parents=True, exist_ok=True)
    where.daemon_conf.write_text("ImplicitPolicyTarget=allow\n", encoding="utf-8")
    result = apply_envelope(signed(1, medium(1, "A"), signer=key), key.verifier, tmp_path / "state", where)
    assert result.status == "applied"
    assert "ImplicitPolicyTarget=block" in where.daemon_conf.read_text(encoding="utf-8")


def test_default_base_rules_keep_keyboards_and_hubs_but_no_storage(key: Signer, where: Targets,
                                                                   tmp_path: Path) -> None:
    assert lint_base_rules(DEFAULT_BASE_RULES) == []
    result = apply_envelope(signed(1, signer=key), key.verifier, tmp_path / "state", where)
    assert result.status == "applied"
    rules = parse_rules(where.rules_file.read_text(encoding="utf-8"))
    assert {r.attributes["with-interface"][1] for r in rules} == {
        ("09:00:*",), ("03:00:*", "03:01:*"), ("03:01:*",), ("03:00:*",)}


class Systemd:
    """A stand-in for systemctl (and the two checkers' parser run, passed through)."""

    def __init__(self, restart_fails: bool) -> None:
        self.restart_fails = restart_fails
        self.calls: list[list[str]] = []

    def __call__(self, args: Sequence[str]) -> subprocess.CompletedProcess[str]:
        if args[0] != "systemctl":
            return subprocess.run(list(args), capture_output=True, text=True, check=False)
        self.calls.append(list(args))
        failed = self.restart_fails and args[1] == "restart" and len(self.calls) <= 2
        return subprocess.CompletedProcess(args, 1 if failed else 0, "", "Job failed" if failed else "")


@pytest.mark.parametrize("restart_fails", [False, True])
def test_daemon_restart_and_rollback_of_rules(key: Signer, where: Targets, tmp_path: Path,
                                              restart_fails: bool) -> None:
    if shutil.which("systemctl") is None:
        pytest.skip("the systemd branch needs a systemctl binary on PATH")
    state = tmp_path / "state"
    assert apply_envelope(signed(1, medium(1, "A"), signer=key), key.verifier, state, where).status == "applied"
    first = where.rules_file.read_text(encoding="utf-8")
    (tmp_path / "systemd").mkdir()
    systemd = Systemd(restart_fails)
    live = dataclasses.replace(where, reload=True, udev_rules=None, run=systemd, systemd=tmp_path / "systemd")
    result = apply_envelope(signed(2, medium(1, "A"), medium(2, "B"), signer=key), key.verifier, state, live)
    if restart_fails:
        assert result.status == "kept" and "did not restart" in result.reason and result.version == 1
        assert where.rules_file.read_text(encoding="utf-8") == first, "the last good rules are back"
        assert [c[1] for c in systemd.calls] == ["is-active", "restart", "is-active", "restart"]
    else:
        assert result.status == "applied" and result.daemon == "usbguard restarted with the new rules"
        assert allowed_serials(where) == {"A", "B"}


def test_no_systemd_means_no_restart(tmp_path: Path) -> None:
    assert reload_daemon(systemd=tmp_path / "absent").startswith("no systemd")
