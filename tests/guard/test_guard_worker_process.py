"""The real worker on a real home: a scan in a forked child finishes the request; a child killed at its time
limit is retried and then failed with a reason — the request is never lost and never clean by default."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from guard_live import server_env

PROBE = Path(__file__).with_name("guard_worker_probe.py")


def _probe(tmp_path: Path, scan_seconds: int) -> dict[str, Any]:
    env = server_env()
    home = tmp_path / "home"
    subprocess.run([sys.executable, "-m", "mamori", "guard", "init", "--home", str(home), "--admin", "root"],
                   env=env, check=True, capture_output=True, timeout=300)
    done = subprocess.run([sys.executable, str(PROBE), str(home), str(scan_seconds)], env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_worker_scans_in_a_child_and_moves_the_request_on(tmp_path: Path) -> None:
    result = _probe(tmp_path, 3600)
    assert (result["runs"], result["job"], result["attempts"], result["request"]) == (1, "done", 1, "pending")
    assert result["persons"] == 25 and result["not_inspected"] == 0


def test_a_child_killed_at_the_time_limit_is_retried_then_failed(tmp_path: Path) -> None:
    result = _probe(tmp_path, 0)
    assert (result["runs"], result["job"], result["attempts"]) == (2, "failed", 2)
    assert "longer than 0 s" in result["reason"]
    assert result["request"] == "pending" and result["not_inspected"] == 1 and result["needs_admin"]
