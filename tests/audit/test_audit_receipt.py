"""Signed checkpoints, keys and offline receipts: valid ones verify, any alteration is refused."""

from __future__ import annotations

import base64
import json
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.audit import (
    AuditLog,
    Checkpoint,
    Receipt,
    generate_signer,
    load_signer,
    load_verifier,
    sign_checkpoint,
    verify_checkpoint,
    verify_receipt,
)
from mamori.audit.checkpoint import parse_signer, parse_verifier, save_signer
from mamori.errors import AuditError, AuditIntegrityError

MakeLog = Callable[..., tuple[Path, AuditLog]]
ROOT = bytes(range(32))


def test_checkpoint_text_is_a_signed_note() -> None:
    signer = generate_signer("test-key")
    note = sign_checkpoint(Checkpoint("example.org/log", 1832, ROOT, "2025-04-01T09:30:00Z"), signer)
    body, signature = note.split("\n\n")
    assert body.split("\n") == ["example.org/log", "1832", base64.b64encode(ROOT).decode(), "time 2025-04-01T09:30:00Z"]
    assert signature.startswith("\u2014 test-key ") and signature.endswith("\n")
    assert verify_checkpoint(note, signer.verifier) == Checkpoint("example.org/log", 1832, ROOT, "2025-04-01T09:30:00Z")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("\n1832\n", "\n1833\n"),
        ("example.org/log", "example.org/other"),
        ("time 2025", "time 2024"),
        ("\u2014 test-key ", "\u2014 other-key "),
        ("\u2014 test-key ", "- test-key "),
        ("\n\n", "\n"),
    ],
)
def test_altered_checkpoints_are_refused(old: str, new: str) -> None:
    signer = generate_signer("test-key")
    note = sign_checkpoint(Checkpoint("example.org/log", 1832, ROOT, "2025-04-01T09:30:00Z"), signer)
    assert old in note
    with pytest.raises(AuditIntegrityError):
        verify_checkpoint(note.replace(old, new, 1), signer.verifier)


def test_checkpoint_signed_by_another_key_with_the_same_name_is_refused() -> None:
    note = sign_checkpoint(Checkpoint("o", 1, ROOT, "2025-04-01T09:30:00Z"), generate_signer("same"))
    with pytest.raises(AuditIntegrityError, match="not signed by key same"):
        verify_checkpoint(note, generate_signer("same").verifier)


@settings(max_examples=200)
@given(st.text(max_size=400))
def test_arbitrary_checkpoint_text_never_raises_anything_else(text: str) -> None:
    with pytest.raises(AuditIntegrityError):
        verify_checkpoint(text, generate_signer().verifier)


def test_key_files_round_trip_with_owner_only_private_key(tmp_path: Path) -> None:
    signer = generate_signer("mamori-audit")
    public = save_signer(signer, tmp_path / "k.key")
    assert stat.S_IMODE((tmp_path / "k.key").stat().st_mode) == 0o600
    assert load_signer(tmp_path / "k.key") == signer and load_verifier(public) == signer.verifier
    assert parse_verifier(signer.verifier.to_text()) == signer.verifier
    assert parse_signer(signer.to_text()) == signer
    with pytest.raises(AuditError):
        save_signer(signer, tmp_path / "k.key")  # never overwrite a key


@pytest.mark.parametrize(
    "text", ["", "name+00000000+AAAA", "PRIVATE+KEY+x+00+AAAA", "bad name+00+AA==", "x+zz+" + "A" * 44]
)
def test_bad_key_text_is_an_audit_error(text: str) -> None:
    with pytest.raises(AuditError):
        parse_verifier(text)
    with pytest.raises(AuditError):
        parse_signer(text)


@pytest.fixture
def receipt_and_log(make_log: MakeLog) -> tuple[Receipt, AuditLog]:
    _, log = make_log(13)
    return Receipt.from_json(log.receipt(6).to_json()), log


def test_receipt_verifies_offline_from_json_and_a_public_key_text(receipt_and_log: tuple[Receipt, AuditLog]) -> None:
    receipt, log = receipt_and_log
    checkpoint = verify_receipt(receipt, log.verifier.to_text())
    assert checkpoint.size == 13 and checkpoint.root == log.root(13)
    assert receipt.event == log.event(6)


def _edit(receipt: Receipt, change: Callable[[dict[str, object]], None]) -> Receipt:
    doc = json.loads(receipt.to_json())
    change(doc)
    return Receipt.from_json(json.dumps(doc))


def _flip_proof(doc: dict[str, object]) -> None:
    proof = doc["inclusion_proof"]
    assert isinstance(proof, list)
    raw = bytearray(base64.b64decode(proof[1]))
    raw[0] ^= 1
    proof[1] = base64.b64encode(bytes(raw)).decode()


ALTERATIONS: dict[str, Callable[[dict[str, object]], None]] = {
    "record detail": lambda d: d["record"]["details"].update(people=999),  # type: ignore[index]
    "record actor": lambda d: d["record"].update(actor="someone else"),  # type: ignore[union-attr]
    "record seq and index": lambda d: (d["record"].update(seq=7), d.update(index=7)),  # type: ignore[union-attr]
    "index only": lambda d: d.update(index=7),
    "proof element": _flip_proof,
    "proof shortened": lambda d: d.update(inclusion_proof=d["inclusion_proof"][:-1]),  # type: ignore[index]
    "proof extended": lambda d: d.update(inclusion_proof=[*d["inclusion_proof"], d["inclusion_proof"][0]]),  # type: ignore[misc]
    "checkpoint size": lambda d: d.update(checkpoint=str(d["checkpoint"]).replace("\n13\n", "\n14\n")),
    "checkpoint root": lambda d: d.update(checkpoint=str(d["checkpoint"]).replace("\n13\n", "\n13\n" + "A" * 43 + "=\n")),
}


@pytest.mark.parametrize("what", list(ALTERATIONS))
def test_altered_receipts_are_refused(receipt_and_log: tuple[Receipt, AuditLog], what: str) -> None:
    receipt, log = receipt_and_log
    with pytest.raises(AuditIntegrityError):
        verify_receipt(_edit(receipt, ALTERATIONS[what]), log.verifier)


def test_receipt_against_a_checkpoint_signed_by_another_key_is_refused(
    receipt_and_log: tuple[Receipt, AuditLog],
) -> None:
    receipt, log = receipt_and_log
    cp = verify_checkpoint(receipt.checkpoint, log.verifier)
    other = generate_signer("mamori-audit")
    forged = Receipt(receipt.index, receipt.record, receipt.proof, sign_checkpoint(cp, other))
    verify_receipt(forged, other.verifier)
    with pytest.raises(AuditIntegrityError, match="not signed by key"):
        verify_receipt(forged, log.verifier)


@settings(max_examples=200)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300), st.recursive(
    st.none() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20).map(json.dumps)))
def test_arbitrary_receipt_documents_never_raise_anything_else(data: str | bytes) -> None:
    try:
        receipt = Receipt.from_json(data)
    except AuditIntegrityError:
        return
    with pytest.raises(AuditIntegrityError):
        verify_receipt(receipt, generate_signer().verifier)
