"""Signed media policies for the agent's tests (a throw-away server key per test)."""

from __future__ import annotations

import shutil
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
                   udev_rules=root / "etc" / "udev" / "99-mamori-media.rules", reload=False)
