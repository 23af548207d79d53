"""report.html in headless Chromium: the page renders (a non-blank screenshot) with the SVG chart in the DOM."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from report_case import Investigated

from mamori.report.case.reports import write_reports

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--hide-scrollbars",
         "--no-first-run", "--disable-extensions"]

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")]


@pytest.fixture(scope="module")
def page(investigated: Investigated, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser")
    shutil.copytree(investigated.out, out, dirs_exist_ok=True)
    write_reports(investigated.findings, out, investigated.case, pdf=False,
                  now=datetime(2015, 12, 14, tzinfo=ZoneInfo("Asia/Tokyo")))
    return out / "report.html"


def _chromium(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={cwd / 'profile'}", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


def test_screenshot_is_produced_and_not_blank(page: Path, tmp_path: Path) -> None:
    from PIL import Image

    shot = tmp_path / "report.png"
    done = _chromium(f"--screenshot={shot}", "--window-size=1280,1800", page.as_uri(), cwd=tmp_path)
    assert shot.is_file(), done.stderr[-2000:]
    with Image.open(shot) as image:
        assert image.size == (1280, 1800)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # text, tables and the chart, not a blank page
    # the chart's colours are on the page: external (red) and crawler (blue) dots
    present = {c for _, c in colours}
    assert (0xC6, 0x28, 0x28) in present or any(abs(r - 0xC6) < 12 and g < 80 and b < 80 for r, g, b in present)


def test_dom_holds_the_svg_chart(page: Path, tmp_path: Path) -> None:
    done = _chromium("--dump-dom", page.as_uri(), cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert '<svg xmlns="http://www.w3.org/2000/svg" id="timeline"' in dom
    assert dom.count("<circle") >= 2 and "流出したとされる個人情報" in dom
