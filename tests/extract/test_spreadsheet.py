"""Spreadsheet extractor: synth-rendered workbooks come back cell for cell; bad bytes → MamoriError."""

from __future__ import annotations

import contextlib
import hashlib
import io
from datetime import date, datetime, time, timedelta

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mamori.errors import CorruptFile, Encrypted, MamoriError
from mamori.extract.registry import choose
from mamori.extract.spreadsheet import SpreadsheetExtractor, cell_text
from mamori.models import Document, Item
from mamori.synth.encrypt import encrypt_office, truncate
from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render

HEADER = ("氏名", "フリガナ", "電話", "携帯", "郵便番号", "生年月日", "年齢", "備考")
ROWS = (
    ("髙橋　﨑子", "ﾀｶﾊｼ ｻｷｺ", "０７２－２２８－７９０７", "0722287907", "5900078", "昭和45年3月2日", "54", "①"),
    ("山田　太郎", "ヤマダ　タロウ", "072-228-7907", "09012345678", "590-0078", "1970-03-02", "0", "～"),
    ("", "", "", "", "", "", "", "㈱ｶﾌﾞｼｷ　～ 10：00"),
)
DOC = SynthDoc(
    title="住民名簿",
    kind="roster",
    header=HEADER,
    rows=ROWS,
    title_rows=("令和6年度　住民名簿", "堺市　市民課"),
    sheet_name="名簿",
)
SPREADSHEET_FORMATS = ("xlsx", "xlsm", "xls", "ods")
SUFFIX = {"xlsx": ".xlsx", "xlsm": ".xlsm", "xls": ".xls", "ods": ".ods"}


def make_item(data: bytes, name: str) -> Item:
    return Item(path=name, size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)


def extract(data: bytes, name: str) -> Document:
    item = make_item(data, name)
    return SpreadsheetExtractor().extract(item.open(), item)


@pytest.mark.parametrize("fmt", SPREADSHEET_FORMATS)
def test_round_trip_keeps_every_cell(fmt: str) -> None:
    data = render(DOC, fmt)
    item = make_item(data, "名簿" + SUFFIX[fmt])
    assert isinstance(choose(item, item.read_head(), generic=False), SpreadsheetExtractor)
    document = extract(data, item.path)
    assert document.format == fmt
    first = document.tables[0]
    assert first.name == "名簿" and first.location.sheet == "名簿"
    assert list(first.rows) == DOC.table_rows()


@pytest.mark.parametrize("fmt", SPREADSHEET_FORMATS)
def test_summary_sheet_is_a_second_table(fmt: str) -> None:
    doc = SynthDoc(title="集計あり", kind="roster", header=("氏名",), rows=(("髙橋　﨑子",),))
    names = [t.name for t in extract(render(doc, fmt), "x" + SUFFIX[fmt]).tables]
    # the renderer adds 集計 to about half the documents; whichever it did, every sheet is a table
    assert names[0] == "Sheet1" and set(names[1:]) <= {"集計"}


def test_every_sheet_hidden_ones_too() -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.add_worksheet("一覧").write_string(0, 0, "表")
    hidden = book.add_worksheet("控え")
    hidden.write_string(2, 1, "髙橋　﨑子")
    hidden.hide()
    book.add_worksheet("空白")
    book.close()
    document = extract(out.getvalue(), "a.xlsx")
    assert [t.name for t in document.tables] == ["一覧", "控え", "空白"]
    assert document.tables[1].rows[2][1] == "髙橋　﨑子"  # position kept: row 3, column B
    assert [p.code for p in document.problems] == ["hidden_sheet"]


def test_empty_workbook_is_empty() -> None:
    doc = SynthDoc(title="空", kind="roster")
    document = extract(render(doc, "xlsx"), "empty.xlsx")
    assert document.is_empty


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("0722287907", "0722287907"),
        (45.0, "45"),
        (123456789012.0, "123456789012"),
        (0.1 + 0.2, "0.3"),
        (-2.5, "-2.5"),
        (7, "7"),
        (True, "TRUE"),
        (False, "FALSE"),
        (date(1970, 3, 2), "1970-03-02"),
        (datetime(1970, 3, 2, 10, 5), "1970-03-02 10:05:00"),
        (time(9, 30), "09:30:00"),
        (timedelta(hours=26, minutes=3), "26:03:00"),
        (float("nan"), "nan"),
        ("", ""),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_encrypted_xlsx_is_encrypted() -> None:
    data = encrypt_office(render(DOC, "xlsx"), "secret")
    with pytest.raises(Encrypted):
        extract(data, "名簿.xlsx")


