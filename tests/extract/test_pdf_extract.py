"""PDF extractor: text per page intact, scans need OCR, passwords and damage recognised."""

from __future__ import annotations

import contextlib
import hashlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mamori.errors import CorruptFile, Encrypted, MamoriError, NeedsOCR
from mamori.extract.pdf import PdfExtractor
from mamori.extract.registry import choose
from mamori.models import Document, Item, Location
from mamori.synth.encrypt import encrypt_pdf, truncate
from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render

HARD = ("髙橋　﨑子", "①", "～", "０７２－２２８－７９０７", "0722287907", "昭和45年3月2日", "ﾀｶﾊｼ ｻｷｺ", "〒590-0078")
LETTER = SynthDoc(
    title="お知らせ",
    kind="letter",
    header=("氏名", "電話", "生年月日"),
    rows=(("髙橋　﨑子", "０７２－２２８－７９０７", "昭和45年3月2日"), ("ﾀｶﾊｼ ｻｷｺ", "0722287907", "①～")),
    paragraphs=("〒590-0078 堺市堺区南瓦町3番1号　髙橋　﨑子 様", "ご不明な点は市民課までお問い合わせください。"),
)


def make_item(data: bytes, name: str = "doc.pdf") -> Item:
    return Item(path=name, size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)


def extract(data: bytes, name: str = "doc.pdf") -> Document:
    item = make_item(data, name)
    return PdfExtractor().extract(item.open(), item)


def test_text_comes_back_intact_and_is_chosen() -> None:
    data = render(LETTER, "pdf")
    item = make_item(data)
    assert isinstance(choose(item, item.read_head(), generic=False), PdfExtractor)
    document = extract(data)
    assert document.format == "pdf"
    assert [b.location for b in document.blocks] == [Location(page=1)]
    text = document.blocks[0].text
    for value in HARD:
        assert value in text
    assert "\r" not in text


def test_long_document_has_one_block_per_page() -> None:
    rows = tuple((f"住民{n:03d}", f"072-228-{n:04d}") for n in range(150))
    document = extract(render(SynthDoc(title="名簿", kind="roster", header=("氏名", "電話"), rows=rows), "pdf"))
    pages = [b.location.page for b in document.blocks]
    assert len(pages) >= 3 and pages == list(range(1, len(pages) + 1))
    text = document.all_text()
    assert all(f"072-228-{n:04d}" in text for n in range(150))


def test_image_only_pdf_needs_ocr() -> None:
    with pytest.raises(NeedsOCR):
        extract(render(LETTER, "pdf_image"))


def test_user_password_is_encrypted() -> None:
    with pytest.raises(Encrypted):
        extract(encrypt_pdf(render(LETTER, "pdf"), "himitsu"))


def test_owner_password_only_is_read() -> None:
    document = extract(encrypt_pdf(render(LETTER, "pdf"), "", owner_password="kanri"))
    assert "髙橋　﨑子" in document.all_text()


@pytest.mark.parametrize("fraction", [0.0, 0.01, 0.1, 0.3, 0.5, 0.7])
def test_truncated_pdf_is_corrupt(fraction: float) -> None:
    with pytest.raises(CorruptFile):
        extract(truncate(render(LETTER, "pdf"), fraction))


@pytest.mark.parametrize(
    ("head", "claimed"),
    [
        (b"%PDF-1.7\n", True),
        (b"junk" * 100 + b"%PDF-1.4", True),
        (b"x" * 1100 + b"%PDF-1.4", False),
        (b"PK\x03\x04", False),
        (b"", False),
    ],
)
def test_sniff(head: bytes, claimed: bool) -> None:
    assert PdfExtractor().sniff(head, make_item(head)) is claimed


def _check(data: bytes) -> None:
    item = make_item(data)
    PdfExtractor().sniff(item.read_head(), item)
    with contextlib.suppress(MamoriError):
        PdfExtractor().extract(item.open(), item)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=2048))
def test_arbitrary_bytes_raise_only_mamori_errors(data: bytes) -> None:
    _check(data)
    _check(b"%PDF-1.4\n" + data)


VALID = {"text": render(LETTER, "pdf"), "image": render(LETTER, "pdf_image")}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(sorted(VALID)),
    edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=8),
    cut=st.floats(0, 1),
)
def test_mutated_pdfs_raise_only_mamori_errors(kind: str, edits: list[tuple[float, int]], cut: float) -> None:
    data = bytearray(VALID[kind])
    for where, byte in edits:
        data[int(where * len(data))] = byte
    _check(truncate(bytes(data), cut))
