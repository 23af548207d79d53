"""Browser tests: headless Debian Chromium (Playwright) against a real `mamori guard serve` on loopback.

Log-in with TOTP (and a replayed code refused), an employee requesting an export of a synthetic roster, the
section head approving with a fresh code, the auditor searching the log and downloading it. Screenshots are
kept under test-artifacts/screenshots/ (or $MAMORI_TEST_ARTIFACTS/screenshots/) and checked to be non-blank.
"""

from __future__ import annotations

import io
import os
import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyotp
import pytest
from guard_live import Live

from mamori.synth.awkward import ROSTER
from mamori.synth.render.base import render

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(os.environ.get("MAMORI_TEST_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
Image = pytest.importorskip("PIL.Image")

_used_steps: dict[str, int] = {}


def totp_code(live: Live, name: str) -> str:
    """A code of `name` the server has not seen yet (replays are refused, so never the same step twice)."""
    totp = pyotp.TOTP(live.user(name)["totp_secret"])
    current = int(time.time() // totp.interval)
    step = max(current, _used_steps.get(name, -1) + 1)  # current - 1 may be too old by the time it is checked
    if step > current + 1:
        time.sleep(totp.interval - time.time() % totp.interval + 0.5)
        return totp_code(live, name)
    _used_steps[name] = step
    return totp.generate_otp(step)


def shot(page: Any, name: str) -> Path:
    """Save a full-page screenshot and check that it shows something (not one flat colour)."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    ignore = ARTIFACTS / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# test artefacts (screenshots) are never committed\n*\n", encoding="utf-8")
    path = folder / f"{name}.png"
    data = page.screenshot(path=str(path), full_page=True)
    with Image.open(io.BytesIO(data)) as image:
        low, high = image.convert("L").getextrema()
        assert image.width >= 300 and image.height >= 200, name
    assert high - low > 64, f"screenshot {name} is blank"
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Pages in fresh contexts; a module that imports this fixture may set ``PAGE_TIMEOUT_MS`` (15 s by default)."""
    contexts: list[Any] = []
    timeout = getattr(request.module, "PAGE_TIMEOUT_MS", 15_000)

    def make() -> Any:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
        context.set_default_timeout(timeout)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def log_in(page: Any, live: Live, name: str, code: str | None = None) -> None:
    """Password, then (for TOTP roles) the authenticator code."""
    page.goto(f"{live.url}/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", live.user(name)["password"])
    page.click("button[type=submit]")
    if live.user(name)["totp_secret"]:
        page.wait_for_url("**/login/totp/")
        page.fill("#id_code", code or totp_code(live, name))
        page.click("button[type=submit]")


def test_login_with_totp_and_replay_refused(live_guard: Live, new_page: Any) -> None:
    page = new_page()
    page.goto(f"{live_guard.url}/login/")
    shot(page, "01-login")
    code = totp_code(live_guard, "head02")
    log_in(page, live_guard, "head02", code)
    page.wait_for_url("**/queue/")
    assert "head02" in page.inner_text("header")
    shot(page, "02-head-queue-after-totp")
    replay = new_page()
    log_in(replay, live_guard, "head02", code)  # the same code again: refused
    assert replay.url.endswith("/login/totp/")
    assert replay.locator(".err").count() == 1
    shot(replay, "03-totp-replay-refused")


def test_request_approve_and_audit_search(live_guard: Live, new_page: Any) -> None:
    dept = live_guard.cast["departments"][0]
    staff = new_page()
    log_in(staff, live_guard, dept["staff"])
    staff.wait_for_url("**/requests/")
    staff.goto(f"{live_guard.url}/requests/new/")
    staff.set_input_files("#id_files", files=[{"name": "選挙人名簿.csv", "mimeType": "text/csv",
                                               "buffer": render(ROSTER, "csv", "cp932")}])
    staff.select_option("#id_medium", str(dept["medium"]))
    staff.fill("#id_purpose", "選挙事務の研修資料")
    staff.fill("#id_recipient", "選挙管理委員会 研修係")
    expires = datetime.now(ZoneInfo("Asia/Tokyo")) + timedelta(days=2)
    staff.fill("#id_expires_at", expires.strftime("%Y-%m-%dT%H:%M"))
    shot(staff, "04-employee-new-request")
    staff.click("button[type=submit]")
    staff.wait_for_url(re.compile(r".*/requests/\d+/$"))
    request_url = staff.url
    # The scan runs in the background; the page refreshes itself until the request is pending.
    staff.locator("h1", has_text="承認待ち").wait_for(timeout=120_000)
    assert int(re.search(r"\d+", staff.inner_text("p.big")).group()) >= 3  # type: ignore[union-attr]
    shot(staff, "05-employee-request-scanned")

    head = new_page()
    log_in(head, live_guard, dept["head"])
    head.wait_for_url("**/queue/")
    head.click(f"a[href='{request_url.removeprefix(live_guard.url)}']")
    head.wait_for_url(request_url)
    assert head.locator("td code").count() >= 1, "the approver sees masked samples"
    shot(head, "06-head-sees-request")
    head.fill("#id_code", totp_code(live_guard, dept["head"]))
    head.fill("#id_reason", "研修用途を確認")
    head.click("button[value=approve]")
    head.wait_for_url(request_url)
    assert "承認済" in head.inner_text("h1")
    shot(head, "07-head-approved")

    auditor = new_page()
    log_in(auditor, live_guard, "auditor")
    auditor.wait_for_url("**/audit/")
    auditor.fill("#id_action", "export.")
    auditor.click("main form button")
    auditor.wait_for_url("**/audit/?*")
    table = auditor.inner_text("table")
    for action in ("export.requested", "export.scanned", "export.approved"):
        assert action in table
    shot(auditor, "08-auditor-search")
    with auditor.expect_download() as download:
        auditor.click("a[href^='/audit/xlsx/']")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"


def test_incident_clocks_and_ppc_draft(live_guard: Live, new_page: Any) -> None:
    import json

    admin = new_page()
    log_in(admin, live_guard, "secadmin")
    admin.goto(f"{live_guard.url}/incidents/new/")
    known = datetime.now(ZoneInfo("Asia/Tokyo")) - timedelta(days=2)
    admin.fill("#id_title", "選挙人名簿の公開サーバーへの掲載")
    admin.fill("#id_discovered_at", known.strftime("%Y-%m-%dT%H:%M"))
    admin.fill("#id_discovered_by", "市民からの通報")
    admin.fill("#id_description", "職員が持ち出した選挙人名簿が民間レンタルサーバーの公開領域に置かれていた。")
    admin.check("#id_wrongful_purpose")
    admin.click("main form button[type=submit]")
    admin.wait_for_url(re.compile(r".*/incidents/\d+/$"))
    findings = {"case": "ブラウザ試験", "leaked": [{"categories": ["name", "address"], "special_care": False}],
                "unique_persons_leaked": 683_933}
    admin.set_input_files("input[name=findings]", files=[{
        "name": "findings.json", "mimeType": "application/json",
        "buffer": json.dumps(findings, ensure_ascii=False).encode()}])
    admin.click("form[action$='/findings/'] button")
    admin.wait_for_url(re.compile(r".*/incidents/\d+/$"))
    assert admin.inner_text("#people") == "683933"
    assert "報告義務あり" in admin.inner_text("main")
    assert "未報告" in admin.inner_text("#clock-final")  # 60 days for a suspected wrongful purpose: still open
    shot(admin, "09-incident-clocks")
    admin.click("a[href$='/ppc/']")
    admin.wait_for_url("**/ppc/")
    assert "本人の数" in admin.inner_text("table.ppc") and "683933" in admin.inner_text("table.ppc")
    shot(admin, "10-incident-ppc-draft")
