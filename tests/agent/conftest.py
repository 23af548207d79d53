"""Agent tests: helpers beside them, and a live guard server (tests/guard/guard_live.py) for end-to-end runs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "guard"))


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real `mamori guard serve` on loopback with one seeded department (D01, head01, staff01, medium S0001)."""
    from guard_live import start

    with start(tmp_path_factory.mktemp("agent-live-home"), departments=1, workers=1) as live:
        yield live
