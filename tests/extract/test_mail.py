"""MailExtractor: Japanese mail as mailers send it, mislabeled charsets, attachments and nesting."""

from __future__ import annotations

import base64
import io

import pytest

from mamori.extract.delimited import DelimitedExtractor
from mamori.extract.iso2022 import encode_iso2022jp
from mamori.extract.mail import MailExtractor, header_text, looks_like_mail
from mamori.models import Document, Item
from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render

DOC = SynthDoc(
    title="名簿送付の件（髙橋）", kind="letter", paragraphs=("髙橋　﨑子 様", "①～ソ表ポ ﾔﾏﾀﾞ ﾀﾛｳ 昭和45年3月2日"),
    header=("氏名", "住所"), rows=(("髙橋　﨑子", "大阪府堺市堺区南瓦町３番１号"), ("ﾔﾏﾀﾞ ﾀﾛｳ", "ソ表ポ|\\")),
)


def _extract(data: bytes, path: str = "mail/in.eml", depth: int = 0) -> Document:
    item = Item(path=path, size=len(data), sha256="", data=data, depth=depth)
    assert MailExtractor().sniff(data[:8192], item)
    return MailExtractor().extract(io.BytesIO(data), item)


@pytest.mark.parametrize("encoding", ["iso-2022-jp", "utf-8"])
def test_round_trip(encoding: str) -> None:
    document = _extract(render(DOC, "eml", encoding), depth=1)
    header = document.blocks[0]
    assert header.location.part == "header"
    assert "総務課　髙橋﨑子 <takahashi@city.example.lg.jp>" in header.text
    assert f"Subject: {DOC.title}" in header.text
    body = document.blocks[1].text
    assert all(p in body for p in DOC.paragraphs)
    (attachment,) = document.attachments
    assert attachment.path == f"mail/in.eml!{DOC.title}.csv"
    assert attachment.depth == 2 and attachment.size == len(attachment.data or b"")
    table = DelimitedExtractor().extract(attachment.open(), attachment).tables[0]
    assert table.rows == tuple(DOC.table_rows())


def _message(headers: str, body: bytes, ctype: str = 'text/plain; charset="iso-2022-jp"') -> bytes:
    return (f"From: a@example.jp\r\nTo: b@example.jp\r\n{headers}MIME-Version: 1.0\r\n"
            f"Content-Type: {ctype}\r\n\r\n").encode() + body


def test_cp932_body_mislabeled_iso2022jp_still_decodes() -> None:
    document = _extract(_message("Subject: x\r\n", "髙橋　﨑子 ①".encode("cp932")))
    assert document.blocks[1].text == "髙橋　﨑子 ①"


def test_iso2022jp_body_with_nec_extensions() -> None:
    document = _extract(_message("", encode_iso2022jp("①㈱ 髙橋 ﾀﾛｳ")))
    assert document.blocks[1].text == "①㈱ 髙橋 ﾀﾛｳ"


def test_raw_8bit_headers() -> None:
    raw = b"From: " + "山田太郎".encode("cp932") + b" <y@example.jp>\r\nTo: x@example.jp\r\nSubject: hi\r\n\r\nbody"
    assert "From: 山田太郎 <y@example.jp>" in _extract(raw).blocks[0].text


def test_raw_8bit_attachment_name() -> None:
    raw = (b'From: a@x.jp\r\nTo: b@x.jp\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n'
           b'--B\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename="'
           + "名簿.csv".encode("cp932") + b'"\r\n\r\na,b\r\n--B--\r\n')
    assert [a.path for a in _extract(raw, "m.eml").attachments] == ["m.eml!名簿.csv"]


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("=?ISO-2022-JP?B?" + base64.b64encode(encode_iso2022jp("髙橋①")).decode() + "?= <t@x.jp>", "髙橋① <t@x.jp>"),
        ("=?UTF-8?Q?=E5=B1=B1=E7=94=B0?=", "山田"),
        ("=?shift_jis?B?" + base64.b64encode("﨑子".encode("cp932")).decode() + "?=", "﨑子"),
        ("=?bogus?B?AAAA?=", None),
        ("plain", "plain"),
        ("=?UTF-8?B?broken", "=?UTF-8?B?broken"),
    ],
)
def test_header_text(raw: str, text: str | None) -> None:
    decoded = header_text(raw)
    if text is not None:
        assert decoded == text


def test_attachment_names_nested_messages_and_inline_parts() -> None:
    inner = _message("Subject: inner\r\n", b"inner body")
    sjis_name = "".join(f"%{b:02X}" for b in "名簿①.csv".encode("cp932"))
    word = base64.b64encode(encode_iso2022jp("住民票.txt")).decode()
    raw = (
        b"From: a@x.jp\r\nTo: b@x.jp\r\nSubject: s\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: multipart/alternative; boundary=\"C\"\r\n\r\n"
        b"--C\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + "本文".encode() + b"\r\n"
        b"--C\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>html</p>\r\n--C--\r\n"
        b"--B\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename*=shift_jis''"
        + sjis_name.encode() + b"\r\n\r\na,b\r\n"
        b'--B\r\nContent-Type: text/plain; name="=?ISO-2022-JP?B?' + word.encode() + b'?="\r\n'
        b"Content-Disposition: attachment\r\n\r\nx\r\n"
        b"--B\r\nContent-Type: message/rfc822\r\n\r\n" + inner + b"\r\n"
        b"--B\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0K\r\n--B--\r\n"
    )
    document = _extract(raw, "box/m.eml")
    assert [b.text for b in document.blocks if b.location.part == "body"] == ["本文"]
    names = [a.path for a in document.attachments]
    assert names == ["box/m.eml!名簿①.csv", "box/m.eml!住民票.txt", "box/m.eml!message3.eml", "box/m.eml!part4.png"]
    nested = _extract(document.attachments[2].data or b"", document.attachments[2].path)
    assert nested.blocks[1].text == "inner body"


def test_html_only_body_gives_tables_and_text() -> None:
    html = "<p>山田様</p><table><tr><td>髙橋</td><td>堺市</td></tr></table>".encode("cp932")
    document = _extract(_message("", html, "text/html; charset=Shift_JIS"))
    assert document.tables[0].rows == (("髙橋", "堺市"),)
    assert document.blocks[1].text == "山田様"


@pytest.mark.parametrize(
    ("head", "mail"),
    [
        (b"Received: from x\r\n\tby y\r\nFrom: a@b\r\nSubject: s\r\n\r\nbody", True),
        (b"From a@b Mon Jan  1 00:00:00 2024\nFrom: a@b\nTo: c@d\n\nbody", True),
        (b"Subject: only one known header\nX-Foo: bar\n\nbody", False),
        (b"name,address\nFrom: not a header block\n", False),
        ("氏名：山田\n住所：堺市\n".encode(), False),
    ],
)
def test_looks_like_mail(head: bytes, mail: bool) -> None:
    assert looks_like_mail(head) is mail
