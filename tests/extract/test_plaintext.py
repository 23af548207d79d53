"""PlainTextExtractor: paragraphs with their first line, every encoding, binary left alone."""

from __future__ import annotations

import io

import pytest

from mamori.extract.plaintext import MAX_BLOCK_LINES, PlainTextExtractor
from mamori.models import Item
from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render

DOC = SynthDoc(
    title="お知らせ", kind="letter",
    paragraphs=("髙橋　﨑子 様（ﾀｶﾊｼ ｻｷｺ）", "住所：大阪府堺市堺区南瓦町３番１号\n生年月日：昭和45年3月2日",
                "①～ソ表ポ ㈱"),
    header=("氏名", "住所"), rows=(("山田　太郎", "堺市北区"),),
)
EUC_DOC = SynthDoc(title="お知らせ", kind="letter", paragraphs=("高橋　﨑子 様 ﾀｶﾊｼ", "①～ソ表ポ"))


def _read(data: bytes, name: str = "a.txt") -> list[tuple[int | None, str]]:
    item = Item(path=name, size=len(data), sha256="", data=data)
    assert PlainTextExtractor().sniff(data[:8192], item)
    document = PlainTextExtractor().extract(io.BytesIO(data), item)
    return [(b.location.line, b.text) for b in document.blocks]


@pytest.mark.parametrize("encoding", ["cp932", "utf-8", "utf-8-sig", "utf-16", "iso-2022-jp", "euc-jp"])
def test_paragraphs_come_back_intact(encoding: str) -> None:
    doc = EUC_DOC if encoding == "euc-jp" else DOC
    blocks = _read(render(doc, "txt", encoding))
    texts = [t for _, t in blocks]
    for paragraph in doc.paragraphs:
        assert paragraph in texts
    if doc is DOC:
        assert any("山田　太郎" in t and "堺市北区" in t for t in texts)


def test_locations_are_first_lines() -> None:
    data = "first\n\nsecond para\ncontinues\n\u3000\n\nthird\n".encode("cp932")
    assert _read(data) == [(1, "first"), (3, "second para\ncontinues"), (7, "third")]


def test_long_paragraphs_are_cut() -> None:
    data = ("line\n" * (MAX_BLOCK_LINES + 5)).encode()
    blocks = _read(data, "app.log")
    assert [line for line, _ in blocks] == [1, MAX_BLOCK_LINES + 1]


@pytest.mark.parametrize(
    ("data", "claimed"),
    [
        (b"", True),
        ("ただのテキスト".encode("cp932"), True),
        ("テキスト".encode("utf-16"), True),
        (b"abc\x00def", False),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", False),
        (bytes(range(256)), False),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08" * 10, False),
    ],
)
def test_sniff_rejects_binary(data: bytes, claimed: bool) -> None:
    item = Item(path="x.bin", size=len(data), sha256="", data=data)
    assert PlainTextExtractor().sniff(data, item) is claimed
