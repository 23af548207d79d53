"""Receipts: proof, checkable offline, that one event is in the audit log.

A receipt holds the entry's record, its index, the RFC 9162 inclusion proof and the signed
checkpoint the proof leads to. With the log's public key alone anyone can check that the
checkpoint was signed by the log, that the record hashes to the proven leaf, and that the leaf
is entry `index` of the tree the checkpoint commits to. The record is stored as a JSON object
for readability; verification re-encodes it canonically (as the log did) before hashing.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from mamori.audit.checkpoint import Checkpoint, Verifier, parse_verifier, verify_checkpoint
from mamori.audit.event import AuditEvent, canonical_json, parse_record
from mamori.audit.merkle import leaf_hash, verify_inclusion
from mamori.errors import AuditError, AuditIntegrityError

FORMAT = "mamori-audit-receipt/1"
_MAX_RECEIPT = 32 * 1024 * 1024


@dataclass(frozen=True)
class Receipt:
    """One entry, its inclusion proof, and the signed checkpoint it is proven against."""

    index: int
    record: bytes
    proof: tuple[bytes, ...]
    checkpoint: str

    @property
    def event(self) -> AuditEvent:
        """The event the receipt is for."""
        return parse_record(self.record)[1]

    def to_json(self) -> str:
        """The receipt as a JSON document (UTF-8 text)."""
        doc = {
            "format": FORMAT,
            "index": self.index,
            "record": json.loads(self.record),
            "inclusion_proof": [base64.b64encode(p).decode() for p in self.proof],
            "checkpoint": self.checkpoint,
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> Receipt:
        """Read a receipt written by `to_json`; `AuditIntegrityError` when it is malformed."""
        if len(text) > _MAX_RECEIPT:
            raise AuditIntegrityError("receipt is implausibly large")
        try:
            doc: Any = json.loads(text)
            if not isinstance(doc, dict) or doc.get("format") != FORMAT:
                raise AuditIntegrityError(f"not a {FORMAT} document")
            index, proof, note = doc["index"], doc["inclusion_proof"], doc["checkpoint"]
            if not isinstance(index, int) or isinstance(index, bool) or not isinstance(note, str):
                raise AuditIntegrityError("receipt index or checkpoint has the wrong type")
            if not isinstance(proof, list) or not all(isinstance(p, str) for p in proof):
                raise AuditIntegrityError("receipt inclusion proof must be a list of base64 strings")
            hashes = tuple(base64.b64decode(p, validate=True) for p in proof)
            record = canonical_json(doc["record"])
        except AuditIntegrityError:
            raise
        except (ValueError, KeyError, TypeError, RecursionError, binascii.Error, AuditError) as exc:
            raise AuditIntegrityError(f"receipt is malformed: {exc}") from exc
        return cls(index, record, hashes, note)


def verify_receipt(receipt: Receipt, public_key: Verifier | str) -> Checkpoint:
    """Check a receipt offline against the log's public key; return the checkpoint it is proven against.

    Raises `AuditIntegrityError` saying which part does not verify.
    """
    verifier = parse_verifier(public_key) if isinstance(public_key, str) else public_key
    checkpoint = verify_checkpoint(receipt.checkpoint, verifier)
    seq, _ = parse_record(receipt.record)
    if seq != receipt.index:
        raise AuditIntegrityError(f"receipt is for entry {receipt.index} but its record says it is entry {seq}")
    if receipt.index >= checkpoint.size:
        raise AuditIntegrityError(
            f"entry {receipt.index} is not covered by the checkpoint (tree size {checkpoint.size})"
        )
    try:
        verify_inclusion(receipt.index, checkpoint.size, leaf_hash(receipt.record), receipt.proof, checkpoint.root)
    except AuditIntegrityError as exc:
        raise AuditIntegrityError(
            f"entry {receipt.index} is not proven to be in the log at checkpoint size {checkpoint.size}: {exc} "
            "(the record or the proof was altered)"
        ) from exc
    return checkpoint
