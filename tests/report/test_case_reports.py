"""report.html / report.xlsx / report.pdf / ppc_report on a generated case: tables match the findings."""

from __future__ import annotations

import json
import re
import shutil
import stat
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from python_calamine import CalamineWorkbook
from report_case import Investigated

from mamori.investigate import LeakedFile, investigate
from mamori.investigate.findings import Findings
from mamori.report.case import pdf as case_pdf
from mamori.report.case.html import render_html
from mamori.report.case.reports import write_reports
from mamori.report.case.table import leak_rows
from mamori.report.case.text import categories_text
from mamori.report.case.view import StoreFacts, build_view

TZ = ZoneInfo("Asia/Tokyo")
NOW = datetime(2015, 12, 14, 10, 0, tzinfo=TZ)


@pytest.fixture(scope="module")
def reports(investigated: Investigated, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    shutil.copytree(investigated.out, out, dirs_exist_ok=True)
    write_reports(investigated.findings, out, investigated.case, now=NOW, pdf=False)
    return out


def _cells(html: str, table_class: str) -> list[list[str]]:
    body = html.split(f'<table class="{table_class}">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    cells = [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows]
    return [c for c in cells if c]  # the header row has <th> only


def test_attachment1_rows_match_findings(investigated: Investigated, reports: Path) -> None:
    findings = investigated.findings
    html = (reports / "report.html").read_text(encoding="utf-8")
    rows = leak_rows(findings.leaked, "ja")
    assert [r.number for r in rows] == list(range(1, len(findings.leaked) + 1))
    by_path = {(f.server_path, f.uploaded_at): f for f in findings.leaked}
    for row in rows:
        leak = by_path[(row.server_path, row.uploaded_at)]
        assert row.persons == leak.persons
        assert row.categories == categories_text(leak.categories, "ja")
        assert row.status == "新規"  # no --previous: everything is new
    cells = _cells(html, "attachment1")
    assert len(cells) == len(rows) + 1  # + the distinct total
    assert cells[-1][0] == "※重複分を除いた総数"
    assert cells[-1][1] == f"{findings.unique_persons_leaked:,}"
    assert [c[-2] for c in cells[:-1]] == [f"{r.persons:,}" for r in rows]
    assert sum(int(c[-2].replace(",", "")) for c in cells[:-1]) >= findings.unique_persons_leaked
    assert "選挙関係" in html and "H23府知事選_選挙人名簿.csv" in html
    assert len(findings.leaked) == len(investigated.truth.leaked)


def test_html_is_self_contained_with_chart_and_chain(investigated: Investigated, reports: Path) -> None:
    html = (reports / "report.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert html.count("<svg") == 1 and "<circle" in html
    for f in investigated.findings.leaked:
        assert f.sha256 and f.sha256 in html  # the evidence chain names every leaked content
    assert "vsftpd.log" in html and "access_log" in html
    assert investigated.findings.owner_ips[0] in html
    providers = investigated.findings.providers
    assert providers.source and f"{providers.source}（{providers.as_of} 時点）" in html  # which data set, which date
    named = [n for a in investigated.findings.accesses if a.kind == "external" and (n := providers.names.get(a.ip))]
    assert named and any(f"<td>{n}</td>" in html for n in named)


def test_per_file_access_detail_counts_match(investigated: Investigated) -> None:
    findings = investigated.findings
    view = build_view(findings, StoreFacts(), tz=TZ)
    shown = {f.server_path: f for f in view.files}
    assert set(shown) == {f.server_path for f in findings.server_files if f.pii or any(
        r.version_id == f.version_id for r in findings.needs_review)}
    for sf in findings.server_files:
        fv = shown.get(sf.server_path)
        if fv is None or fv.uploaded_at != (sf.uploaded_at or "")[:19].replace("T", " "):
            continue
        by_kind = {k: sum(t.count for t in fv.totals if t.kind == k) for k in ("external", "crawler", "owner")}
        assert by_kind == {"external": sf.external_accesses, "crawler": sf.crawler_accesses,
                           "owner": sf.owner_accesses}, sf.server_path
        # outside accesses to a file with personal data are listed per address, in full
        assert sum(a.count for a in fv.accesses) == (sf.external_accesses if sf.pii else 0)
    by_class = {r.label: r for r in view.by_class}
    assert by_class["個人情報を含むファイル"].external == findings.access_totals["external"]
    assert sum(r.external for r in view.by_class) == findings.all_requests["external"]
    assert sum(r.external + r.crawler + r.owner for r in view.by_day) == sum(
        findings.all_requests[k] for k in ("external", "crawler", "owner"))


def test_xlsx_has_the_same_tables(investigated: Investigated, reports: Path) -> None:
    book = CalamineWorkbook.from_path(str(reports / "report.xlsx"))
    assert book.sheet_names[:2] == ["概要", "流出したとされる個人情報"]
    table = book.get_sheet_by_name("流出したとされる個人情報").to_python()
    leaked = investigated.findings.leaked
    assert [float(str(r[4])) for r in table[1:1 + len(leaked)]] == [r.persons for r in leak_rows(leaked, "ja")]
    assert float(str(table[1 + len(leaked)][4])) == investigated.findings.unique_persons_leaked
    files = book.get_sheet_by_name("サーバー上のファイル").to_python()
    assert len(files) == len(investigated.findings.server_files) + 1
    detail = book.get_sheet_by_name("ファイルごとのアクセス").to_python()
    assert len(detail) == len(investigated.findings.accesses) + 1  # every per-address row, not only the shown ones
    assert sum(int(float(str(r[7]))) for r in detail[1:]) == sum(a.count for a in investigated.findings.accesses)
    with (reports / "accesses.csv").open(encoding="utf-8-sig") as stream:
        assert len(stream.read().splitlines()) == len(detail)


def test_previous_marks_new_and_reported(investigated: Investigated, tmp_path: Path) -> None:
    first = json.loads((investigated.out / "findings.json").read_text(encoding="utf-8"))
    kept = [f for f in first["leaked"] if "/kids/" in f["server_path"]]
    assert kept
    first["leaked"] = kept
    previous = tmp_path / "previous.json"
    previous.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "again"
    shutil.copytree(investigated.out, out)
    findings = investigate(investigated.case_dir / "CASE.toml", out, previous=previous)
    write_reports(findings, out, investigated.case, now=NOW, pdf=False)
    rows = leak_rows(findings.leaked, "ja")
    assert {r.status for r in rows if "/kids/" in r.server_path} == {"既報"}
    assert {r.status for r in rows if "/kids/" not in r.server_path} == {"新規"}
    html = (out / "report.html").read_text(encoding="utf-8")
    new = len(findings.leaked) - len(kept)
    assert f"新たに判明した、流出したとされる個人情報の件数：{new}ファイル、" in html
    assert f"既報のものを含めた、流出したとされる個人情報の件数：{len(findings.leaked)}ファイル、" in html


def test_english_report(investigated: Investigated, tmp_path: Path) -> None:
    view = build_view(investigated.findings, StoreFacts(), tz=TZ, lang="en", generated=NOW)
    html = render_html(view)
    assert '<html lang="en">' in html and "Personal data considered leaked" in html and "Elections" in html


def test_untrusted_names_are_escaped() -> None:
    evil = "/home/u/public_html/<script>alert(1)</script>.csv"
    leak = LeakedFile(server_path=evil, evidence=("pc/<img src=x onerror=alert(1)>.csv",), categories=("name",),
                      persons=3, special_care=False, external_accesses=1, crawler_accesses=0,
                      external_ips=("192.0.2.1",), url_path="/<script>.csv",
                      uploaded_at="2015-04-01T10:00:00+09:00", sha256="ab" * 32)
    findings = Findings(case_name="<b>case</b>", server_files=(), leaked=(leak,), crawled_only=(), owner_ips=(),
                        access_totals={"external": 1, "crawler": 0, "owner": 0}, unique_persons_leaked=3)
    html = render_html(build_view(findings, StoreFacts(), tz=TZ, generated=NOW))
    assert "<script>" not in html and "<img" not in html and "<b>case" not in html
    assert "&lt;script&gt;" in html


def test_pdf_skipped_with_a_warning_when_weasyprint_is_missing(investigated: Investigated, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(investigated.out, tmp_path, dirs_exist_ok=True)
    monkeypatch.setattr(case_pdf, "pdf_unavailable", lambda: "the weasyprint package is not installed")
    written = write_reports(investigated.findings, tmp_path, investigated.case, now=NOW)
    assert not (tmp_path / "report.pdf").exists()
    assert any("report.pdf skipped" in w for w in written.warnings)
    assert (tmp_path / "report.html").is_file()


@pytest.mark.skipif(case_pdf.pdf_unavailable() is not None, reason=f"WeasyPrint unusable: {case_pdf.pdf_unavailable()}")
def test_pdf_is_produced(investigated: Investigated, tmp_path: Path) -> None:
    import pypdfium2

    shutil.copytree(investigated.out, tmp_path, dirs_exist_ok=True)
    written = write_reports(investigated.findings, tmp_path, investigated.case, now=NOW)
    pdf = tmp_path / "report.pdf"
    assert pdf in written.paths and pdf.read_bytes()[:5] == b"%PDF-"
    document = pypdfium2.PdfDocument(str(pdf))
    text = document[0].get_textpage().get_text_range()
    assert "個人情報流出調査報告" in text


def test_notification_list_only_when_asked(investigated: Investigated, tmp_path: Path) -> None:
    shutil.copytree(investigated.out, tmp_path, dirs_exist_ok=True)
    write_reports(investigated.findings, tmp_path, investigated.case, now=NOW, pdf=False)
    assert not (tmp_path / "notification_list.csv").exists()
    written = write_reports(investigated.findings, tmp_path, investigated.case, now=NOW, pdf=False,
                            notification_list=True)
    assert not (tmp_path / "notification_list.csv").exists()  # contacts are collected by the engine, on request
    assert any("--notification-list" in w for w in written.warnings)
    findings = investigate(investigated.case_dir / "CASE.toml", tmp_path, contacts=True)
    assert findings.run.stages_run == ()  # nothing else redone
    written = write_reports(findings, tmp_path, investigated.case, now=NOW, pdf=False, notification_list=True)
    path = tmp_path / "notification_list.csv"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert written.notification_people is not None
    # the generator's people are distinct by name and address, so the list has exactly the distinct total
    assert written.notification_people == investigated.findings.unique_persons_leaked
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("氏名,郵便番号,住所") and len(lines) == written.notification_people + 1
