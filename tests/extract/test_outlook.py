"""Outlook .msg extractor: headers, body, attachments (files and embedded messages)."""

from __future__ import annotations

import hashlib

import extract_msg
import pytest

from mamori.errors import CorruptFile
from mamori.evidence.limits import Limits
from mamori.extract.cfb_util import CFB_MAGIC
from mamori.extract.mail import MailExtractor
from mamori.extract.outlook import OutlookExtractor
from mamori.models import Document, Item
from mamori.people.keys import KeyMaker
from mamori.scan.inspect import Inspector
from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render
from mamori.synth.render.msg import Attachment, Mail, build_msg, csv_attachment

ROSTER = SynthDoc(
    title="名簿送付（堺市）",
    kind="roster",
    header=("氏名", "カナ", "住所", "生年月日"),
    rows=(("髙橋　﨑子", "ﾀｶﾊｼ ｻｷｺ", "大阪府堺市堺区南瓦町３番１号", "昭和45年3月2日"), ("①", "～", "", "")),
    paragraphs=("お疲れ様です。", "名簿を送付します。ﾔﾏﾀﾞ ﾀﾛｳ"),
)
EXTRACTOR = OutlookExtractor()


def _extract(data: bytes, path: str = "mail/受信.msg", depth: int = 0) -> Document:
    item = Item(path=path, size=len(data), sha256="", data=data, depth=depth)
    assert EXTRACTOR.sniff(data[:8192], item)
    return EXTRACTOR.extract(item.open(), item)


def test_rendered_msg_headers_body_and_csv_attachment() -> None:
    data = render(ROSTER, "msg")
    doc = _extract(data, depth=1)
    header, body = doc.blocks
    assert header.location.part == "header" and body.location.part == "body"
    assert "Subject: 名簿送付（堺市）" in header.text
    assert "From: 総務課　山田 <soumu@example.lg.jp>" in header.text
    assert "To: 市民課　佐藤 <shimin@example.lg.jp>" in header.text
    assert body.text == "お疲れ様です。\r\n名簿を送付します。ﾔﾏﾀﾞ ﾀﾛｳ"
    (attachment,) = doc.attachments
    expected = csv_attachment(ROSTER).data
    assert attachment.path == "mail/受信.msg!名簿送付（堺市）.csv"
    assert attachment.data == expected
    assert attachment.size == len(expected)
    assert attachment.sha256 == hashlib.sha256(expected).hexdigest()
    assert attachment.depth == 2
    assert "髙橋　﨑子" in expected.decode("cp932")


def test_extract_msg_reads_what_we_write() -> None:
    msg = extract_msg.openMsg(render(ROSTER, "msg"))
    try:
        assert msg.subject == ROSTER.title
        assert msg.body.startswith("お疲れ様です。")
        assert [a.longFilename for a in msg.attachments] == ["名簿送付（堺市）.csv"]
        assert msg.attachments[0].data == csv_attachment(ROSTER).data
    finally:
        msg.close()


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("a.bin", b""),
        ("exactly64.bin", b"x" * 64),
        ("mini-edge.bin", b"y" * 4095),
        ("big.bin", bytes(range(256)) * 40),
        ("名前!付き.txt", "髙橋".encode()),
    ],
)
def test_attachment_bytes_survive_any_size(filename: str, data: bytes) -> None:
    doc = _extract(build_msg(Mail(subject="件名", body="本文", attachments=(Attachment(filename, data),))))
    (attachment,) = doc.attachments
    assert attachment.data == data
    assert attachment.path == "mail/受信.msg!" + filename.replace("!", "_")


def test_embedded_message_is_read_in_place_and_handed_on_as_mail() -> None:
    inner = Mail(subject="転送：名簿", body="内側の本文 ①", attachments=(csv_attachment(ROSTER),))
    outer = build_msg(Mail(subject="外側", body="本文", embedded=(inner,), attachments=(Attachment("a.txt", b"abc"),)))
    doc = _extract(outer)
    paths = [a.path for a in doc.attachments]
    assert paths == ["mail/受信.msg!a.txt", "mail/受信.msg!転送：名簿.msg"]
    embedded = doc.attachments[1]
    assert embedded.depth == 1 and embedded.size == len(embedded.data or b"")
    assert not (embedded.data or b"").startswith(CFB_MAGIC), "no compound file is rebuilt by the reader"
    inner_doc = MailExtractor().extract(embedded.open(), embedded)
    assert "Subject: 転送：名簿" in inner_doc.blocks[0].text
    assert "From: 総務課　山田 <soumu@example.lg.jp>" in inner_doc.blocks[0].text
    assert any(b.text.strip() == "内側の本文 ①" for b in inner_doc.blocks[1:])
    (roster,) = inner_doc.attachments
    assert roster.path == "mail/受信.msg!転送：名簿.msg!名簿送付（堺市）.csv"
    assert roster.data == csv_attachment(ROSTER).data
    assert roster.depth == 2


def test_embedded_message_is_chosen_by_content_in_a_scan() -> None:
    inner = Mail(subject="転送：名簿", body="内側の本文", attachments=(csv_attachment(ROSTER),))
    data = build_msg(Mail(subject="外側", body="本文", embedded=(inner,)))
    item = Item(path="受信.msg", size=len(data), sha256="", data=data)
    results = {r.path: r for r in Inspector(Limits(), KeyMaker(b"k" * 32)).inspect(item)}
    roster = next(r for p, r in results.items() if p.endswith("転送：名簿.msg!名簿送付（堺市）.csv"))
    assert roster.pii is True and roster.persons >= 1
    embedded = next(r for p, r in results.items() if p.endswith("!転送：名簿.msg"))
    assert embedded.status == "ok"


@pytest.mark.parametrize("keep", [0.0, 0.2, 0.5, 0.9])
def test_truncated_msg_is_corrupt(keep: int) -> None:
    data = render(ROSTER, "msg")
    cut = data[: int(len(data) * keep)]
    item = Item(path="cut.msg", size=len(cut), sha256="", data=cut)
    with pytest.raises(CorruptFile):
        EXTRACTOR.extract(item.open(), item)


def test_other_compound_files_are_not_mail() -> None:
    data = render(ROSTER, "doc")
    item = Item(path="x.msg", size=len(data), sha256="", data=data)
    assert not EXTRACTOR.sniff(data[:8192], item)


@pytest.mark.parametrize("embedded", [False, True])
def test_attachments_over_the_limit_leave_the_message_not_fully_read(embedded: bool,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mamori.extract.outlook._MAX_ATTACHMENTS", 2)
    files = tuple(Attachment(f"{n}.txt", b"x") for n in range(3))
    mail = (Mail(subject="外側", body="本文", embedded=(Mail(subject="内側", body="", attachments=files),))
            if embedded else Mail(subject="件名", body="本文", attachments=files))
    data = build_msg(mail)
    item = Item(path="受信.msg", size=len(data), sha256="", data=data)
    top = Inspector(Limits(), KeyMaker(b"k" * 32)).inspect(item)[0]
    assert top.status == "too_large" and top.pii is None
