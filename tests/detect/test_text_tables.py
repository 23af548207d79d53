"""Tables written as text (fixed-width, tab-separated, PDF text layers) read back as grids and as people."""

from __future__ import annotations

import hashlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.detect.engine import analyze
from mamori.detect.text_tables import find_text_tables
from mamori.extract.pdf import PdfExtractor
from mamori.extract.plaintext import PlainTextExtractor
from mamori.models import Document, Item, TextBlock
from mamori.people.keys import KeyMaker
from mamori.synth.model import SynthDoc, Truth
from mamori.synth.render.pdf import render_pdf
from mamori.synth.render.textual import TxtRenderer, aligned_lines

KM = KeyMaker(b"t" * 32)
HEADER = ("世帯番号", "氏名", "フリガナ", "性別", "生年月日", "電話番号", "住所")
ROWS = (
    ("00001", "安藤　稔", "アンドウ ミノル", "男", "昭和15年11月14日", "072-228-7907", "大阪府堺市北区東上野芝町2丁目2-25"),
    ("00001", "安藤　登美子", "アンドウ トミコ", "女", "昭和12年1月23日", "", "大阪府堺市北区東上野芝町2丁目2-25"),
    ("00002", "佐藤 カメ", "サトウ カメ", "女", "大正4年4月14日", "090-1234-5678", "大阪府堺市中区学園町230-4"),
    ("00003", "馬場　知美", "ババ トモミ", "女", "昭和61年12月1日", "", ""),
)


def _doc() -> SynthDoc:
    return SynthDoc(title="世帯員一覧", kind="household_list", header=HEADER, rows=ROWS,
                    truth=Truth(frozenset({1, 2, 3, 4}), frozenset({"name"}), False))


def _item(name: str, data: bytes) -> Item:
    return Item(path=name, size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)


def test_aligned_lines_keep_empty_cells_in_their_column() -> None:
    text = "\n".join(["世帯員一覧", "", *aligned_lines([HEADER, *ROWS])])
    (table,) = find_text_tables(text)
    assert table.first == 2 and table.rows[0] == HEADER
    assert table.rows[2][5] == "" and table.rows[2][6] == ROWS[1][6]  # no phone: the address stays put
    assert table.rows[4][5:] == ("", "")


def test_a_column_most_rows_leave_empty_keeps_its_header() -> None:
    # 住所 only on the household head's row: the header still says where the column starts.
    rows = [("世帯番号", "氏名", "続柄", "生年月日", "住所")]
    for n, (head, members) in enumerate((("中川敏子", ("中川正明", "中川勇気", "中川彩", "中川ウメ")),
                                         ("荒木良子", ("荒木結愛", "荒木千秋", "荒木忠雄", "荒木トメ")))):
        rows.append((f"{n:05d}", head, "世帯主", "3240403", f"堺市西区浜寺諏訪森町西{n + 1}丁目21番23号"))
        rows.extend((f"{n:05d}", m, "家族", "3601101", "") for m in members)
    (table,) = find_text_tables("\n".join(aligned_lines(rows)))
    assert table.rows[0][-1] == "住所" and table.rows[1][-1].startswith("堺市") and table.rows[1][-2] == "3240403"


@pytest.mark.parametrize(
    ("text", "tables"),
    [
        ("氏名\t年齢\t性別\n山田 太郎\t45\t男\n佐藤 花子\t38\t女", 1),
        ("会議は令和6年4月1日に開催します。\n出席者は次のとおりです。", 0),
        ("一行だけ  の  表", 0),  # one line is no table
        ("", 0),
    ],
)
def test_runs_of_table_lines(text: str, tables: int) -> None:
    assert len(find_text_tables(text)) == tables


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("山田 \u3000\t\n12-ア様"), max_size=300))
def test_never_raises_and_rows_come_from_the_lines(text: str) -> None:
    for table in find_text_tables(text):
        assert 0 <= table.first <= table.last < len(text.split("\n"))
        assert len(table.rows) == table.last - table.first + 1


@pytest.mark.parametrize("fmt", ["txt", "pdf"])
def test_a_list_in_text_or_pdf_is_read_as_a_table_of_people(fmt: str) -> None:
    if fmt == "pdf":
        data = render_pdf(_doc())
        document = PdfExtractor().extract(io.BytesIO(data), _item("a.pdf", data))
    else:
        data = TxtRenderer().render(_doc(), "utf-8")
        document = PlainTextExtractor().extract(io.BytesIO(data), _item("a.txt", data))
    analysis = analyze(document, KM, "a")
    assert analysis.persons == 4
    assert {"name", "name_kana", "gender", "birth_date", "phone", "address"} <= set(analysis.categories)


def test_a_table_going_on_over_a_page_break_keeps_its_header() -> None:
    lines = aligned_lines([HEADER, *ROWS])
    document = Document("pdf", blocks=(TextBlock("\n".join(lines[:3])), TextBlock("\n".join(lines[3:]))))
    analysis = analyze(document, KM, "a")
    assert analysis.persons == 4 and "phone" in analysis.categories
