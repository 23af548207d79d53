"""Signed checkpoints: tree size + root hash + time, signed with Ed25519.

Text format follows C2SP tlog-checkpoint inside a C2SP signed note::

    mamori/audit/3f2a…          origin: which log
    1832                        tree size
    q6yr…=                      base64 root hash
    time 2025-04-01T09:30:00Z   extension line: when it was signed (UTC)
                                blank line ends the signed body
    — mamori-audit AbCd…        em dash, key name, base64(4-byte key id || 64-byte signature)

Keys use the signed-note key encodings, one line each: the verifier key
``<name>+<key id hex>+<base64(0x01 || public key)>`` and the private key
``PRIVATE+KEY+<name>+<key id hex>+<base64(0x01 || seed)>``, where the key id is the first four
bytes of SHA-256(name || "\\n" || 0x01 || public key).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from mamori.audit.merkle import HASH_SIZE
from mamori.errors import AuditError, AuditIntegrityError

_ALG_ED25519 = b"\x01"
_NAME = re.compile(r"[!-*,-~]+")  # printable ASCII without '+' (signed-note key names)
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z")
_MAX_NOTE = 64 * 1024
_DASH = "\u2014 "


def _key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + _ALG_ED25519 + public).digest()[:4]


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise AuditIntegrityError(f"{what} is not valid base64") from None


@dataclass(frozen=True)
class Verifier:
    """A named Ed25519 public key that checks checkpoint signatures."""

    name: str
    public_key: bytes

    @property
    def key_id(self) -> bytes:
        """First four bytes of the signed-note key hash."""
        return _key_id(self.name, self.public_key)

    def to_text(self) -> str:
        """The signed-note verifier key line."""
        encoded = base64.b64encode(_ALG_ED25519 + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True when `signature` is this key's signature of `message`."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """A named Ed25519 private key (the 32-byte seed) that signs checkpoints."""

    name: str
    seed: bytes

    @property
    def verifier(self) -> Verifier:
        """The matching public key."""
        public = Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes_raw()
        return Verifier(self.name, public)

    def sign(self, message: bytes) -> bytes:
        """Ed25519 signature of `message`."""
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)

    def to_text(self) -> str:
        """The signed-note private key line (keep it secret)."""
        encoded = base64.b64encode(_ALG_ED25519 + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id.hex()}+{encoded}"


def generate_signer(name: str = "mamori-audit") -> Signer:
    """A new random Ed25519 signing key called `name`."""
    if not _NAME.fullmatch(name):
        raise AuditError(f"key name {name!r} must be printable ASCII without spaces or '+'")
    return Signer(name, Ed25519PrivateKey.generate().private_bytes_raw())


def parse_signer(text: str) -> Signer:
    """Read a private key line written by `Signer.to_text`."""
    parts = text.strip().split("+", 4)
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"] or not _NAME.fullmatch(parts[2]):
        raise AuditError("not a mamori audit private key (expected PRIVATE+KEY+name+id+key)")
    raw = _b64decode(parts[4], "the private key")
    if len(raw) != 33 or raw[:1] != _ALG_ED25519:
        raise AuditError("the private key is not an Ed25519 key")
    signer = Signer(parts[2], raw[1:])
    if signer.verifier.key_id.hex() != parts[3]:
        raise AuditError("the private key's id does not match its key: the file is damaged")
    return signer


def parse_verifier(text: str) -> Verifier:
    """Read a verifier key line (``name+id+base64``)."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3 or not _NAME.fullmatch(parts[0]):
        raise AuditError("not an audit public key (expected name+id+key)")
    raw = _b64decode(parts[2], "the public key")
    if len(raw) != 33 or raw[:1] != _ALG_ED25519:
        raise AuditError("the public key is not an Ed25519 key")
    verifier = Verifier(parts[0], raw[1:])
    if verifier.key_id.hex() != parts[1]:
        raise AuditError("the public key's id does not match its key: the key text is damaged")
    return verifier


