"""Driving a live guard server as people do: an employee requests, the section head approves with TOTP."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyotp
import requests
from guard_live import Live, server_env


def log_in(live: Live, name: str, code: str | None = None) -> requests.Session:
    session = requests.Session()
    session.get(f"{live.url}/login/", timeout=30)
    done = _post(session, f"{live.url}/login/", {"username": name, "password": live.user(name)["password"]})
    if code is not None:
        assert done.headers["Location"].endswith("/login/totp/"), done.text[:300]
        _post(session, f"{live.url}/login/totp/", {"code": code})
    return session


def _post(session: requests.Session, url: str, data: dict[str, str], **kwargs: Any) -> requests.Response:
    data = {**data, "csrfmiddlewaretoken": session.cookies.get("csrftoken") or ""}
    response = session.post(url, data=data, allow_redirects=False, timeout=120, **kwargs)
    assert response.status_code == 302, (url, response.status_code, response.text[:500])
    return response


def request_and_approve(live: Live, batches: list[list[Path]]) -> tuple[list[int], requests.Session]:
    """Staff requests each batch of files for the department's medium (the server scans them); the section
    head approves them all with TOTP codes (log-in and approvals each use a step of their own)."""
    dept = live.cast["departments"][0]
    staff = log_in(live, dept["staff"])
    expires = (datetime.now(ZoneInfo("Asia/Tokyo")) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    ids = []
    for files in batches:
        uploads = [("files", (f.name, f.read_bytes(), "text/csv")) for f in files]
        made = _post(staff, f"{live.url}/requests/new/", {"medium": str(dept["medium"]), "purpose": "研修資料",
                                                           "recipient": "研修係", "expires_at": expires},
                     files=uploads)
        ids.append(int(re.findall(r"/requests/(\d+)/", made.headers["Location"])[0]))
    for request_id in ids:
        wait_until_scanned(live, staff, request_id)
    totp = pyotp.TOTP(live.user(dept["head"])["totp_secret"])
    step = int(time.time() // totp.interval) - 1  # the drift window accepts the previous and the next step
    assert len(ids) <= 2, "one log-in and two approvals fit in the drift window"
    head = log_in(live, dept["head"], totp.generate_otp(step))
    for n, request_id in enumerate(ids, start=1):
        _post(head, f"{live.url}/requests/{request_id}/decide/",
              {"decision": "approve", "code": totp.generate_otp(step + n), "reason": "確認済み", "step": ""})
    return ids, staff


def wait_until_scanned(live: Live, session: requests.Session, request_id: int, polls: int = 1200) -> None:
    """The server scans uploads in the background: poll the request page (twice a second) until it has."""
    for _ in range(polls):
        page = session.get(f"{live.url}/requests/{request_id}/", timeout=60)
        heading = re.search(r"<h1>(.*?)</h1>", page.text, re.S)
        if page.status_code == 200 and heading is not None and "検査中" not in heading.group(1):
            return
        time.sleep(0.5)
    raise AssertionError(f"request {request_id} was still being scanned after {polls} looks at its page")


def mamori(*args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the mamori CLI as a user would (a child process)."""
    done = subprocess.run([sys.executable, "-m", "mamori", *args], capture_output=True, text=True, timeout=300,
                          env=server_env(env), check=False)
    if check:
        assert done.returncode == 0, (args, done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    return done
