"""Office renderers (docx, doc, pptx, odt, msg) write files that their own libraries and readers accept."""

from __future__ import annotations

import io
import struct
import zipfile

import docx
import extract_msg
import olefile
import pptx
import pytest
from lxml import etree

from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render, renderers
from mamori.synth.render.odt import odf_text

ROSTER = SynthDoc(
    title="住民名簿",
    kind="roster",
    header=("氏名", "住所", "生年月日"),
    rows=(("髙橋　﨑子", "大阪府堺市堺区南瓦町３番１号", "昭和45年3月2日"), ("ﾔﾏﾀﾞ ﾀﾛｳ", "①", "～")),
    title_rows=("堺市 市民課",),
    paragraphs=("本文 ①",),
)


@pytest.mark.parametrize(("name", "suffix"), [("docx", ".docx"), ("doc", ".doc"), ("pptx", ".pptx"),
                                               ("odt", ".odt"), ("msg", ".msg")])
def test_registered(name: str, suffix: str) -> None:
    renderer = renderers().get(name)
    assert renderer.suffix == suffix
    assert renderer.encodings == ()


def test_docx_has_a_real_table_with_a_merged_title_cell() -> None:
    document = docx.Document(io.BytesIO(render(ROSTER, "docx")))
    table = document.tables[0]
    assert [c.text for c in table.rows[2].cells] == list(ROSTER.rows[0])
    title_cells = table.rows[0].cells
    assert title_cells[0].text == "堺市 市民課" and title_cells[0]._tc is title_cells[2]._tc


def test_pptx_opens_with_python_pptx() -> None:
    prs = pptx.Presentation(io.BytesIO(render(ROSTER, "pptx")))
    slides = list(prs.slides)
    assert slides[0].shapes.title.text == "住民名簿"
    tables = [s.table for slide in slides for s in slide.shapes if s.has_table]
    assert tables[0].cell(2, 0).text == "髙橋　﨑子"


def test_odt_package_layout() -> None:
    data = render(ROSTER, "odt")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        first = zf.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        etree.fromstring(zf.read("content.xml"))
        assert b"manifest:file-entry" in zf.read("META-INF/manifest.xml")


@pytest.mark.parametrize(
    ("text", "xml"),
    [
        ("a b", "a b"),
        ("a  b", "a <text:s/>b"),
        ("  x", '<text:s text:c="2"/>x'),
        ("x\ty\nz", "x<text:tab/>y<text:line-break/>z"),
        ("<&>", "&lt;&amp;&gt;"),
    ],
)
def test_odf_text_spells_whitespace(text: str, xml: str) -> None:
    assert odf_text(text) == xml


def test_doc_is_a_word97_compound_file() -> None:
    ole = olefile.OleFileIO(io.BytesIO(render(ROSTER, "doc")), raise_defects=olefile.DEFECT_POTENTIAL)
    word = ole.openstream("WordDocument").read()
    ident, nfib = struct.unpack_from("<HH", word, 0)
    assert (ident, nfib) == (0xA5EC, 0xC1)
    assert struct.unpack_from("<H", word, 0x0A)[0] & 0x0200  # text tables live in 1Table
    assert ole.exists("1Table")
    assert "髙橋　﨑子\x07".encode("utf-16-le") in word


def test_msg_opens_with_extract_msg() -> None:
    msg = extract_msg.openMsg(render(ROSTER, "msg"))
    try:
        assert msg.subject == "住民名簿"
        assert msg.body.startswith("本文 ①")
        assert msg.attachments[0].longFilename == "住民名簿.csv"
        assert "髙橋　﨑子" in msg.attachments[0].data.decode("cp932")
    finally:
        msg.close()