def save_signer(signer: Signer, path: Path) -> Path:
    """Write the private key (mode 0600) and its public key beside it (``.pub``); return the public key path."""
    public_path = path.with_suffix(".pub")
    for target, text in ((path, signer.to_text()), (public_path, signer.verifier.to_text())):
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise AuditError(f"cannot create key file {target}: {exc.strerror}") from exc
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(text + "\n")
            out.flush()
            os.fsync(out.fileno())
    return public_path


def load_signer(path: Path) -> Signer:
    """Read a private key file."""
    try:
        return parse_signer(path.read_text(encoding="ascii"))
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditError(f"cannot read the audit signing key {path}: {exc}") from exc


def load_verifier(path: Path) -> Verifier:
    """Read a public key file."""
    try:
        return parse_verifier(path.read_text(encoding="ascii"))
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditError(f"cannot read the audit public key {path}: {exc}") from exc


@dataclass(frozen=True)
class Checkpoint:
    """A statement that the log `origin` had `size` entries with root `root` at `time` (UTC ISO)."""

    origin: str
    size: int
    root: bytes
    time: str

    def body(self) -> str:
        """The signed text (C2SP checkpoint body with a time extension line)."""
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\ntime {self.time}\n"


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    """The checkpoint as a signed note."""
    if not checkpoint.origin or "\n" in checkpoint.origin or checkpoint.size < 0:
        raise AuditError("a checkpoint needs a one-line origin and a non-negative size")
    body = checkpoint.body()
    signature = base64.b64encode(signer.verifier.key_id + signer.sign(body.encode())).decode()
    return f"{body}\n{_DASH}{signer.name} {signature}\n"


def _parse_body(body: str) -> Checkpoint:
    lines = body.split("\n")[:-1]
    if len(lines) < 4 or not lines[1].isascii() or not lines[1].isdigit() or not lines[3].startswith("time "):
        raise AuditIntegrityError("checkpoint body is malformed (want origin, size, root, time lines)")
    if lines[1] != str(int(lines[1])):
        raise AuditIntegrityError("checkpoint size has leading zeros")
    root = _b64decode(lines[2], "checkpoint root")
    if len(root) != HASH_SIZE:
        raise AuditIntegrityError(f"checkpoint root is {len(root)} bytes, not {HASH_SIZE}")
    time = lines[3][5:]
    if not _TIME.fullmatch(time):
        raise AuditIntegrityError(f"checkpoint time {time!r} is not UTC ISO 8601")
    return Checkpoint(lines[0], int(lines[1]), root, time)


def verify_checkpoint(note: str, verifier: Verifier) -> Checkpoint:
    """Check the note's signature by `verifier` and return the checkpoint it states."""
    if len(note) > _MAX_NOTE:
        raise AuditIntegrityError("checkpoint note is implausibly large")
    body, sep, signatures = note.rpartition("\n\n")
    if not sep or not signatures.endswith("\n"):
        raise AuditIntegrityError("checkpoint note has no signature block")
    body += "\n"
    checkpoint = _parse_body(body)
    for line in signatures[:-1].split("\n"):
        if not line.startswith(_DASH):
            raise AuditIntegrityError("checkpoint signature line does not start with an em dash")
        name, _, encoded = line[len(_DASH) :].partition(" ")
        if name != verifier.name:
            continue
        raw = _b64decode(encoded, "checkpoint signature")
        if raw[:4] != verifier.key_id:
            continue
        if not verifier.verify(body.encode(), raw[4:]):
            raise AuditIntegrityError(
                f"checkpoint of size {checkpoint.size}: the signature by {name} does not verify "
                "(forged or altered checkpoint)"
            )
        return checkpoint
    raise AuditIntegrityError(
        f"checkpoint of size {checkpoint.size} is not signed by key {verifier.name}+{verifier.key_id.hex()}"
    )
