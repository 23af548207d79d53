"""Signed media policies for the agent's tests (a throw-away server key per test)."""

from __future__ import annotations

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mamori.agent.policy import Targets
from mamori.audit.checkpoint import Signer, generate_signer
from mamori.guard.media.policy_document import MASS_STORAGE, MediaPolicy, PolicyMedium, sign_policy

DATA = Path(__file__).parent / "data"
needs_usbguard = pytest.mark.skipif(shutil.which("usbguard-rule-parser") is None,
                                    reason="usbguard-rule-parser not installed (make system-deps installs it)")


def medium(medium_id: int, serial: str, allowed: bool = True, vendor: str = "0781", product: str = "5581",
           state: str = "registered") -> PolicyMedium:
    """A medium entry as the server writes it."""
    return PolicyMedium(medium_id, vendor, product, serial, (MASS_STORAGE,), state if allowed else "lost",
                        allowed, f"USB-{medium_id}")


def policy(version: int, *media: PolicyMedium) -> MediaPolicy:
    """A policy issued at a fixed time (golden files stay stable)."""
    return MediaPolicy(version, "2026-12-07T09:00:00Z", tuple(media))


def signed(version: int, *media: PolicyMedium, signer: Signer) -> str:
    """The signed envelope of `policy(version, *media)`."""
    return sign_policy(policy(version, *media), signer)


def server_key() -> Signer:
    """A fresh grant-signing key standing for the server's."""
    return generate_signer("mamori-grant")


def targets(root: Path) -> Targets:
    """Install targets inside `root`; no daemon reload."""
    return Targets(rules_file=root / "etc" / "usbguard" / "rules.conf", base_rules=root / "base.rules",
                   udev_rules=root / "etc" / "udev" / "99-mamori-media.rules",
                   daemon_conf=root / "etc" / "usbguard" / "usbguard-daemon.conf", reload=False)


class Server:
    """A stand-in guard server answering /api/media-policy with whatever the test sets."""

    def __init__(self) -> None:
        self.body, self.status, self.token, self.requests = b"", 200, "mep_test", 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests += 1
                ok = self.path == "/api/media-policy" and self.headers["Authorization"] == f"Bearer {outer.token}"
                status = outer.status if ok else 403
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(outer.body if status == 200 else b'{"error": "forbidden"}')

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
