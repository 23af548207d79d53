"""Screenshots for the documentation site, taken from a fresh `mamori demo` run (`make docs` calls this).

The pictures are made, not committed: the worked example always shows what this version of mamori writes.
Usage: python scripts/docs_screenshots.py OUT_DIR [--demo DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def run_demo(demo: Path) -> Path:
    """The investigation folder of a demo run in `demo` (reused when it is already there)."""
    report = demo / "investigation" / "report.html"
    if not report.exists():
        subprocess.run([sys.executable, "-m", "mamori", "demo", "--out", str(demo)], check=True,
                       stdout=subprocess.DEVNULL)
    return report.parent


def find_report(demo: Path) -> Path:
    """`mamori find` over the demo's evidence as an HTML report."""
    out = demo / "find.html"
    if not out.exists():
        subprocess.run([sys.executable, "-m", "mamori", "find", str(demo / "case" / "evidence"), "--output", str(out),
                        "--no-progress"], check=True, stdout=subprocess.DEVNULL)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--demo", type=Path, default=Path("build/docs-demo"))
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("docs_screenshots: chromium is not installed (make system-deps installs it)")
    from playwright.sync_api import sync_playwright

    investigation = run_demo(args.demo)
    pages = {
        "demo-report.png": investigation / "report.html",
        "demo-ppc.png": investigation / "ppc_report.html",
        "find-report.png": find_report(args.demo),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for name, html in pages.items():
            page.goto(html.resolve().as_uri())
            page.screenshot(path=str(args.out / name), full_page=False)
        browser.close()
    print(f"screenshots in {args.out}: {', '.join(sorted(pages))}")


if __name__ == "__main__":
    main()
