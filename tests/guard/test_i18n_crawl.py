"""Every page every role can reach, in Japanese and in English: no stray English on a Japanese page,
no Japanese-only label on an English one.

Each role of the standard cast logs in and follows every link it is shown (plus the URL patterns
that take no argument or an object's number), staying on this site and on HTML pages. The words a
user reads (text, button values, placeholders, titles) are checked; what is data (``<code>``, and
any element marked ``translate="no"``: user names, paths, hashes) and an allow-list of codes and
product names are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urldefrag, urlsplit

import lxml.html
import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver
from django.utils import timezone
from guard_helpers import World, csv_of, login, submit

from mamori.guard.exports import services
from mamori.guard.incidents.models import Incident
from mamori.i18n import t
from mamori.synth.archives import encrypted_zip

# Codes, units, formats and product names a Japanese page may show as they are.
ALLOWED = frozenset(["mamori", "SHA-256", "SHA256", "USB", "VID", "PID", "ID", "CSV", "PDF", "XLSX", "Excel", "TOTP", "QR", "IP", "URL", "OK", "PPC", "JSON", "findings", "json", "Google", "Microsoft", "Authenticator", "KB", "MB", "GB", "TB", "AES", "ZipCrypto", "CP932", "UTF-8", "zip", "xlsx", "csv", "pdf", "docx", "English", "VID:PID", "Tesseract", "OCR", "cron", "systemd"])
# The cast's user names: data inside the audit page's sentences (「alice が 申請#1 を提出」).
CAST = frozenset(("admin", "auditor", "alice", "aaron", "bob", "head_a", "head_b"))
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
DATA_LIKE = re.compile(r"[/\\_.@:#=]|\d")  # paths, file names, user names, hashes, addresses, numbers
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# A catalogue key the catalogue lacks shows as itself: never on a page.
RAW_KEY = re.compile(r"\b(?:ui|field|choice|case|reason|problem|error|audit|help|cli|mail|category|code)\.[a-z0-9_]+")
UTC_TIME = re.compile(r"\+00:00|\bUTC\b|\d{2}:\d{2}:\d{2}\.\d{3,}")  # times are the city's, to the second
SKIP = ("/logout/", "/lang/", "/static/", "/api/", "/healthz")


def _visible(html: str) -> Iterator[str]:
    """The words of a page a reader sees, without data (code, translate="no") and without scripts."""
    root = lxml.html.document_fromstring(html)
    for bad in root.xpath('//script|//style|//code|//kbd|//samp|//*[@translate="no"]'):
        bad.drop_tree() if bad.getparent() is not None else None
    for chunk in root.xpath("//body//text()"):
        yield str(chunk)
    for attr in ("placeholder", "title", "alt", "aria-label"):
        yield from (str(v) for v in root.xpath(f"//body//@{attr}"))
    yield from (str(v) for v in root.xpath('//body//input[@type="submit" or @type="button"]/@value'))
    yield from (str(v) for v in root.xpath("//title//text()"))


def english_words(html: str) -> set[str]:
    """ASCII words outside the allow-list (tokens that look like data are skipped)."""
    found: set[str] = set()
    for chunk in _visible(html):
        for token in chunk.split():
            if DATA_LIKE.search(token) and not token.isalpha():
                continue
            for word in WORD.findall(token):
                if word not in ALLOWED and word not in CAST and len(word) > 1:
                    found.add(word)
    return found


def _links(html: str) -> Iterator[str]:
    root = lxml.html.document_fromstring(html)
    yield from (str(h) for h in root.xpath("//a/@href"))


def _pattern_urls(ids: dict[str, int]) -> Iterator[str]:
    """The site's URL patterns, with a known object number put in for ``<int:pk>`` / ``<int:user_id>``."""
    for entry in get_resolver().url_patterns:
        if not isinstance(entry, URLPattern):
            continue
        route = str(entry.pattern)
        if route.startswith("^"):
            continue  # regular-expression routes: files and the API
        number = str(ids.get(route.split("/", 1)[0], 1))
        filled = re.sub(r"<int:[a-z_]+>", number, route)
        if "<" not in filled:
            yield "/" + filled


