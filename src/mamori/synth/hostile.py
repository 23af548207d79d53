"""Hostile inputs, generated: files built to make a reader skip content, stop early or blow up memory.

Each case is a file name, its bytes (or a writer, for the big ones) and what a scan must say about it.
The test suite (``tests/scan/test_hostile.py``) and ``benchmarks/hostile.py`` use the same cases.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

from mamori.synth.archives import encrypted_zip, zip_bytes
from mamori.synth.model import Resident
from mamori.synth.residents import generate_residents

#: Statuses a case may end with (any of them is right; ``ok``/``empty`` only where the reader reads it all).
NOT_READ_IN_FULL = frozenset({"too_large", "unreadable", "error", "encrypted", "unsupported"})


@dataclass(frozen=True)
class HostileCase:
    """One hostile file: its name, how to write it, and the statuses a scan may give it."""

    name: str
    write: Callable[[Path], None]
    statuses: frozenset[str]
    pii: frozenset[bool | None]  # what ``pii`` may be (never False for content not read in full)
    note: str
    xfail: str | None = None  # why this branch may still fail the case (fixed elsewhere)


def people(n: int, seed: int = 11) -> list[Resident]:
    return generate_residents(n, seed=seed)


def person_line(r: Resident) -> str:
    """One resident as prose a detector finds: name, birth date, address, phone."""
    phone = r.phone or r.mobile or "090-1234-5678"
    return f"氏名 {r.family_name} {r.given_name} 生年月日 {r.birth_date:%Y年%m月%d日} 住所 {r.address} 電話 {phone}"


def csv_rows(rs: list[Resident]) -> list[str]:
    return [f"{r.family_name} {r.given_name},{r.birth_date:%Y/%m/%d},{r.address},{r.phone or r.mobile}" for r in rs]


CSV_HEADER = "氏名,生年月日,住所,電話番号"
_DIGITS = str.maketrans("abcdef", "012345")


# --- HTML -----------------------------------------------------------------------------------------

def html_nested(depth: int = 300) -> bytes:
    """Personal data inside *depth* nested ``<div>`` elements (libxml2 drops text past 255)."""
    body = "".join(f"<p>{person_line(r)}</p>" for r in people(5))
    return f"<html><body>{'<div>' * depth}{body}{'</div>' * depth}</body></html>".encode()


def html_unclosed(tags: int = 400) -> bytes:
    """Hundreds of unclosed ``<b>`` before the personal data."""
    body = "".join(f"<p>{person_line(r)}</p>" for r in people(5))
    return f"<html><body>{'<b>x' * tags}{body}</body></html>".encode()


# --- PDF ------------------------------------------------------------------------------------------

def _pdf(pages: list[list[str]]) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    from mamori.synth.render.pdf import _font

    font = _font()
    out = io.BytesIO()
    canvas = Canvas(out, invariant=True)
    for lines in pages:
        y = 800.0
        for line in lines:
            canvas.setFont(font, 9)
            canvas.drawString(40, y, line)
            y -= 12
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def pdf_many_pages(pages: int) -> bytes:
    """*pages* blank-ish pages, the personal data on the last one only."""
    filler = [["資料"]] * (pages - 1)
    return _pdf([*filler, [person_line(r) for r in people(5)]])


def pdf_huge_page(chars: int) -> bytes:
    """One page of *chars* filler characters, the personal data after them."""
    lines = ["あ" * 1000] * (chars // 1000 + 1)
    return _pdf([[*lines, *(person_line(r) for r in people(5))]])


def pdf_damaged_page() -> bytes:
    """Two pages; the page object of the first one damaged (its dictionary made unparsable)."""
    data = _pdf([[person_line(r) for r in people(5)], [person_line(r) for r in people(5, seed=12)]])
    at = data.find(b"/Type /Page\n")
    if at < 0:
        at = data.find(b"/Type /Page")
    start = data.rfind(b"obj", 0, at) + 3
    end = data.find(b"endobj", at)
    return data[:start] + b"\n(damaged" + b" " * (end - start - 10) + b"\n" + data[end:]


# --- mail -----------------------------------------------------------------------------------------

def mail_deep(depth: int = 30) -> bytes:
    """Personal data in a text part nested *depth* multiparts deep."""
    part: MIMEMultipart | MIMEText = MIMEText("\n".join(person_line(r) for r in people(5)), "plain", "utf-8")
    for _ in range(depth):
        outer = MIMEMultipart("mixed")
        outer.attach(part)
        part = outer
    part["From"] = "a@example.jp"
    part["To"] = "b@example.jp"
    part["Subject"] = "deep"
    return part.as_bytes()


# --- delimited ------------------------------------------------------------------------------------

def csv_stray_quote(n: int = 100) -> bytes:
    """A row whose note opens a quote it never closes, then *n* people."""
    return "\n".join([CSV_HEADER + ",備考", '-,-,-,-,"備考あり', *(f"{row}," for row in csv_rows(people(n)))]
                     ).encode("utf-8") + b"\n"


def write_csv_one_line(path: Path, mb: int) -> None:
    """A CSV that is one line of *mb* MB (fields of digits, no line end), then people."""
    with path.open("wb") as out:
        out.write((CSV_HEADER + "\n").encode())
        chunk = ("1234567," * 1024).encode()
        for _ in range(mb * 1024 * 1024 // len(chunk)):
            out.write(chunk)
        out.write(b"\n")
        out.write("\n".join(csv_rows(people(20))).encode() + b"\n")


# --- workbooks ------------------------------------------------------------------------------------

def xlsx_numbers_then_people(number_rows: int, n: int = 20) -> bytes:
    """A workbook whose first sheet is *number_rows* × 10 numbers, the 名簿 sheet after it."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    numbers = book.add_worksheet("集計")
    for r in range(number_rows):
        numbers.write_row(r, 0, [r * 10 + c for c in range(10)])
    roster = book.add_worksheet("名簿")
    roster.write_row(0, 0, CSV_HEADER.split(","))
    for i, line in enumerate(csv_rows(people(n)), 1):
        roster.write_row(i, 0, line.split(","))
    book.close()
    return out.getvalue()


