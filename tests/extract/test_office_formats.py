"""Word (.docx, .doc), PowerPoint (.pptx) and ODF text (.odt) extractors on rendered SynthDocs."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from mamori.errors import CorruptFile, Encrypted, MamoriError, UnsupportedFormat
from mamori.extract.base import Extractor
from mamori.extract.odf_text import OdfTextExtractor
from mamori.extract.outlook import OutlookExtractor
from mamori.extract.slides import SlidesExtractor
from mamori.extract.word import WordExtractor
from mamori.extract.word_legacy import WordLegacyExtractor
from mamori.models import Document, Item
from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render
from mamori.synth.render.doc import build_doc

HARD_ROWS = (
    ("髙橋　﨑子", "大阪府堺市堺区南瓦町３番１号", "昭和45年3月2日", "①"),
    ("ﾔﾏﾀﾞ ﾀﾛｳ", "", "平成元年1月8日", "～"),
    ("  先頭に空白  ", "改行\nあり", "タブ\tあり", ""),
    ("山田　太郎😀", "大阪府堺市北区１－２－３", "", "㈱テスト"),
)
ROSTER = SynthDoc(
    title="令和6年度 住民名簿",
    kind="roster",
    header=("氏名", "住所", "生年月日", "備考"),
    rows=HARD_ROWS,
    title_rows=("堺市 市民課",),
    paragraphs=("下記のとおり報告します。", "担当：髙橋　﨑子（内線１２３）"),
)
HEADERLESS = SynthDoc(title="一覧", kind="facility_list", rows=(("ﾔﾏﾀﾞ ﾀﾛｳ", "～"), ("①", "")))
LETTER = SynthDoc(title="お知らせ", kind="letter", paragraphs=("大阪府堺市堺区南瓦町３番１号", "昭和45年3月2日生"))

EXTRACTORS: dict[str, Extractor] = {
    "docx": WordExtractor(),
    "doc": WordLegacyExtractor(),
    "pptx": SlidesExtractor(),
    "odt": OdfTextExtractor(),
}


def _item(data: bytes, name: str) -> Item:
    return Item(path=f"case/{name}", size=len(data), sha256="", data=data)


def _extract(fmt: str, data: bytes) -> Document:
    extractor = EXTRACTORS[fmt]
    item = _item(data, f"f.{fmt}")
    assert extractor.sniff(data[:8192], item)
    return extractor.extract(item.open(), item)


def _grid(doc: Document, fmt: str) -> list[tuple[str, ...]]:
    """All table rows; pptx repeats the header on each slide, so drop the repeats."""
    rows: list[tuple[str, ...]] = []
    for table in doc.tables:
        body = list(table.rows)
        if fmt == "pptx" and rows:
            body = body[1:]
        rows.extend(body)
    return rows


@pytest.mark.parametrize("fmt", list(EXTRACTORS))
@pytest.mark.parametrize("synth", [ROSTER, HEADERLESS, LETTER], ids=["roster", "headerless", "letter"])
def test_text_and_cells_come_back_intact(fmt: str, synth: SynthDoc) -> None:
    doc = _extract(fmt, render(synth, fmt))
    expected = synth.table_rows() if (synth.header or synth.rows) else []
    assert _grid(doc, fmt) == expected
    text = "\n".join(b.text for b in doc.blocks)
    assert synth.title in text
    for paragraph in synth.paragraphs:
        assert paragraph in text
    assert doc.format == fmt


def test_long_tables_continue_on_further_slides() -> None:
    synth = SynthDoc(title="名簿", kind="roster", header=("氏名", "番号"),
                     rows=tuple((f"住民{i}", str(i)) for i in range(60)))
    doc = _extract("pptx", render(synth, "pptx"))
    assert _grid(doc, "pptx") == synth.table_rows()
    assert [t.location.page for t in doc.tables] == [2, 3, 4]


@pytest.mark.parametrize("fmt", list(EXTRACTORS))
def test_locations_name_parts(fmt: str) -> None:
    doc = _extract(fmt, render(ROSTER, fmt))
    if fmt == "pptx":
        assert {b.location.part for b in doc.blocks} == {"slide"}
        assert [b.location.page for b in doc.blocks] == [1, 2, 3]
    else:
        assert all(b.location.part == "body" and b.location.line for b in doc.blocks)
        lines = [b.location.line or 0 for b in doc.blocks]
        assert lines == sorted(lines)


@pytest.mark.parametrize("fmt", ["docx", "doc", "pptx", "odt", "msg", "xlsx", "ods"])
def test_each_extractor_claims_only_its_own_format(fmt: str) -> None:
    try:
        data = render(ROSTER, fmt)
    except MamoriError:
        pytest.skip(f"no {fmt} renderer in this tree")
    item = _item(data, f"x.{fmt}")
    claimed = {name for name, e in {**EXTRACTORS, "msg": OutlookExtractor()}.items() if e.sniff(data[:8192], item)}
    assert claimed == ({fmt} & {*EXTRACTORS, "msg"})


@pytest.mark.parametrize("fmt", list(EXTRACTORS))
@pytest.mark.parametrize("keep", [0.0, 0.3, 0.6, 0.95])
def test_truncated_files_are_corrupt(fmt: str, keep: float) -> None:
    data = render(ROSTER, fmt)
    cut = data[: int(len(data) * keep)]
    item = _item(cut, f"cut.{fmt}")
    with pytest.raises(CorruptFile):
        EXTRACTORS[fmt].extract(item.open(), item)


def test_encrypted_doc_is_reported_encrypted() -> None:
    data = build_doc(ROSTER, encrypted=True)
    item = _item(data, "secret.doc")
    assert WordLegacyExtractor().sniff(data[:8192], item)
    with pytest.raises(Encrypted):
        WordLegacyExtractor().extract(item.open(), item)


@pytest.mark.parametrize("nfib", [101, 104, 105])
def test_word_6_and_95_documents_are_reported_unsupported(nfib: int) -> None:
    # Their FIB has another layout: read as Word 97 they would pass as damaged, or worse, as read.
    fib = b"\xec\xa5\xc1\x00"
    data = render(ROSTER, "doc")
    assert data.count(fib) == 1
    item = _item(data.replace(fib, b"\xec\xa5" + nfib.to_bytes(2, "little")), "old.doc")
    with pytest.raises(UnsupportedFormat, match="Word 6/95"):
        WordLegacyExtractor().extract(item.open(), item)


def _docx_with(body_xml: str, extra: dict[str, str] | None = None) -> bytes:
    """A real .docx from the renderer with its body replaced (for layouts python-docx cannot write)."""
    base = render(LETTER, "docx")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                head = data.decode().partition("<w:body>")[0]
                data = (head + "<w:body>" + body_xml + "<w:sectPr/></w:body></w:document>").encode()
            dst.writestr(info, data)
        for name, text in (extra or {}).items():
            dst.writestr(name, text)
    return out.getvalue()


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


TEXTBOX = (
    '<w:p><w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
    "<mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent>" + _p("箱の中 髙橋　﨑子") + "</w:txbxContent>"
    "</w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>" + _p("箱の中 髙橋　﨑子") + "</w:txbxContent>"
    "</w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>本文</w:t></w:r></w:p>"
)
NESTED = (
    "<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr>" + _p("結合") + "</w:tc></w:tr>"
    "<w:tr><w:tc>" + _p("外")
    + "<w:tbl><w:tr><w:tc>" + _p("内①") + "</w:tc><w:tc>" + _p("内②") + "</w:tc></w:tr></w:tbl>"
    "</w:tc><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>"
)
SDT = "<w:sdt><w:sdtContent>" + _p("コントロール内 ﾔﾏﾀﾞ ﾀﾛｳ") + "</w:sdtContent></w:sdt>"
WRAPPED_SPAN = (
    '<w:tbl><w:tr><w:tc><w:tcPr><w:tcW w:w="1"/></w:tcPr><w:customXml><w:tcPr><w:gridSpan w:val="3"/></w:tcPr>'
    + _p("広い") + "</w:customXml></w:tc><w:tc>" + _p("右") + "</w:tc></w:tr></w:tbl>"
)
TRACKED = "<w:p><w:ins><w:r><w:t>挿入</w:t></w:r></w:ins><w:r><w:tab/><w:t>後</w:t><w:br/><w:t>次</w:t></w:r></w:p>"


@pytest.mark.parametrize(
    ("body", "blocks", "tables"),
    [
        (TEXTBOX, [("body", "本文"), ("textbox", "箱の中 髙橋　﨑子")], []),
        (NESTED, [], [(("結合", ""), ("外", "")), (("内①", "内②"),)]),
        (SDT, [("body", "コントロール内 ﾔﾏﾀﾞ ﾀﾛｳ")], []),
        (TRACKED, [("body", "挿入\t後\n次")], []),
        (WRAPPED_SPAN, [], [(("広い", "", "", "右"),)]),
    ],
    ids=["textbox-once", "nested-merged", "content-control", "runs-tabs-breaks", "span-in-wrapper"],
)
def test_docx_layouts(body: str, blocks: list[tuple[str, str]], tables: list[tuple[tuple[str, ...], ...]]) -> None:
    doc = _extract("docx", _docx_with(body))
    assert [(b.location.part, b.text) for b in doc.blocks] == blocks
    assert [t.rows for t in doc.tables] == tables


def test_docx_headers_and_footers() -> None:
    import docx

    document = docx.Document(io.BytesIO(render(LETTER, "docx")))
    document.sections[0].header.paragraphs[0].text = "ヘッダー 堺市"
    document.sections[0].footer.paragraphs[0].text = "フッター ①"
    out = io.BytesIO()
    document.save(out)
    doc = _extract("docx", out.getvalue())
    parts = {(b.location.part, b.text) for b in doc.blocks}
    assert ("header", "ヘッダー 堺市") in parts
    assert ("footer", "フッター ①") in parts


def test_docx_entities_are_not_expanded() -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">' \
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    base = render(LETTER, "docx")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                xml = data.decode().split("?>", 1)[1].replace("お知らせ", "&d;")
                data = (bomb + xml).encode()
            dst.writestr(info, data)
    item = _item(out.getvalue(), "bomb.docx")
    try:
        doc = WordExtractor().extract(item.open(), item)
    except CorruptFile:
        return
    assert "AAAA" not in doc.all_text()


def test_odt_repeated_columns_are_bounded() -> None:
    data = render(ROSTER, "odt")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "content.xml":
                many = b'<table:table-cell table:number-columns-repeated="16000"/>'
                body = body.replace(b"<table:table-cell/>", many)
                body = body.replace(b"</table:table-row></table:table>",
                                    b'</table:table-row><table:table-row table:number-rows-repeated="1048576">'
                                    b'<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
                                    b"</table:table>")
            dst.writestr(info, body)
    tracemalloc.start()
    try:
        doc = _extract("odt", out.getvalue())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # 16,384 × 1,048,576 repeated cells are never expanded: the work done stays that of the real cells.
    assert peak < 64 * 1024 * 1024
    assert doc.tables[0].width <= 1024
    assert doc.tables[0].rows[2][:3] == ROSTER.table_rows()[2][:3]


def test_odp_slides_are_read() -> None:
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"><office:body><office:presentation>'
        "<draw:page><draw:frame><draw:text-box><text:p>一枚目 髙橋　﨑子</text:p>"
        "</draw:text-box></draw:frame></draw:page>"
        '<draw:page><draw:frame><draw:text-box><text:p>二枚目<text:s text:c="2"/>①</text:p></draw:text-box>'
        "</draw:frame></draw:page></office:presentation></office:body></office:document-content>"
    )
    doc = _extract("odt", _odf("application/vnd.oasis.opendocument.presentation", content))
    assert doc.format == "odp"
    assert [(b.location.page, b.text) for b in doc.blocks] == [(1, "一枚目 髙橋　﨑子"), (2, "二枚目  ①")]


def _odf(mimetype: str, content: str) -> bytes:
    """An OpenDocument package of *mimetype* holding *content* as its content.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", mimetype)
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


ODT_CELLS = [
    ("<text:p>一つ</text:p>", "一つ"),
    ("<text:p>\n改行\n</text:p>", "改行"),
    ("<text:p>a<text:s text:c=\"2\"/>b</text:p>", "a  b"),
    ("<text:p>一</text:p><text:p>二</text:p>", "一\n二"),
    ("<text:list><text:list-item><text:p>項</text:p></text:list-item></text:list>", "項"),
    ("", ""),
]


@pytest.mark.parametrize(("cell", "text"), ODT_CELLS)
def test_odt_cells(cell: str, text: str) -> None:
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:text>'
        '<table:table table:name="表"><table:table-row>'
        f'<table:table-cell table:number-columns-repeated="2">{cell}</table:table-cell>'
        "<table:covered-table-cell/><table:table-cell><text:p>端</text:p></table:table-cell>"
        "</table:table-row></table:table></office:text></office:body></office:document-content>"
    )
    doc = _extract("odt", _odf("application/vnd.oasis.opendocument.text", content))
    assert doc.tables[0].name == "表"
    assert doc.tables[0].rows == ((text, text, "", "端"),)