def crawl(client: Client, ids: dict[str, int]) -> dict[str, str]:
    """Every HTML page *client* reaches: url → html."""
    todo = ["/", *_pattern_urls(ids)]
    pages: dict[str, str] = {}
    seen: set[str] = set()
    while todo:
        url = urldefrag(todo.pop())[0]
        split = urlsplit(url)
        if split.netloc or not split.path.startswith("/") or url in seen or split.path.startswith(SKIP):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302):
            todo.append(response["Location"])
            continue
        if not response.get("Content-Type", "").startswith("text/html") or not response.content.strip():
            continue
        html = response.content.decode()
        pages[url] = html
        todo.extend(_links(html))
    return pages


@pytest.fixture
def seeded(world: World) -> dict[str, int]:
    """A request with an encrypted zip (a reason to show), an approval, an incident: pages with content."""
    sealed = encrypted_zip({"名簿.csv": csv_of("resident_list", 3)}, "secret", "aes")
    request = services.submit(world.alice, [services.Upload("名簿.csv", [csv_of("resident_list", 4)]),
                                            services.Upload("暗号化.zip", [sealed])],
                              world.medium_a, "研修会の受付名簿", "〇〇研修センター", timezone.now() + timedelta(days=2))
    submit(world.bob, world)
    incident = Incident.objects.create(title="USBメモリの紛失", discovered_at=timezone.now(), recorded_by=world.admin,
                                       description="研修会場でUSBメモリを紛失した", people_affected=120,
                                       categories=["name", "address"], department=world.dept_a)
    return {"requests": request.pk, "incidents": incident.pk, "media": world.medium_a.pk,
            "users": world.alice.pk, "departments": world.dept_a.pk, "organisation": world.dept_a.pk}


ROLES = ("admin", "auditor", "head_a", "alice")


@pytest.mark.parametrize("role", ROLES)
def test_japanese_pages_have_no_english(world: World, seeded: dict[str, int], role: str) -> None:
    client = login(Client(), getattr(world, role))
    pages = crawl(client, seeded)
    assert len(pages) >= 4, sorted(pages)
    stray = {url: sorted(words) for url, html in pages.items() if (words := english_words(html))}
    assert not stray, f"English words on Japanese pages as {role}: {stray}"
    _no_raw_keys_or_utc(pages)


def _no_raw_keys_or_utc(pages: dict[str, str]) -> None:
    raw = {url: RAW_KEY.findall(" ".join(_visible(html))) for url, html in pages.items()}
    assert not {url: keys for url, keys in raw.items() if keys}, raw
    utc = {url: UTC_TIME.findall(" ".join(_visible(html))) for url, html in pages.items()}
    assert not {url: found for url, found in utc.items() if found}, utc


@pytest.mark.parametrize("role", ROLES)
def test_english_pages_have_no_japanese_labels(world: World, seeded: dict[str, int], role: str) -> None:
    client = login(Client(), getattr(world, role))
    client.cookies["mamori_lang"] = "en"
    pages = crawl(client, seeded)
    ja_only = {t(key, "ja") for key in _catalogue_keys() if t(key, "en") != t(key, "ja")}
    shown = {url: sorted(label for label in ja_only if JAPANESE.search(label) and f">{label}<" in html)
             for url, html in pages.items()}
    shown = {url: labels for url, labels in shown.items() if labels}
    assert not shown, f"Japanese labels on English pages as {role}: {shown}"
    _no_raw_keys_or_utc(pages)


def _catalogue_keys() -> list[str]:
    from babel.messages.pofile import read_po

    from mamori.i18n import LOCALE_DIR

    with (LOCALE_DIR / "ja" / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return [str(m.id) for m in read_po(handle) if m.id]


def test_the_checker_sees_raw_keys_and_utc() -> None:
    assert RAW_KEY.findall("承認 ui.no_such_word 申請") == ["ui.no_such_word"]
    assert UTC_TIME.search("2026-12-07 12:00:00+00:00") and not UTC_TIME.search("2026-12-07 21:00:00")


def test_the_checker_sees_english() -> None:
    html = ('<html><body><h1>承認待ち</h1><p>Approval queue</p><code>/srv/a.csv</code>'
            '<span translate="no">alice</span><input type="submit" value="Send"> SHA-256 mamori</body></html>')
    assert english_words(html) == {"Approval", "queue", "Send"}
