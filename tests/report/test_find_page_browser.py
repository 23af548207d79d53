"""The find HTML report in headless Chromium (Playwright): sorting, filtering, folder totals, CSP that runs its script."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from mamori.models import ItemResult, ScanSummary, Status
from mamori.report.find.base import ScanContext
from mamori.report.find.page import HtmlReport

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(os.environ.get("MAMORI_TEST_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")


def _result(path: str, persons: int, pii: bool | None, status: Status = Status.OK) -> ItemResult:
    return ItemResult(path=path, status=status, size=100 + persons, sha256="0" * 64, pii=pii, persons=persons,
                      categories=("name",) if pii else (), reason=None if pii is not None else "パスワード付き")


def _page(tmp_path: Path) -> Path:
    stream = io.StringIO()
    report = HtmlReport(stream, "ja", ScanContext(roots=("/share",), version="9.9"))
    results = [
        _result("/share/市民課/名簿.csv", 1200, True),
        _result("/share/市民課/メモ.txt", 0, False),
        _result("/share/税務課/課税.xlsx", 30, True),
        _result("/share/税務課/暗号.zip", 0, None, Status.ENCRYPTED),
        _result("/share/一覧.csv", 7, True),
    ]
    for result in results:
        report.add(result)
    report.finish(ScanSummary(items=5, pii_items=3, not_inspected=1, unique_persons=1237, elapsed_s=1.0))
    page = tmp_path / "find.html"
    page.write_text(stream.getvalue(), encoding="utf-8")
    return page


def test_sort_filter_and_folder_totals(tmp_path: Path) -> None:
    page_file = _page(tmp_path)
    html = page_file.read_text(encoding="utf-8")
    assert "市民課" in html and "税務課" in html and "9.9" in html
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(page_file.as_uri())
        assert page.inner_text("#shown") == "表示 5 / 5 件"  # the script ran under the page's CSP
        folders = page.locator("table.folders tbody tr").all_inner_texts()
        assert any(row.startswith("市民課") and row.split("\t")[1:3] == ["2", "1"] for row in folders), folders
        page.locator("#items th").nth(4).click()  # 人数 ascending: the not-inspected item (—, -1) first
        assert "暗号.zip" in page.locator("#items tbody tr").first.inner_text()
        page.locator("#items th").nth(4).click()  # descending
        assert "名簿.csv" in page.locator("#items tbody tr").first.inner_text()
        assert page.locator("#items th").nth(4).get_attribute("data-dir") == "desc"
        page.check("#only-pii")
        assert page.inner_text("#shown") == "表示 3 / 5 件"
        page.uncheck("#only-pii")
        page.fill("#filter", "税務課")
        assert page.inner_text("#shown") == "表示 2 / 5 件"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "find-report.png"), full_page=True)
        browser.close()
    assert not errors, errors
