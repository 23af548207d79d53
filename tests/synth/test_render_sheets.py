"""Spreadsheet renderers: valid files, merged title rows, leading zeros kept as text, Japanese intact."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
import python_calamine

from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render, renderers
from mamori.synth.render.cells import cell_value, sheet_title, summary_rows

DOC = SynthDoc(
    title="名簿",
    kind="roster",
    header=("氏名", "電話", "郵便", "年齢", "生年月日"),
    rows=(
        ("髙橋　﨑子", "0722287907", "5900078", "54", "1970-03-02"),
        ("ﾀｶﾊｼ ｻｷｺ", "０７２－２２８－７９０７", "590-0078", "0", "昭和45年3月2日"),
    ),
    title_rows=("令和6年度　住民名簿",),
    sheet_name="名簿",
)


def sheets(data: bytes) -> dict[str, list[list[object]]]:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0722287907", "0722287907"),
        ("5900078", 5900078),
        ("0", 0),
        ("-12", -12),
        ("1.5", 1.5),
        ("1.50", "1.50"),
        ("1970-03-02", date(1970, 3, 2)),
        ("1970-02-30", "1970-02-30"),
        ("１２", "１２"),
        ("12345678901234567", "12345678901234567"),
        ("", ""),
    ],
)
def test_cell_value(text: str, value: object) -> None:
    assert cell_value(text) == value


@pytest.mark.parametrize("fmt", ["xlsx", "xlsm", "xls", "ods"])
def test_sheet_values(fmt: str) -> None:
    grid = sheets(render(DOC, fmt))["名簿"]
    assert grid[0][0] == "令和6年度　住民名簿" and set(grid[0][1:]) == {""}
    assert grid[2][:3] == ["髙橋　﨑子", "0722287907", 5900078]
    assert grid[2][4] == date(1970, 3, 2)
    assert grid[3][1] == "０７２－２２８－７９０７"


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_title_rows_are_merged_across_the_table(fmt: str) -> None:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(render(DOC, fmt)))
    assert book.get_sheet_by_name("名簿").merged_cell_ranges == [((0, 0), (0, 4))]


def test_ods_title_is_spanned_and_mimetype_first_and_stored() -> None:
    archive = zipfile.ZipFile(io.BytesIO(render(DOC, "ods")))
    first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert b'table:number-columns-spanned="5"' in archive.read("content.xml")


def test_ods_keeps_runs_of_spaces() -> None:
    doc = SynthDoc(title="t", kind="roster", rows=((" 先頭  二つ ",),))
    assert sheets(render(doc, "ods"))["Sheet1"][0][0] == " 先頭  二つ "


def test_xlsm_is_macro_enabled() -> None:
    types = zipfile.ZipFile(io.BytesIO(render(DOC, "xlsm"))).read("[Content_Types].xml")
    assert b"macroEnabled.main+xml" in types


def test_summary_sheet_has_no_personal_data() -> None:
    docs = [SynthDoc(title=f"名簿{n}", kind="roster", header=("氏名",), rows=(("髙橋　﨑子",),)) for n in range(8)]
    with_summary = [d for d in docs if summary_rows(d)]
    assert 0 < len(with_summary) < len(docs)
    for fmt in ("xlsx", "xls", "ods"):
        assert sheets(render(with_summary[0], fmt))["集計"] == [["区分", "件数"], ["合計", 1]]


def test_sheet_title_is_made_legal() -> None:
    name = sheet_title(SynthDoc(title="t", kind="k", sheet_name="令和6年度/住民[一覧]:*?" * 3))
    assert name == ("令和6年度_住民_一覧____" * 3)[:31]


def test_xls_spills_past_65536_rows() -> None:
    doc = SynthDoc(title="長い", kind="roster", rows=tuple((str(n),) for n in range(65_540)))
    names = list(sheets(render(doc, "xls")))
    assert names[:2] == ["Sheet1", "Sheet1 (2)"]


def test_renderers_are_registered() -> None:
    assert {"xlsx", "xlsm", "xls", "ods", "pdf", "pdf_image"} <= set(renderers().names())
