"""Meta-test: every command and sub-command of ``mamori`` answers --help."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
import typer

from mamori.cli import app


def _paths(command: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        paths.extend(_paths(sub, (*prefix, name)))
    return paths


COMMANDS = _paths(typer.main.get_command(app))


def test_the_tree_is_complete() -> None:
    names = {" ".join(p) for p in COMMANDS}
    assert {"find", "demo", "investigate", "synth corpus", "audit verify", "guard init", "guard serve"} <= names


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "mamori")
def test_help(args: tuple[str, ...]) -> None:
    out = subprocess.run([sys.executable, "-m", "mamori", *args, "--help"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "Usage" in out.stdout
