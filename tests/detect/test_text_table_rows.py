"""Lists written as text lines — `name address phone` separated by spaces, in a PDF's text layer or a Word
document's paragraphs — keep every row (issue 12: 4 of 5, 7 of 8 were found). Two causes, both covered:
a name written without a space whose surname is one character or rare (関栄子, 東翔) was left to the prose
rules, which did not take it; a row without a phone splits into fewer cells and broke the run of table
lines in two. Built from synthetic residents (mamori.synth), never from real lists."""

from __future__ import annotations

import hashlib
import io

import pytest

from mamori.detect.engine import analyze
from mamori.detect.text_tables import find_text_tables
from mamori.extract.pdf import PdfExtractor
from mamori.extract.word import WordExtractor
from mamori.models import Document, Item, TextBlock
from mamori.people.keys import KeyMaker
from mamori.synth.model import Resident, SynthDoc
from mamori.synth.render.docx import DocxRenderer
from mamori.synth.render.pdf import render_pdf
from mamori.synth.residents import generate_residents

KM = KeyMaker(b"r" * 32)
PEOPLE = generate_residents(240, seed=5)
SEPARATORS = {"space": " ", "two spaces": "  ", "full-width space": "\u3000"}


def _lines(group: list[Resident], sep: str, name_sep: str, header: bool) -> list[str]:
    top = [sep.join(("氏名", "住所", "電話番号"))] if header else []
    return top + [sep.join((f"{p.family_name}{name_sep}{p.given_name}",
                            f"{p.prefecture}{p.city}{p.town}{p.block}{p.building}", p.phone)).rstrip()
                  for p in group]


def _persons(lines: list[str]) -> int:
    return analyze(Document("pdf", blocks=(TextBlock("\n".join(lines)),)), KM, "a").persons


@pytest.mark.parametrize("size", [5, 8])
@pytest.mark.parametrize("sep", SEPARATORS.values(), ids=SEPARATORS.keys())
@pytest.mark.parametrize("name_sep", ["", " ", "\u3000"], ids=["glued", "space", "full-width"])
@pytest.mark.parametrize("header", [False, True], ids=["no header", "header"])
def test_every_row_of_a_space_separated_list_is_a_person(size: int, sep: str, name_sep: str, header: bool) -> None:
    for start in range(0, len(PEOPLE) - size, size):
        group = PEOPLE[start:start + size]
        assert _persons(_lines(group, sep, name_sep, header)) == size, _lines(group, sep, name_sep, header)


def test_one_character_surnames_written_without_a_space() -> None:
    # The rows that went missing: 関栄子, 東翔, 堀明, 森隆司 — a surname of one character glued to the name.
    group = [p for p in PEOPLE if len(p.family_name) == 1][:8]
    assert len(group) >= 5
    for sep in SEPARATORS.values():
        assert _persons(_lines(group, sep, "", header=False)) == len(group)


def test_a_row_without_a_phone_stays_in_the_table() -> None:
    lines = _lines([p for p in PEOPLE if p.phone][:5], "  ", "", header=True)
    lines[2] = lines[2].rsplit("  ", 1)[0]  # the second person has no phone: two cells, not three
    (table,) = find_text_tables("\n".join(lines))
    assert (table.first, table.last) == (0, 5)


def test_label_lines_after_a_table_are_not_rows() -> None:
    lines = [*_lines([p for p in PEOPLE if p.phone][:3], "  ", "", header=True), "作成者  総務課", "作成日  令和6年4月1日"]
    (table,) = find_text_tables("\n".join(lines))
    assert table.last <= 4


def _item(name: str, data: bytes) -> Item:
    return Item(path=name, size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_list_of_paragraphs_in_pdf_or_word_keeps_every_row(fmt: str) -> None:
    for size, start in ((5, 0), (8, 40), (8, 100), (5, 160)):
        group = PEOPLE[start:start + size]
        doc = SynthDoc(title="連絡先一覧", kind="letter", paragraphs=tuple(_lines(group, " ", "", header=False)))
        if fmt == "pdf":
            data = render_pdf(doc)
            document = PdfExtractor().extract(io.BytesIO(data), _item("a.pdf", data))
        else:
            data = DocxRenderer().render(doc)
            document = WordExtractor().extract(io.BytesIO(data), _item("a.docx", data))
        assert analyze(document, KM, "a").persons == size


def test_a_two_column_list_whose_phones_are_often_empty_keeps_every_name() -> None:
    # A PDF of 氏名 + 電話番号: rows without a phone leave a name alone on its line, and 宮田　君子 must not be
    # read as 宮田君 (君 is also an honorific).
    group = list({p.full_name: p for p in generate_residents(70, seed=77) if not p.phone}.values())[:20]
    group += list({p.full_name: p for p in generate_residents(70, seed=78) if p.phone}.values())[:20]
    lines = ["氏名            電話番号"] + [f"{p.full_name}      {p.phone}".rstrip() for p in group]
    assert _persons(lines) == len({p.full_name for p in group}) == 40
    assert _persons(["名簿", "宮田　君子", "佐々木　琉生", "北村　芽生"]) == 3