@pytest.mark.parametrize("fraction", [0.0, 0.05, 0.3, 0.5, 0.8, 0.95, 0.999])
@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_truncated_workbook_is_corrupt(fmt: str, fraction: float) -> None:
    data = truncate(render(DOC, fmt), fraction)
    item = make_item(data, "名簿" + SUFFIX[fmt])
    if fraction > 0:
        assert SpreadsheetExtractor().sniff(item.read_head(), item)
    with pytest.raises(CorruptFile):
        SpreadsheetExtractor().extract(item.open(), item)


@pytest.mark.parametrize(
    ("head", "name"),
    [(b"", "a.xlsx"), (b"PK\x03\x04", "a.zip"), (b"%PDF-1.4", "a.xlsx"), (b"\xd0\xcf\x11\xe0", "a.doc")],
)
def test_sniff_rejects_what_is_not_a_workbook(head: bytes, name: str) -> None:
    assert not SpreadsheetExtractor().sniff(head, make_item(head, name))


NAMES = st.sampled_from(["a.xlsx", "a.xls", "a.ods", "a.xlsb", "a.bin", "noext"])


def _check(data: bytes, name: str) -> None:
    item = make_item(data, name)
    extractor = SpreadsheetExtractor()
    extractor.sniff(item.read_head(), item)
    with contextlib.suppress(MamoriError):
        extractor.extract(item.open(), item)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=2048), name=NAMES)
def test_arbitrary_bytes_raise_only_mamori_errors(data: bytes, name: str) -> None:
    for prefix in (b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        _check(prefix + data, name)


VALID = {fmt: render(DOC, fmt) for fmt in ("xlsx", "xls", "ods")}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(sorted(VALID)),
    edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=8),
    cut=st.floats(0, 1),
)
def test_mutated_workbooks_raise_only_mamori_errors(fmt: str, edits: list[tuple[float, int]], cut: float) -> None:
    data = bytearray(VALID[fmt])
    for where, byte in edits:
        data[int(where * len(data))] = byte
    _check(truncate(bytes(data), cut), "m" + SUFFIX[fmt])


def _xls_with_filepass() -> bytes:
    """An .xls whose globals carry a FILEPASS record (XOR obfuscation), as Excel writes for a
    workbook with an open password. The cells are left plain: recognition is what is tested."""
    import struct

    import xlwt
    from xlwt.CompoundDoc import XlsDoc

    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("名簿").write(0, 0, "髙橋　﨑子")
    biff, pos, out = book.get_biff_data(), 0, bytearray()
    filepass = struct.pack("<HHHHH", 0x002F, 6, 0, 0x1234, 0x5678)
    while pos < len(biff):
        num, size = struct.unpack_from("<HH", biff, pos)
        body = biff[pos + 4 : pos + 4 + size]
        if num == 0x0085:  # BoundSheet8 starts with the sheet's stream offset, which moves
            body = struct.pack("<I", struct.unpack_from("<I", body)[0] + len(filepass)) + body[4:]
        out += struct.pack("<HH", num, len(body)) + body + (filepass if pos == 0 else b"")
        pos += 4 + size
    stream = io.BytesIO()
    XlsDoc().save(stream, bytes(out))
    return stream.getvalue()


def test_password_protected_xls_is_encrypted() -> None:
    with pytest.raises(Encrypted, match="Excel 97-2003"):
        extract(_xls_with_filepass(), "名簿.xls")


def test_a_damaged_sheet_leaves_the_workbook_not_fully_read() -> None:
    import zipfile

    from mamori.evidence.limits import Limits
    from mamori.people.keys import KeyMaker
    from mamori.scan.inspect import Inspector
    from mamori.synth.residents import generate_residents

    people = generate_residents(20, seed=4)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for title in ("名簿", "名簿2"):
        sheet = book.add_worksheet(title)
        sheet.write_row(0, 0, ("氏名", "住所", "電話番号"))
        for row, p in enumerate(people, start=1):
            sheet.write_row(row, 0, (f"{p.family_name} {p.given_name}", p.address, p.phone))
    book.close()
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, data[: len(data) // 2] if info.filename == "xl/worksheets/sheet2.xml" else data)
    data = damaged.getvalue()
    item = Item(path="名簿.xlsx", size=len(data), sha256="", data=data)
    result = Inspector(Limits(), KeyMaker(b"k" * 32)).inspect(item)[0]
    assert result.status == "unreadable", result.reason
    assert result.pii is True and result.partial
