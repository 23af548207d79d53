"""Human reports stay bounded whatever the log size, and PDF table rows never split over two pages."""

from __future__ import annotations

import html as html_lib
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mamori.investigate import Findings, investigate
from mamori.investigate.case import load_case
from mamori.report.case import pdf as case_pdf
from mamori.report.case.reports import write_reports
from mamori.synth.case import write_case

NOW = datetime(2015, 12, 14, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Findings]:
    """A case whose public list of facilities was read by thousands of addresses (as the held-out case)."""
    root = tmp_path_factory.mktemp("busy")
    write_case(root / "case", scale=300, seed=5, noise_files=10, access_lines=24_000)
    findings = investigate(root / "case" / "CASE.toml", root / "out")
    return root, findings


def _rows(page: str, table_class: str) -> list[list[str]]:
    body = page.split(f'<table class="{table_class}">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    cells = [[html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
             for r in rows]
    return [c for c in cells if c]


def test_reports_are_bounded_and_the_detail_complete(busy: tuple[Path, Findings],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from python_calamine import CalamineWorkbook

    from mamori.report.case import xlsx as case_xlsx

    monkeypatch.setattr(case_xlsx, "XLSX_DETAIL_ROWS", 500)
    root, findings = busy
    written = write_reports(findings, root / "out", load_case(root / "case" / "CASE.toml"), now=NOW, pdf=False)
    addresses = {(a.version_id, a.ip) for a in findings.accesses}
    assert len(addresses) > 4000  # thousands of per-address rows …
    page = written.html.read_text(encoding="utf-8")
    assert len(page.encode()) < 200_000  # … but report.html is not one row per address
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert len(svg.encode()) < 60_000
    with (root / "out" / "accesses.csv").open(encoding="utf-8-sig") as stream:
        assert sum(1 for _ in stream) == len(findings.accesses) + 1  # the complete detail is in the CSV
    sheet = CalamineWorkbook.from_path(str(root / "out" / "report.xlsx")).get_sheet_by_name("ファイルごとのアクセス")
    rows = sheet.to_python()
    assert len(rows) == 1 + 500 + 1 and "accesses.csv" in str(rows[-1][0])  # the workbook says where the rest is
    pii_rows = sum(1 for a in findings.accesses if a.version_id in {f.version_id for f in findings.server_files
                                                                      if f.pii})
    assert all(r[2] == "あり" for r in rows[1:1 + pii_rows])  # files with personal data come first
    # every outside access to a file with personal data is still listed in full
    pii = {f.version_id for f in findings.server_files if f.pii}
    for a in findings.accesses:
        if a.kind == "external" and a.version_id in pii:
            assert f"<td>{a.ip}</td>" in page


@pytest.mark.skipif(case_pdf.pdf_unavailable() is not None, reason=f"WeasyPrint unusable: {case_pdf.pdf_unavailable()}")
def test_pdf_rows_never_split_across_pages(busy: tuple[Path, Findings]) -> None:
    import pypdfium2

    root, findings = busy
    write_reports(findings, root / "out", load_case(root / "case" / "CASE.toml"), now=NOW)
    document = pypdfium2.PdfDocument(str(root / "out" / "report.pdf"))
    pages = [re.sub(r"\s+", "", document[i].get_textpage().get_text_range()) for i in range(len(document))]
    assert len(pages) >= 3
    page = (root / "out" / "report.html").read_text(encoding="utf-8")
    spans = []
    for table in ("attachment1", "files", "by-class", "other-files", "by-day", "chain"):
        on_pages = []
        for row in _rows(page, table):
            texts = [re.sub(r"\s+", "", c) for c in row if c.strip()]
            whole = [i for i, text in enumerate(pages) if all(t in text for t in texts)]
            assert whole, f"a row of {table} is split over pages: {row}"
            on_pages.append(whole[0])
        spans.append(len(set(on_pages)))
    assert max(spans) > 1  # some table does run over a page break, so the check means something
