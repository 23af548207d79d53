"""mamori's tamper-evident audit log: an RFC 9162 Merkle tree over append-only records, signed checkpoints,
receipts that verify offline, and a whole-log verifier."""

from mamori.audit.checkpoint import (
    Checkpoint,
    Signer,
    Verifier,
    generate_signer,
    load_signer,
    load_verifier,
    sign_checkpoint,
    verify_checkpoint,
)
from mamori.audit.event import AuditEvent
from mamori.audit.log import AuditLog, LogEntry
from mamori.audit.receipt import Receipt, verify_receipt
from mamori.audit.verify import VerifyReport, verify_log

__all__ = [
    "AuditEvent",
    "AuditLog",
    "Checkpoint",
    "LogEntry",
    "Receipt",
    "Signer",
    "Verifier",
    "VerifyReport",
    "generate_signer",
    "load_signer",
    "load_verifier",
    "sign_checkpoint",
    "verify_checkpoint",
    "verify_log",
    "verify_receipt",
]
