"""Browser runs of a city's guard: directory log-in, bulk import, a deputy, an escalation, e-mails, printed forms.

Headless Debian Chromium (Playwright) drives a real `mamori guard serve` whose directory is a real slapd holding
a synthetic city and whose mail goes to a real SMTP server (aiosmtpd) in this process. Screenshots, the e-mails
received and the first page of each printed PDF (rendered with pypdfium2) are kept under
test-artifacts/screenshots/ like the other browser tests' (and checked to be non-blank).
"""

from __future__ import annotations

import html
import io
import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyotp
import pytest
from guard_live import Live, start
from smtp_inbox import Inbox, serving
from test_browser_guard import ARTIFACTS, browser, log_in, new_page, shot

from mamori.synth.awkward import ROSTER
from mamori.synth.render.base import render
from mamori.synth.residents import generate_residents

ldap_city = pytest.importorskip("ldap_city")
controller_module = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is not installed")
pdfium = pytest.importorskip("pypdfium2")
Image = pytest.importorskip("PIL.Image")
pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not ldap_city.SLAPD.exists(), reason="Debian slapd is not installed")]
TOKYO = ZoneInfo("Asia/Tokyo")
PAGE_TIMEOUT_MS = 20_000  # log-ins go through slapd: slower than a local account on a loaded machine
__all__ = ["browser", "new_page"]  # fixtures shared with test_browser_guard


@pytest.fixture(scope="module")
def inbox() -> Iterator[Inbox]:
    with serving() as box:
        yield box


@pytest.fixture(scope="module")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with ldap_city.running(tmp_path_factory.mktemp("city-slapd"), ldap_city.city(seed=21)) as server:
        yield server


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory, slapd: Any, inbox: Inbox) -> Iterator[Live]:
    """The served guard: D01 is the directory's 市民課 (dept-1100), D02 its 保険年金課, 1000 its 市民生活部."""
    groups = ldap_city.group_dn
    env = {
        "MAMORI_LDAP_URI": slapd.uri, "MAMORI_LDAP_BIND_DN": ldap_city.SERVICE_DN,
        "MAMORI_LDAP_BIND_PASSWORD": slapd.city.service_password, "MAMORI_LDAP_USER_BASE": ldap_city.PEOPLE,
        "MAMORI_LDAP_GROUP_BASE": ldap_city.GROUPS, "MAMORI_LDAP_TIMEOUT": "3",
        "MAMORI_LDAP_ROLE_GROUPS": (f"section_head={groups('mamori-heads')};"
                                    f"security_admin={groups('mamori-admins')};auditor={groups('mamori-auditors')}"),
        "MAMORI_LDAP_DEPARTMENT_GROUPS": (f"D01={groups('dept-1100')};D02={groups('dept-1200')};"
                                          f"1000={groups('dept-1000')}"),
        "MAMORI_SMTP_HOST": "127.0.0.1", "MAMORI_SMTP_PORT": str(inbox.port),
        "MAMORI_MAIL_FROM": "mamori@city.example", "MAMORI_BASE_URL": "https://guard.city.example",
    }
    with start(tmp_path_factory.mktemp("city-home"), departments=2, env=env) as live:
        yield live


_secrets: dict[str, str] = {}
_steps: dict[str, int] = {}


