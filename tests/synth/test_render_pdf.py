"""PDF renderers: a real Japanese text layer that pdfium reads back; scans with no text at all."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render
from mamori.synth.render.pdf import BODY_SIZE, wrap


def page_texts(data: bytes) -> list[str]:
    doc = pdfium.PdfDocument(data)
    try:
        return [page.get_textpage().get_text_range().replace("\r\n", "\n") for page in doc]
    finally:
        doc.close()


@pytest.mark.parametrize(
    "text", ["髙橋　﨑子", "①②③", "～", "０７２－２２８－７９０７", "昭和45年3月2日", "ﾀｶﾊｼ ｻｷｺ", "㈱", "〒590-0078"]
)
def test_hard_characters_survive(text: str) -> None:
    doc = SynthDoc(title="確認", kind="letter", paragraphs=(f"氏名等：{text}",))
    assert f"氏名等：{text}" in page_texts(render(doc, "pdf"))[0]


def test_table_cells_are_on_one_line_each_row() -> None:
    doc = SynthDoc(title="名簿", kind="roster", header=("氏名", "電話"), rows=(("髙橋　﨑子", "0722287907"),))
    lines = page_texts(render(doc, "pdf"))[0].split("\n")
    assert "髙橋　﨑子 0722287907" in lines


def test_wide_table_still_holds_every_cell() -> None:
    header = tuple(f"項目{n}" for n in range(14))
    rows = tuple(tuple(f"値{r}-{c}とても長い内容" for c in range(14)) for r in range(3))
    text = "".join(page_texts(render(SynthDoc(title="広い", kind="roster", header=header, rows=rows), "pdf")))
    assert all(cell in text for row in rows for cell in row)


def test_long_text_continues_on_more_pages() -> None:
    paragraphs = tuple(f"第{n}段落。連絡先は072-228-{n:04d}です。" * 4 for n in range(120))
    texts = page_texts(render(SynthDoc(title="議事録", kind="minutes", paragraphs=paragraphs), "pdf"))
    assert len(texts) > 2
    joined = "".join(texts)
    assert all(f"072-228-{n:04d}" in joined for n in range(120))  # never cut by a line break


@pytest.mark.parametrize("width", [40.0, 120.0, 400.0])
def test_wrap_keeps_every_character_and_fits(width: float) -> None:
    text = "住所は堺市堺区南瓦町3番1号、電話０７２－２２８－７９０７、mail: taro.yamada@example.jp です。"
    lines = wrap(text, width, BODY_SIZE)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert len(lines) > 1 or width == 400.0


def test_image_pdf_has_pages_but_no_text() -> None:
    doc = SynthDoc(title="申請書", kind="letter", header=("氏名",), rows=tuple((f"住民{n}",) for n in range(50)))
    texts = page_texts(render(doc, "pdf_image"))
    assert len(texts) == 2 and all(not t.strip() for t in texts)
