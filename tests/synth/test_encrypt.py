"""Password protection and truncation helpers produce what real locked/broken files look like."""

from __future__ import annotations

import io

import msoffcrypto
import pypdf
import pytest

from mamori.synth.encrypt import encrypt_office, encrypt_pdf, truncate
from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render

DOC = SynthDoc(title="名簿", kind="roster", header=("氏名",), rows=(("髙橋　﨑子",),))


def test_encrypt_office_round_trips_with_the_password() -> None:
    plain = render(DOC, "xlsx")
    office = msoffcrypto.OfficeFile(io.BytesIO(encrypt_office(plain, "pw")))
    assert office.is_encrypted()
    office.load_key(password="pw")
    out = io.BytesIO()
    office.decrypt(out)
    assert out.getvalue() == plain


@pytest.mark.parametrize(("user", "owner", "needs_password"), [("u", None, True), ("u", "o", True), ("", "o", False)])
def test_encrypt_pdf(user: str, owner: str | None, needs_password: bool) -> None:
    reader = pypdf.PdfReader(io.BytesIO(encrypt_pdf(render(DOC, "pdf"), user, owner)))
    assert reader.is_encrypted
    opened_without = reader.decrypt("") != pypdf.PasswordType.NOT_DECRYPTED
    assert opened_without is not needs_password


@pytest.mark.parametrize(("fraction", "size"), [(0.0, 0), (0.5, 5), (1.0, 10)])
def test_truncate(fraction: float, size: int) -> None:
    assert truncate(b"0123456789", fraction) == b"0123456789"[:size]


def test_truncate_rejects_fractions_outside_0_1() -> None:
    with pytest.raises(ValueError, match="fraction"):
        truncate(b"x", 1.5)
