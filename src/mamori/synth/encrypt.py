"""Make synthetic files unreadable the ways real ones are: passwords and truncation."""

from __future__ import annotations

import io

import pypdf
from msoffcrypto.format.ooxml import OOXMLFile


def encrypt_office(data: bytes, password: str) -> bytes:
    """An OOXML file (xlsx/docx/pptx bytes) saved with *password*: ECMA-376 agile encryption in a CFB."""
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def encrypt_pdf(data: bytes, user_password: str, owner_password: str | None = None) -> bytes:
    """*data* (a PDF) encrypted with AES-128; an empty *user_password* gives an owner-only PDF,
    which opens without a password (the owner password only guards permissions)."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(
        user_password=user_password,
        owner_password=owner_password or user_password or "owner",
        algorithm="AES-128",
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncate(data: bytes, fraction: float) -> bytes:
    """The first *fraction* (0–1) of *data*: an interrupted copy or download."""
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be within 0..1, got {fraction}")
    return data[: int(len(data) * fraction)]