def code_of(name: str, secret: str) -> str:
    """A TOTP code the server has not seen for `name` (a replayed step is refused)."""
    totp = pyotp.TOTP(secret)
    current = int(time.time() // totp.interval)
    step = max(current, _steps.get(name, -1) + 1)  # not current - 1: it may be too old by the time it is sent
    if step > current + 1:
        time.sleep(totp.interval - time.time() % totp.interval + 0.5)
        return code_of(name, secret)
    _steps[name] = step
    return totp.generate_otp(step)


def local_code(live: Live, name: str) -> str:
    return code_of(name, live.user(name)["totp_secret"])


def enrol(page: Any, uid: str) -> None:
    """On the enrolment page: read the secret shown beside the QR code, answer with a current code."""
    page.wait_for_url("**/totp/enrol/")
    secret = (page.locator("details code").text_content() or "").strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    _secrets[uid] = secret
    page.fill("#id_code", code_of(uid, secret))
    page.click("main button[type=submit]")
    page.locator("p.msg").wait_for()


def directory_log_in(page: Any, live: Live, slapd: Any, uid: str) -> None:
    """Log in with the directory password (and the TOTP enrolled earlier in this run, if any)."""
    page.goto(f"{live.url}/login/")
    page.fill("#id_username", uid)
    page.fill("#id_password", slapd.city.person(uid).password)
    page.click("button[type=submit]")
    if uid in _secrets:
        page.wait_for_url("**/login/totp/")
        page.fill("#id_code", code_of(uid, _secrets[uid]))
        page.click("button[type=submit]")
    page.wait_for_load_state()


def request_export(page: Any, live: Live, medium: int, purpose: str) -> str:
    """Submit a roster for export from the signed-in user's department; the request's URL once it is pending."""
    page.goto(f"{live.url}/requests/new/")
    page.set_input_files("#id_files", files=[{"name": "選挙人名簿.csv", "mimeType": "text/csv",
                                              "buffer": render(ROSTER, "csv", "cp932")}])
    page.select_option("#id_medium", str(medium))
    page.fill("#id_purpose", purpose)
    page.fill("#id_recipient", "県選挙管理委員会")
    page.fill("#id_expires_at", (datetime.now(TOKYO) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/requests/\d+/$"))
    page.locator("h1", has_text="承認待ち").wait_for(timeout=120_000)
    return str(page.url)


def approve(page: Any, live: Live, request_url: str, code: str, reason: str) -> None:
    page.goto(f"{live.url}/queue/")
    page.click(f"a[href='{request_url.removeprefix(live.url)}']")
    page.wait_for_url(request_url)
    page.fill("#id_code", code)
    page.fill("#id_reason", reason)
    page.click("button[value=approve]")
    page.wait_for_url(request_url)


def unit_row(page: Any, department: str) -> Any:
    """The organisation table's row of `department` (its name is also an option in every other row)."""
    return page.locator(f"xpath=//table[@id='units']//tr[td[1][normalize-space()='{department}']]")


def pdf_shot(data: bytes, name: str) -> Path:
    """The PDF's first page as a PNG artefact (checked to show something)."""
    assert data[:5] == b"%PDF-", name
    document = pdfium.PdfDocument(data)
    try:
        image = document[0].render(scale=1.5).to_pil()
    finally:
        document.close()
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    image.save(path)
    low, high = image.convert("L").getextrema()
    assert high - low > 64 and image.width >= 300, f"{name} is blank"
    return path


def mail_page(page: Any, box: Inbox, name: str) -> None:
    """The messages the test SMTP server received, laid out as a page and kept as a screenshot."""
    rows = "".join(
        f"<tr><td>{html.escape(str(m['To']))}</td><td>{html.escape(str(m['Subject']))}</td>"
        f"<td><pre>{html.escape(m.get_content())}</pre></td></tr>" for m in box.messages)
    page.set_content("<html lang='ja'><meta charset='utf-8'><body style='font-family:IPAexGothic,sans-serif'>"
                     f"<h1>受信したメール（{len(box.messages)} 通）</h1><table border='1' cellpadding='6'>"
                     f"<tr><th>宛先</th><th>件名</th><th>本文</th></tr>{rows}</table></body></html>")
    shot(page, name)


def test_directory_log_in_enrolment_and_a_directory_that_is_down(city: Live, slapd: Any, new_page: Any) -> None:
    staff = new_page()
    staff.goto(f"{city.url}/login/")
    staff.fill("#id_username", "staff1")
    staff.fill("#id_password", slapd.city.person("staff1").password)
    shot(staff, "city-01-directory-login")
    staff.click("button[type=submit]")
    staff.wait_for_url("**/requests/")
    assert slapd.city.person("staff1").display_name in staff.inner_text("header")  # the name from the directory
    shot(staff, "city-02-directory-employee-signed-in")

    head = new_page()
    directory_log_in(head, city, slapd, "kacho1")  # a 課長 from the directory: TOTP first, before any page
    head.wait_for_url("**/totp/enrol/")
    assert head.locator(".qr svg").count() == 1
    shot(head, "city-03-directory-head-enrols-totp")
    enrol(head, "kacho1")
    shot(head, "city-04-directory-head-enrolled")

    slapd.stop()
    try:
        down = new_page()
        down.goto(f"{city.url}/login/")
        down.fill("#id_username", "staff2")
        down.fill("#id_password", slapd.city.person("staff2").password)
        down.click("button[type=submit]")
        assert "ディレクトリサーバー（LDAP / Active Directory）に接続できない" in down.inner_text(".err")
        shot(down, "city-05-directory-down")
        admin = new_page()  # the local security administrator logs in all the same (break-glass)
        log_in(admin, city, "secadmin", local_code(city, "secadmin"))
        admin.wait_for_url("**/queue/")
        shot(admin, "city-06-local-admin-while-directory-down")
    finally:
        slapd.start()


def staff_csv() -> bytes:
    """A personnel export (CP932): a new 税務課 with its head and four staff, synthetic names."""
    people = generate_residents(5, seed=31)
    rows = [["ユーザー名", "氏名", "所属コード", "所属名", "役割"]]
    rows += [[f"z{p.id:04d}", f"{p.family_name}　{p.given_name}", "C300", "税務課", "職員"] for p in people]
    rows[1][4] = "所属長"
    return ("\r\n".join(",".join(r) for r in rows) + "\r\n").encode("cp932")


def test_bulk_import_dry_run_then_import(city: Live, new_page: Any) -> None:
    admin = new_page()
    log_in(admin, city, "secadmin", local_code(city, "secadmin"))
    admin.wait_for_url("**/queue/")
    admin.goto(f"{city.url}/users/import/")
    admin.set_input_files("#id_staff", files=[{"name": "職員一覧.csv", "mimeType": "text/csv",
                                               "buffer": staff_csv()}])
    shot(admin, "city-07-import-upload")
    admin.click("main button[type=submit]")
    admin.locator("#plan-summary").wait_for()
    summary = admin.inner_text("#plan-summary")
    assert "新しい利用者: 5" in summary and "登録できない行: 0" in summary
    shot(admin, "city-08-import-dry-run")
    admin.click("button[name=apply]")
    admin.locator("#passwords").wait_for()
    assert admin.locator("#passwords tbody tr").count() == 5
    shot(admin, "city-09-import-applied")


def test_a_head_on_leave_and_the_deputy_approving(city: Live, slapd: Any, inbox: Inbox, new_page: Any) -> None:
    d01 = city.cast["departments"][0]
    deputy = new_page()  # staff2, an employee of 市民課 in the directory, sets up their own TOTP
    directory_log_in(deputy, city, slapd, "staff2")
    deputy.goto(f"{city.url}/totp/enrol/")
    shot(deputy, "city-10-deputy-enrols-totp")
    enrol(deputy, "staff2")

    head = new_page()
    log_in(head, city, d01["head"], local_code(city, d01["head"]))
    head.wait_for_url("**/queue/")
    head.goto(f"{city.url}/organisation/")
    today = datetime.now(TOKYO).date()
    head.select_option("#id_department", label="D01 第1課")
    head.fill("#id_deputy", "staff2")
    head.fill("#id_starts_on", today.isoformat())
    head.fill("#id_ends_on", (today + timedelta(days=7)).isoformat())
    head.fill("#id_reason", "所属長の年次休暇")
    head.click("main form.stack button[type=submit]")
    head.wait_for_url("**/organisation/")
    assert "所属長の年次休暇" in head.inner_text("#deputies")
    shot(head, "city-11-head-appoints-deputy")

    requester = new_page()
    directory_log_in(requester, city, slapd, "staff1")
    request_url = request_export(requester, city, d01["medium"], "選挙事務の研修資料（代理承認）")
    number = request_url.rstrip("/").rsplit("/", 1)[-1]
    inbox.wait_for("staff2@city.example", f"#{number}")  # the deputy is told, as the head would be

    deputy = new_page()
    directory_log_in(deputy, city, slapd, "staff2")
    assert deputy.locator("header a[href='/queue/']").count() == 1  # the queue is in the deputy's menu
    approve(deputy, city, request_url, code_of("staff2", _secrets["staff2"]), "所属長不在のため代理で承認")
    assert "承認済" in deputy.inner_text("h1")
    assert slapd.city.person("staff2").display_name in deputy.inner_text("main")
    shot(deputy, "city-12-deputy-approved-with-own-totp")
    decision = inbox.wait_for("staff1@city.example", f"#{number}")
    assert "承認済" in str(decision["Subject"]) or "承認" in decision.get_content()

    auditor = new_page()  # the log says in what capacity the deputy approved
    log_in(auditor, city, "auditor", local_code(city, "auditor"))
    auditor.goto(f"{city.url}/audit/?action=export.approved")
    assert f"申請#{number} を承認（{d01['head']} の代理）" in auditor.inner_text("main")
    shot(auditor, "city-13-audit-says-deputy")

    form = requester.request.get(f"{request_url}form.pdf")
    assert form.ok
    pdf_shot(form.body(), "city-14-printed-export-request-form")


def test_a_heads_own_request_escalates_to_the_bucho(city: Live, slapd: Any, inbox: Inbox, new_page: Any) -> None:
    d02 = city.cast["departments"][1]
    admin = new_page()
    log_in(admin, city, "secadmin", local_code(city, "secadmin"))
    admin.wait_for_url("**/queue/")
    admin.goto(f"{city.url}/users/")
    admin.fill("form[action='/departments/'] #id_code", "1000")
    admin.fill("form[action='/departments/'] #id_name", "市民生活部")
    admin.click("form[action='/departments/'] button")
    admin.goto(f"{city.url}/organisation/")
    bu = unit_row(admin, "1000 市民生活部")
    bu.locator("select[name=level]").select_option("bu")
    bu.locator("button").click()
    admin.wait_for_url("**/organisation/")
    ka = unit_row(admin, "D02 第2課")
    ka.locator("select[name=level]").select_option("ka")
    ka.locator("select[name=parent]").select_option(label="1000 市民生活部")
    ka.locator("button").click()
    admin.wait_for_url("**/organisation/")

    bucho = new_page()  # the 部長 comes from the directory and becomes the 部's head at the first log-in
    directory_log_in(bucho, city, slapd, "bucho")
    enrol(bucho, "bucho")
    johokanri = new_page()  # a security administrator from the directory, so escalations reach a mailbox
    directory_log_in(johokanri, city, slapd, "johokanri")
    enrol(johokanri, "johokanri")
    admin.goto(f"{city.url}/organisation/")
    assert slapd.city.person("bucho").display_name in unit_row(admin, "1000 市民生活部").inner_text()
    shot(admin, "city-15-organisation-bu-and-ka")

    head = new_page()
    log_in(head, city, d02["head"], local_code(city, d02["head"]))
    head.wait_for_url("**/queue/")
    request_url = request_export(head, city, d02["medium"], "課長本人の持出し（部長決裁）")
    number = request_url.rstrip("/").rsplit("/", 1)[-1]
    inbox.wait_for("bucho@city.example", f"#{number}")
    inbox.wait_for("johokanri@city.example", f"#{number}")

    bucho = new_page()
    directory_log_in(bucho, city, slapd, "bucho")
    approve(bucho, city, request_url, code_of("bucho", _secrets["bucho"]), "部長として承認")
    assert "承認済" in bucho.inner_text("h1")
    shot(bucho, "city-16-bucho-approved-escalated-request")

    auditor = new_page()
    log_in(auditor, city, "auditor", local_code(city, "auditor"))
    auditor.goto(f"{city.url}/audit/?action=export.approved")
    assert f"申請#{number} を承認（D02 の所属長本人の申請のため上位の所属長として）" in auditor.inner_text("main")

    mail_page(new_page(), inbox, "city-17-mails-received")
    admin.goto(f"{city.url}/notices/")  # the notice settings and what was sent, as the administrator sees them
    assert f"127.0.0.1:{inbox.port}" in admin.inner_text("#notice-settings")
    assert "bucho@city.example" in admin.inner_text("#notices-sent")
    shot(admin, "city-18-notice-settings-and-sent")
    ledger = admin.request.get(f"{city.url}/media/ledger.pdf")
    assert ledger.ok
    pdf_shot(ledger.body(), "city-19-printed-media-ledger")


def test_artifacts_are_images(tmp_path: Path) -> None:
    """pdf_shot itself: a one-page PDF drawn here becomes a non-blank PNG."""
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    out = io.BytesIO()
    drawing = canvas.Canvas(out)
    drawing.drawString(72, 720, "mamori")
    drawing.rect(72, 600, 200, 80, fill=1)
    drawing.save()
    path = pdf_shot(out.getvalue(), "city-00-pdf-render-check")
    with Image.open(path) as image:
        assert image.format == "PNG"