_XLSX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
    '/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook'
    '.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
    'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml'
    '.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="名簿" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
    'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>',
}


def write_xlsx_shared_strings(path: Path, entries: int, n: int = 20) -> None:
    """A workbook whose shared-strings table holds *entries* empty strings (no ``count`` to warn a reader;
    13 bytes each, deflated about 1000:1) beside a 名簿 sheet of *n* people in inline strings."""
    rows = [CSV_HEADER.split(","), *(line.split(",") for line in csv_rows(people(n)))]
    cells = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
                                   for c, v in enumerate(row)) + "</row>" for r, row in enumerate(rows, 1))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for name, text in _XLSX_PARTS.items():
            book.writestr(name, text)
        book.writestr("xl/worksheets/sheet1.xml", sheet)
        with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as table:
            table.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main">')
            block = b"<si><t/></si>" * 65536
            for _ in range(entries // 65536):
                table.write(block)
            table.write(b"<si><t/></si>" * (entries % 65536) + b"</sst>")


# --- archives -------------------------------------------------------------------------------------

def write_zip_ratio(path: Path, ratio: int = 110, mb: float = 2.6) -> None:
    """A zip whose one member expands about *ratio* times (under the ratio limit) to ``ratio * mb`` MB of text."""
    line = "0000000000 " * 9 + "\n"
    size = int(ratio * mb * 1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("data.txt", "w", force_zip64=True) as member:
            rng = random.Random(5)
            written = 0
            block = (line * 4096).encode()
            # random digits deflate about 2.4:1 and repeated lines about 1000:1; this share of digits
            # brings the member near *ratio*
            share = 2.4 * (1 / ratio - 1 / 1000)
            while written < size:
                noise = rng.randbytes(int(len(block) * share / 3.5)).hex().translate(_DIGITS).encode()
                member.write(block + noise + b"\n")
                written += len(block) + len(noise) + 1
        archive.writestr("名簿.csv", "\n".join([CSV_HEADER, *csv_rows(people(10))]).encode())


def zip_encrypted_member() -> bytes:
    """A zip with a readable list of people and an encrypted member."""
    readable = "\n".join([CSV_HEADER, *csv_rows(people(10))]).encode()
    inner = encrypted_zip({"secret.csv": readable}, "pw")
    return zip_bytes({"名簿.csv": readable, "locked.zip": inner})


def _writer(data: Callable[[], bytes]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(data())
    return write


def cases(big: bool = False) -> Iterator[HostileCase]:
    """Every hostile case; *big* adds the memory bombs at full size (the benchmark's)."""
    full = frozenset({True})
    unread = frozenset({True, None})
    yield HostileCase("nested.html", _writer(html_nested), frozenset({"ok"}), full,
                      "300 nested <div>: read token by token")
    yield HostileCase("unclosed.html", _writer(html_unclosed), frozenset({"ok"}), full,
                      "400 unclosed <b>: read token by token")
    yield HostileCase("many_pages.pdf", _writer(lambda: pdf_many_pages(5_001)), frozenset({"too_large"}),
                      frozenset({None}), "5,001 pages, people on the last")
    yield HostileCase("huge_page.pdf", _writer(lambda: pdf_huge_page(1_001_000)), frozenset({"too_large"}),
                      frozenset({None}), "one page of 1,001,000 characters, people after them")
    yield HostileCase("damaged_page.pdf", _writer(pdf_damaged_page), frozenset({"unreadable"}), unread,
                      "one damaged page object")
    yield HostileCase("deep.eml", _writer(mail_deep), frozenset({"too_large"}), frozenset({None}),
                      "people 30 MIME levels deep")
    yield HostileCase("stray_quote.csv", _writer(csv_stray_quote), frozenset({"ok"}), full,
                      'a stray " then 100 people')
    yield HostileCase("locked_member.zip", _writer(zip_encrypted_member), frozenset({"ok"}), full,
                      "a readable list and an encrypted member")
    yield HostileCase("cells_spent.xlsx", _writer(lambda: xlsx_numbers_then_people(200_001)),
                      frozenset({"ok"}), full, "2,000,010 numbers on a first sheet, then 名簿: every cell read")
    entries = 40_000_000 if big else 400_000
    yield HostileCase("shared_strings.xlsx", lambda p: write_xlsx_shared_strings(p, entries),
                      frozenset({"too_large", "ok"}), unread,
                      f"{entries:,} empty shared strings (no count) beside a 名簿 sheet")
    mb = 200 if big else 5
    yield HostileCase(f"one_line_{mb}mb.csv", lambda p: write_csv_one_line(p, mb),
                      frozenset({"too_large", "ok"}), unread, f"one line of {mb} MB, then people")
    mb_zip = 2.6 if big else 0.02
    yield HostileCase("ratio_110.zip", lambda p: write_zip_ratio(p, 110, mb_zip),
                      frozenset({"ok"}), unread, f"a member expanding 110 times ({mb_zip} MB compressed)")
