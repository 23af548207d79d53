"""``mamori agent policy`` (policy_app) through typer's CliRunner: apply, render, windows, check, status."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from policy_helpers import DATA, Server, medium, server_key, signed
from typer.testing import CliRunner

from mamori.audit.checkpoint import Signer
from mamori.cli.agent_policy_cmd import policy_app

runner = CliRunner()


@pytest.fixture
def key() -> Signer:
    return server_key()


@pytest.fixture
def key_file(tmp_path: Path, key: Signer) -> Path:
    path = tmp_path / "grant.pub"
    path.write_text(key.verifier.to_text() + "\n", encoding="ascii")
    return path


@pytest.fixture
def server() -> Iterator[Server]:
    stub = Server()
    stub.thread.start()
    yield stub
    stub.httpd.shutdown()
    stub.httpd.server_close()


def _apply(server: Server, key_file: Path, root: Path, *extra: str) -> tuple[int, str]:
    args = ["apply", "--server", server.url, "--state", str(root / "state"), "--key-file", str(key_file),
            "--rules-file", str(root / "rules.conf"), "--base-rules", str(root / "base.rules"),
            "--udev-rules", str(root / "99-mamori-media.rules"), "--daemon-conf", str(root / "daemon.conf"),
            "--no-reload", *extra]
    result = runner.invoke(policy_app, args, env={"MAMORI_AGENT_TOKEN": "mep_test"})
    return result.exit_code, result.output


def test_apply_then_refuse_a_forgery(server: Server, key: Signer, key_file: Path, tmp_path: Path) -> None:
    server.body = signed(3, medium(1, "A"), signer=key).encode()
    code, out = _apply(server, key_file, tmp_path)
    assert code == 0 and "メディアポリシー v3 を適用しました" in out
    installed = (tmp_path / "rules.conf").read_text(encoding="utf-8")
    server.body = signed(4, medium(1, "A"), medium(2, "B"), signer=server_key()).encode()
    code, out = _apply(server, key_file, tmp_path, "--lang", "en")
    assert code == 2 and "last good policy (v3) stays in force" in out and "does not verify" in out
    assert (tmp_path / "rules.conf").read_text(encoding="utf-8") == installed
    status = runner.invoke(policy_app, ["status", "--state", str(tmp_path / "state"), "--lang", "en"])
    assert status.exit_code == 0 and "Media policy in force: 3" in status.output


def test_render_and_windows(key: Signer, key_file: Path, tmp_path: Path) -> None:
    policy_file = tmp_path / "policy.json"
    policy_file.write_text(signed(7, medium(1, "SER-1"), signer=key), encoding="utf-8")
    rules = runner.invoke(policy_app, ["render", str(policy_file), "--key-file", str(key_file)])
    assert rules.exit_code == 0 and 'allow id 0781:5581 serial "SER-1"' in rules.output
    udev = runner.invoke(policy_app, ["render", str(policy_file), "--key-file", str(key_file), "--udev"])
    assert udev.exit_code == 0 and 'ENV{ID_SERIAL_SHORT}=="SER-1"' in udev.output
    out = tmp_path / "win"
    written = runner.invoke(policy_app, ["windows", str(policy_file), "--key-file", str(key_file),
                                         "--out", str(out), "--lang", "en"])
    assert written.exit_code == 0 and "Wrote 8 files" in written.output
    assert (out / "mamori-device-install.reg").exists() and (out / "mde-rules.xml").exists()
    forged = tmp_path / "forged.json"
    forged.write_text(signed(8, medium(1, "SER-1"), signer=server_key()), encoding="utf-8")
    refused = runner.invoke(policy_app, ["render", str(forged), "--key-file", str(key_file)])
    assert refused.exit_code != 0 and not (refused.output or "").strip().startswith("allow")


def test_check(tmp_path: Path) -> None:
    good = DATA / "golden" / "rules.conf"
    result = runner.invoke(policy_app, ["check", str(good), "--lang", "en"])
    assert result.exit_code == 0 and "no problems" in result.output
    bad = tmp_path / "bad.conf"
    bad.write_text("allow id 1234:5678\nallow with-interface 08:*:06\n", encoding="utf-8")
    result = runner.invoke(policy_app, ["check", str(bad), "--lang", "en"])
    assert result.exit_code == 2 and "line 2" in result.output
    broad = tmp_path / "base.rules"
    broad.write_text('allow via-port "1-1"\n', encoding="utf-8")
    assert runner.invoke(policy_app, ["check", str(broad)]).exit_code == 0
    result = runner.invoke(policy_app, ["check", str(broad), "--base"])
    assert result.exit_code == 2 and "既定拒否を破るルール" in result.output


def test_help_of_every_command() -> None:
    for command in ([], ["apply"], ["render"], ["windows"], ["check"], ["status"]):
        result = runner.invoke(policy_app, [*command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output
