"""Agent home permissions, the grant ledger, and how the client reads server answers."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from agent_helpers import fake_usb, grant_envelope, offline_home, source_files

from mamori.agent.client import ServerClient
from mamori.agent.grant import Grant, Ledger
from mamori.agent.home import AgentHome, fingerprint
from mamori.agent.queue import Unreachable
from mamori.agent.refusal import CODES, AgentError, ExportRefused
from mamori.agent.runner import make_agent
from mamori.audit.checkpoint import generate_signer
from mamori.i18n import t

KEY = generate_signer("mamori-grant")


def test_home_is_private(tmp_path: Path) -> None:
    home = offline_home(tmp_path / "agent", fake_usb(tmp_path), KEY)
    assert home.path.stat().st_mode & 0o777 == 0o700
    for path in home.path.rglob("*"):
        assert path.stat().st_mode & 0o077 == 0, path
    home.path.chmod(0o755)
    with pytest.raises(AgentError, match="chmod 700"):
        home.config()


def test_not_enrolled_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ExportRefused) as refused:
        make_agent(tmp_path / "nothing")
    assert refused.value.code == "not_enrolled" and "mamori agent enrol" in refused.value.message("en")


def test_fingerprint_is_sixteen_groups() -> None:
    shown = fingerprint(KEY.verifier.to_text())
    assert len(shown.split()) == 16 and shown == fingerprint(KEY.verifier.to_text() + "\n")


def test_every_reason_has_both_languages() -> None:
    for code in CODES:
        ja, en = t(f"agent.refused.{code}", "ja"), t(f"agent.refused.{code}", "en")
        assert ja and en and ja != en and not ja.startswith("agent."), code
        assert ExportRefused(code, "x").message("en").endswith("(x)")


def test_ledger_begin_finish_abandon(tmp_path: Path) -> None:
    usb = fake_usb(tmp_path)
    home = offline_home(tmp_path / "agent", usb, KEY)
    envelope = grant_envelope(KEY, source_files(tmp_path / "src", count=1), usb.identity)
    grant = Grant(json.loads(envelope)["grant"], envelope)
    ledger = Ledger(home)
    ledger.begin(grant)
    ledger.abandon(grant)
    assert ledger.state(grant.grant_id) is None
    ledger.begin(grant)
    ledger.begin(grant)  # a start that was killed can start again
    ledger.finish(grant, {"folder": "x"})
    with pytest.raises(ExportRefused) as refused:
        ledger.begin(grant)
    assert refused.value.code == "used"
    with pytest.raises(AgentError):
        ledger.state("../../etc/passwd")


class _Handler(BaseHTTPRequestHandler):
    answers: ClassVar[dict[str, tuple[int, bytes]]] = {}

    def do_GET(self) -> None:
        status, body = self.answers.get(self.path, (404, b'{"message": "no"}'))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tiny_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("status", "body", "outcome"), [
    (200, b'{"key": "k"}', "ok"), (503, b"busy", "unreachable"), (429, b"{}", "unreachable"),
    (200, b"<html>", "unreachable"), (403, b'{"message": "the token is not valid"}', "error"),
    (200, b'{"nokey": 1}', "error"),
])
def test_client_reads_answers(tiny_server: str, status: int, body: bytes, outcome: str) -> None:
    _Handler.answers = {"/api/grant-key": (status, body)}
    client = ServerClient(tiny_server, "mep_x", timeout=5)
    if outcome == "ok":
        assert client.grant_key() == "k"
    else:
        with pytest.raises(Unreachable if outcome == "unreachable" else AgentError):
            client.grant_key()


def test_client_refuses_other_schemes() -> None:
    with pytest.raises(AgentError):
        ServerClient("file:///etc/passwd", "t")
    with pytest.raises(Unreachable):
        ServerClient("http://127.0.0.1:9", "t", timeout=2).grant_key()


def test_home_default_follows_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mamori.agent.home import default_home

    monkeypatch.setenv("MAMORI_AGENT_HOME", str(tmp_path / "h"))
    assert default_home() == tmp_path / "h"
    monkeypatch.delenv("MAMORI_AGENT_HOME")
    assert default_home() == (Path("/var/lib/mamori-agent") if os.geteuid() == 0
                              else Path.home() / ".local/share/mamori-agent")
    assert AgentHome(tmp_path / "x").enrolled is False


def test_home_of_another_account_refused(tmp_path: Path) -> None:
    home = offline_home(tmp_path / "agent", fake_usb(tmp_path), KEY)
    try:
        os.chown(home.path, 65534, 65534)
    except PermissionError:
        pytest.skip("needs root to give the home away")
    with pytest.raises(AgentError, match="another account"):
        home.config()


def test_under_sudo_the_home_cannot_be_chosen(tmp_path: Path) -> None:
    import subprocess
    import sys

    home = offline_home(tmp_path / "agent", fake_usb(tmp_path), KEY)
    env = {**os.environ, "SUDO_USER": "alice"}
    done = subprocess.run([sys.executable, "-m", "mamori", "agent", "status", "--home", str(home.path)],
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 2 and "under sudo" in done.stderr


def test_policy_version_is_what_policy_apply_recorded(tmp_path: Path) -> None:
    from mamori.agent.policy import APPLIED_FILE, STATE_DIR

    home = offline_home(tmp_path / "agent", fake_usb(tmp_path), KEY)
    agent = make_agent(home.path)
    assert agent.policy_version() is None
    (home.path / STATE_DIR).mkdir(mode=0o700)
    (home.path / STATE_DIR / APPLIED_FILE).write_text(json.dumps({"version": 5}))
    assert agent.policy_version() == 5
