"""Encrypted OOXML recognition: a password-protected xlsx is Encrypted, never read or guessed at."""

from __future__ import annotations

import hashlib

import pytest

from mamori.errors import Encrypted
from mamori.extract.office_crypto import EncryptedOfficeExtractor
from mamori.extract.registry import choose
from mamori.models import Item
from mamori.synth.encrypt import encrypt_office
from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render

DOC = SynthDoc(title="名簿", kind="roster", header=("氏名", "電話"), rows=(("髙橋　﨑子", "0722287907"),))


def make_item(data: bytes, name: str) -> Item:
    return Item(path=name, size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)


@pytest.mark.parametrize(
    ("fmt", "name", "kind"),
    [("xlsx", "名簿.xlsx", "Excel"), ("xlsm", "a.xlsm", "Excel"), ("xlsx", "renamed.bin", "Office")],
)
def test_encrypted_ooxml_is_chosen_first_and_raises(fmt: str, name: str, kind: str) -> None:
    item = make_item(encrypt_office(render(DOC, fmt), "pass"), name)
    extractor = choose(item, item.read_head(), generic=False)
    assert isinstance(extractor, EncryptedOfficeExtractor)
    with pytest.raises(Encrypted, match=f"password-protected {kind} file \\(agile encryption\\)"):
        extractor.extract(item.open(), item)


@pytest.mark.parametrize("fmt", ["xls", "xlsx", "pdf"])
def test_plain_files_are_not_claimed(fmt: str) -> None:
    data = render(DOC, fmt)
    assert not EncryptedOfficeExtractor().sniff(data[:8192], make_item(data, "x." + fmt))


CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize("data", [CFB, CFB + b"\xff" * 600, CFB + bytes(2000)])
def test_damaged_cfb_is_not_claimed(data: bytes) -> None:
    assert not EncryptedOfficeExtractor().sniff(data, make_item(data, "x.xlsx"))
