"""Text-family renderers: bytes as Japanese software writes them (encodings, CRLF, quoting, escapes)."""

from __future__ import annotations

import email
from email.policy import default

import pytest

from mamori.errors import ConfigError
from mamori.extract.mail import header_text
from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render, renderers
from mamori.synth.render.eml import EmlRenderer, encoded_word
from mamori.synth.render.rtf import RtfRenderer, escape
from mamori.synth.render.textual import (
    CsvRenderer,
    HtmlRenderer,
    PsvRenderer,
    TsvRenderer,
    TxtRenderer,
    aligned_lines,
    encode_text,
)

DOC = SynthDoc(title="名簿", kind="roster", header=("氏名", "備考"),
               rows=(("髙橋　﨑子", 'a,"b"\nc'), ("ﾔﾏﾀﾞ ﾀﾛｳ", "ソ表ポ")), title_rows=("令和6年",),
               paragraphs=("本文",))


@pytest.mark.parametrize("name", ["csv", "tsv", "psv", "txt", "html", "rtf", "eml"])
def test_registered(name: str) -> None:
    assert name in renderers()


def test_csv_is_cp932_crlf_and_quoted_by_default() -> None:
    data = CsvRenderer().render(DOC)
    assert data == ('令和6年,\r\n氏名,備考\r\n髙橋　﨑子,"a,""b""\nc"\r\nﾔﾏﾀﾞ ﾀﾛｳ,ソ表ポ\r\n').encode("cp932")


def test_headerless_and_delimiters() -> None:
    doc = SynthDoc(title="t", kind="roster", rows=(("a", "b|c"),))
    assert TsvRenderer().render(doc, "utf-8") == b"a\tb|c\r\n"
    assert PsvRenderer().render(doc, "utf-8") == b'a|"b|c"\r\n'


@pytest.mark.parametrize(("encoding", "prefix"), [("utf-8-sig", b"\xef\xbb\xbf"), ("utf-8", "令".encode())])
def test_bom(encoding: str, prefix: bytes) -> None:
    assert render(DOC, "csv", encoding).startswith(prefix)


def test_euc_jp_writes_nec_extensions_and_refuses_ibm_ones() -> None:
    assert encode_text("①～ソ", "euc-jp") == "①～ソ".encode("euc_jis_2004")
    with pytest.raises(ConfigError, match="髙"):
        encode_text("髙", "euc-jp")
    with pytest.raises(ConfigError):
        encode_text("x", "klingon")


def test_txt_aligns_full_width_columns() -> None:
    lines = aligned_lines([("氏名", "x"), ("ab", "y")])
    assert lines == ["氏名  x", "ab    y"]
    assert TxtRenderer().render(DOC).count(b"\r\n") >= 4
    assert b"\r\n" not in TxtRenderer().render(DOC, "utf-8")


@pytest.mark.parametrize(("encoding", "meta"), [("utf-8", "UTF-8"), ("cp932", "Shift_JIS"), ("euc-jp", "EUC-JP")])
def test_html_declares_its_charset(encoding: str, meta: str) -> None:
    doc = SynthDoc(title="t<&>", kind="roster", header=("氏名",), rows=(("山田\n太郎",),))
    data = HtmlRenderer().render(doc, encoding)
    assert f'<meta charset="{meta}">'.encode() in data
    assert b"t&lt;&amp;&gt;" in data and "山田<br>太郎".encode(encoding.replace("-", "_")) in data


def test_rtf_uses_cp932_escapes_and_a_table() -> None:
    data = RtfRenderer().render(DOC)
    assert data.isascii() and b"\\ansicpg932" in data and b"\\trowd" in data and b"\\cell" in data
    assert escape("ソ{") == "\\'83\\'5c\\{"
    assert escape("𠮷") == "\\u-10174?\\u-8265?"  # surrogates D842 DFB7 as signed 16-bit


def test_eml_headers_and_attachment() -> None:
    data = EmlRenderer().render(DOC)
    assert data.isascii()
    message = email.message_from_bytes(data, policy=default)
    assert message["Subject"] == "名簿"
    # The stdlib cannot read 髙 in ISO-2022-JP (a CP50220 extension); mamori's mail reader can.
    assert "髙橋﨑子" in header_text(str(message["To"]))
    utf8 = email.message_from_bytes(EmlRenderer().render(DOC, "utf-8"), policy=default)
    assert "髙橋﨑子" in str(utf8["To"])
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "名簿.csv"
    assert attachment.get_payload(decode=True).decode("cp932").startswith("令和6年")
    assert encoded_word("abc", "utf-8") == "abc"
    with pytest.raises(ConfigError):
        EmlRenderer().render(DOC, "euc-jp")
