"""Every command answers --help."""

from __future__ import annotations

import subprocess
import sys

import pytest

COMMANDS = [[], ["find"], ["demo"], ["synth"], ["synth", "corpus"], ["version"], ["audit"],
            ["audit", "verify"], ["audit", "verify-receipt"]]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "mamori")
def test_help(args: list[str]) -> None:
    out = subprocess.run([sys.executable, "-m", "mamori", *args, "--help"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "Usage" in out.stdout
