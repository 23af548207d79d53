"""Browser tests of the register and the yearly report against a real `mamori guard serve` (Playwright).

The administrator issues a scanner token; the head records two entries; `mamori find --push` scans a generated
share and pushes its results; the register page shows the three kinds of mismatch; the head signs the yearly
report with a TOTP code. Screenshots are kept under test-artifacts/screenshots/ like the other browser tests.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from guard_live import Live
from test_browser_guard import CHROMIUM, browser, log_in, new_page, shot, totp_code

from mamori.synth.documents import make_document
from mamori.synth.render.base import render
from mamori.synth.residents import generate_residents

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)"),
]
__all__ = ["browser", "new_page"]  # fixtures shared with test_browser_guard


def share(root: Path) -> Path:
    """第2課's share: a roster and a disability list where the entry points, a roster copy where none does."""
    people = generate_residents(40, 21)
    files = {"share/第2課/住民/住民名簿.csv": ("resident_list", people[:12]),
             "share/第2課/住民/手帳交付台帳.csv": ("disability_list", people[10:20]),
             "share/第2課/個人/名簿コピー.csv": ("resident_list", people[20:32])}
    for path, (kind, who) in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render(make_document(kind, who, rows=len(who), seed=3), "csv", "utf-8"))
    return root / "share"


def new_entry(page: Any, name: str, location: str) -> None:
    page.fill("#id_name", name)
    page.fill("#id_organ", "市長 第2課")
    page.fill("#id_purpose", "住民サービスの提供")
    page.fill("#id_record_items", "氏名、住所、生年月日")
    page.fill("#id_record_scope", "本市の住民")
    page.fill("#id_collection", "本人からの申請")
    page.fill("#id_disclosure_office", "情報公開室（市役所2階）")
    page.select_option("#id_categories", ["name", "address", "birth_date"])
    page.fill("#id_locations", location)
    page.click("main form.stack button[type=submit]")
    page.wait_for_url(re.compile(r".*/register/\d+/$"))


def test_register_with_a_pushed_scan_and_yearly_sign_off(live_guard: Live, new_page: Any, tmp_path: Path) -> None:
    admin = new_page()
    log_in(admin, live_guard, "secadmin")
    admin.goto(f"{live_guard.url}/register/tokens/")
    admin.select_option("select[name=department]", label="D02 第2課")
    admin.fill("input[name=name]", "第2課 共有フォルダ")
    admin.click("main form.stack button")
    token = admin.inner_text("#issued-token").strip()
    assert token.startswith("mrs_")
    shot(admin, "11-register-token-issued")

    head = new_page()
    log_in(head, live_guard, "head02")
    head.goto(f"{live_guard.url}/register/")
    new_entry(head, "住民サービス台帳", "share/第2課/住民/*")
    head.goto(f"{live_guard.url}/register/")
    new_entry(head, "窓口来庁者記録", "share/第2課/窓口/*")
    assert head.locator("#versions tbody tr").count() == 1

    share(tmp_path)
    pushed = subprocess.run([sys.executable, "-m", "mamori", "find", "share", "--push", live_guard.url, "--token",
                             token, "--format", "jsonl", "--output", "out.jsonl", "--no-progress"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert pushed.returncode == 0, pushed.stderr

    head.goto(f"{live_guard.url}/register/")
    assert "名簿コピー.csv" in head.inner_text("#uncovered")
    assert "窓口来庁者記録" in head.inner_text("#without-files")
    assert "手帳交付台帳.csv" in head.inner_text("#special-care")
    assert "住民名簿.csv" not in head.inner_text("#uncovered")
    shot(head, "12-register-scan-mismatches")

    head.goto(f"{live_guard.url}/reports/yearly/")
    head.fill("input[name=code]", totp_code(live_guard, "head02"))
    head.click("#signed button")
    head.wait_for_url("**/reports/yearly/?year=*")
    assert "✔" in head.inner_text("#signed") and "head02" in head.inner_text("#signed")
    assert head.inner_text("#line-register_created td") == "2"
    shot(head, "13-yearly-report-signed")

    admin.goto(f"{live_guard.url}/reports/yearly/")
    assert "市全体" in admin.inner_text("#yearly")
    shot(admin, "14-yearly-report-city")
    with admin.expect_download() as download:
        admin.click("a[href^='/reports/yearly.xlsx']")
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"
