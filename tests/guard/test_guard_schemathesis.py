"""schemathesis against the agent API of a running `mamori guard serve`, with a valid endpoint token: no 500s.

Every schemathesis check runs except `positive_data_acceptance`: a schema-valid body sent again under an
Idempotency-Key already used with another body is rightly refused with 422 (as the IETF Idempotency-Key
draft asks), which that check counts as a failure. Examples and time are bounded; the seed is fixed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from guard_live import Live

CLI = Path(sys.executable).with_name("schemathesis")
ARTIFACTS = Path(os.environ.get("MAMORI_TEST_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts")

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CLI.exists(), reason="schemathesis is not installed (pip install schemathesis)")]


def test_agent_api_fuzzed_without_server_errors(live_guard: Live) -> None:
    token = live_guard.cast["departments"][0]["token"]
    ARTIFACTS.mkdir(exist_ok=True)
    done = subprocess.run(
        [str(CLI), "run", f"{live_guard.url}/api/openapi.json", "-H", f"Authorization: Bearer {token}",
         "--checks", "all", "--exclude-checks", "positive_data_acceptance",
         "--phases", "examples,coverage,fuzzing", "--max-examples", "40", "--max-time", "25", "--seed", "20251123",
         "--workers", "2", "--request-timeout", "20", "--generation-database", "none", "--no-color",
         "--report", "junit", "--report-dir", str(ARTIFACTS / "schemathesis")],
        capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]
    assert "Server error" not in done.stdout
