"""HtmlExtractor: tables and text from synth HTML in each encoding, declared charsets as hints."""

from __future__ import annotations

import io

import pytest

from mamori.extract.htmlpage import HtmlExtractor, charset_hint, parse_html
from mamori.models import Document, Item
from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render

ROWS = (("髙橋　﨑子", "昭和45年3月2日", "大阪府堺市堺区南瓦町３番１号"), ("ﾔﾏﾀﾞ ﾀﾛｳ", "①～", "ソ表ポ<&>\n2行目"))
DOC = SynthDoc(title="名簿", kind="roster", header=("氏名", "生年月日", "住所"), rows=ROWS,
               paragraphs=("下記のとおり", "お問い合わせは市民課まで"))
EUC_DOC = SynthDoc(title="名簿", kind="roster", header=("氏名", "住所"),
                   rows=(("高橋　﨑子", "①～ソ表ポ"),), paragraphs=("下記のとおり",))


def _extract(data: bytes, name: str = "page.html") -> Document:
    item = Item(path=name, size=len(data), sha256="", data=data)
    assert HtmlExtractor().sniff(data[:8192], item)
    return HtmlExtractor().extract(io.BytesIO(data), item)


@pytest.mark.parametrize("encoding", ["utf-8", "cp932", "euc-jp"])
def test_round_trip(encoding: str) -> None:
    doc = EUC_DOC if encoding == "euc-jp" else DOC
    document = _extract(render(doc, "html", encoding), "page.bin")
    assert document.tables[0].rows == ((doc.header or ()), *doc.rows)
    texts = [b.text for b in document.blocks]
    assert [t for t in texts if t in doc.paragraphs] == list(doc.paragraphs)
    assert doc.title in texts


def test_mislabeled_charset_is_only_a_hint() -> None:
    data = '<html><head><meta charset="Shift_JIS"></head><body><p>髙橋　﨑子</p></body></html>'.encode()
    document = _extract(data)
    assert [b.text for b in document.blocks] == ["髙橋　﨑子"]
    assert document.encoding == "utf-8"


@pytest.mark.parametrize(
    ("head", "hint"),
    [
        (b'<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">', "Shift_JIS"),
        (b"<META CHARSET=euc-jp>", "euc-jp"),
        (b'<?xml version="1.0" encoding="EUC-JP"?><html>', "EUC-JP"),
        (b"<html><body>no charset</body></html>", None),
    ],
)
def test_charset_hint(head: bytes, hint: str | None) -> None:
    assert charset_hint(head) == hint


def test_scripts_dropped_inline_kept_nested_tables_and_colspan() -> None:
    page = """<!DOCTYPE html><html><head><style>p{color:red}</style><script>var x="秘密";</script></head>
    <body><p>山田<b>太郎</b>様<br>堺市</p><!-- comment 非表示 -->
    <table><tr><th colspan="2">氏名</th><td>住所</td></tr>
    <tr><td>a</td><td><table><tr><td>内側</td></tr></table></td><td>c</td></tr></table></body></html>"""
    tables, blocks = parse_html(page)
    assert [b.text for b in blocks] == ["山田太郎様\n堺市"]
    assert [t.rows for t in tables] == [(("氏名", "", "住所"), ("a", "", "c")), (("内側",),)]


@pytest.mark.parametrize("text", ["", "   ", "<", "<html>", "<?xml version='1.0' encoding='utf-8'?><html/>", "\x00"])
def test_degenerate_documents(text: str) -> None:
    parse_html(text)


@pytest.mark.parametrize(
    ("html", "blocks"),
    [
        # the parser keeps control characters that lxml refuses to set back when a table's tail moves
        ("<p>a<table><tr><td>x</td></tr></table>\x1e tail\x01</p>", ["a", "tail"]),
        ("<div><b>a</b><table><tr><td>x</td></tr></table>\x1f b</div>", ["a b"]),
    ],
)
def test_control_characters_after_a_table(html: str, blocks: list[str]) -> None:
    tables, found = parse_html(html)
    assert tables[0].rows == (("x",),)
    assert [b.text for b in found] == blocks


@pytest.mark.parametrize(
    ("cell", "text"),
    [("<td>  a \t b\n</td>", "a b"), ("<td>a\u3000b</td>", "a\u3000b"), ("<td>a\x1eb</td>", "a b"), ("<td></td>", ""),
     ("<td>a<br>b</td>", "a\nb"), ("<TD COLSPAN=' 2 '>c</TD>", "c")],
)
def test_plain_cells_read_like_walked_ones(cell: str, text: str) -> None:
    tables, _ = parse_html(f"<table><tr>{cell}<td>z</td></tr></table>")
    assert tables[0].rows[0][0] == text
    assert tables[0].rows[0][-1] == "z"
