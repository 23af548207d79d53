"""Outlook .msg files (MS-OXMSG): headers, body and attachments, read with olefile directly.

Reading the property streams ourselves is faster than extract-msg and keeps every failure a
CorruptFile. Attachments (files and embedded messages) become child Items for the scanner. An embedded
message is read from its storage inside the outer file (the same reader, a 24-byte property header) and
handed on as an RFC 822 message built with the standard library, which the mail extractor reads with its
own attachments: no compound-file writer in the engine and no size cap but the embedded-bytes budget.
"""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from typing import BinaryIO, ClassVar

from mamori.errors import CorruptFile, MamoriError
from mamori.extract.cfb_util import CFB_MAGIC, OleFile, has_stream, open_ole, read_stream
from mamori.models import ARCHIVE_SEPARATOR, Document, Gap, Item, Location, Problem, TextBlock

WHAT = "Outlook message"
PROPS = "__properties_version1.0"
_MAX_ATTACHMENTS = 1000
_MAX_EMBEDDED_BYTES = 256 * 1024 * 1024
_CONTROL = re.compile(r"[\0-\x1f]")
_ANSI_FALLBACK = "cp932"  # Japanese Outlook writes non-Unicode .msg files in the system code page


class _Object:
    """One message, recipient or attachment: a storage path with its fixed-size properties."""

    def __init__(self, ole: OleFile, path: list[str], header: int) -> None:
        self.ole, self.path = ole, path
        self.fixed: dict[int, bytes] = {}
        name = [*path, PROPS]
        if ole.exists("/".join(name)):
            raw = read_stream(ole, name, WHAT, limit=16 * 1024 * 1024)
            for pos in range(header, len(raw) - 15, 16):
                self.fixed[struct.unpack_from("<I", raw, pos)[0]] = raw[pos + 8 : pos + 16]

    def integer(self, prop: int) -> int | None:
        value = self.fixed.get(prop << 16 | 0x0003)
        return None if value is None else int(struct.unpack_from("<i", value)[0])

    def stream(self, name: str) -> bytes | None:
        full = [*self.path, name]
        return read_stream(self.ole, full, WHAT) if self.ole.exists("/".join(full)) else None

    def string(self, prop: int, codepage: str) -> str:
        data = self.stream(f"__substg1.0_{prop:04X}001F")
        if data is not None:
            return data.decode("utf-16-le", "replace").rstrip("\0")
        data = self.stream(f"__substg1.0_{prop:04X}001E")
        if data is None:
            return ""
        return data.rstrip(b"\0").decode(codepage, "replace")

    def time(self, prop: int) -> str:
        value = self.fixed.get(prop << 16 | 0x0040)
        if not value:
            return ""
        ticks = struct.unpack_from("<Q", value)[0]
        try:
            moment = datetime(1601, 1, 1, tzinfo=UTC) + timedelta(microseconds=ticks // 10)
        except OverflowError:
            return ""
        return moment.isoformat(timespec="seconds")


def _codepage(msg: _Object) -> str:
    for prop in (0x3FFD, 0x3FDE):
        number = msg.integer(prop)
        if number:
            name = "utf-8" if number == 65001 else f"cp{number}"
            try:
                "".encode(name)
            except LookupError:
                continue
            return name
    return _ANSI_FALLBACK


def _children(ole: OleFile, parent: list[str], prefix: str) -> list[str]:
    """Storages directly under *parent* whose names start with *prefix*, in name order."""
    depth = len(parent)
    names = {entry[depth] for entry in ole.listdir(streams=False, storages=True)
             if len(entry) == depth + 1 and entry[:depth] == parent}
    return sorted(n for n in names if n.startswith(prefix))


def _body(msg: _Object, codepage: str) -> str:
    text = msg.string(0x1000, codepage)
    if text.strip():
        return text
    html = msg.stream("__substg1.0_10130102") or msg.string(0x1013, codepage).encode("utf-8")
    if html:
        from selectolax.lexbor import LexborHTMLParser

        return LexborHTMLParser(html.decode("utf-8", "replace")).text(separator="\n") or ""
    rtf = msg.stream("__substg1.0_10090102")
    return _rtf_text(rtf) if rtf else ""


def _rtf_text(compressed: bytes) -> str:
    """The text of a compressed-RTF body (Outlook keeps only this when the mail was written in RTF)."""
    try:
        import compressed_rtf
        from striprtf.striprtf import rtf_to_text

        decoded = compressed_rtf.decompress(compressed)
        return str(rtf_to_text(decoded.decode("cp1252", "replace"), errors="ignore"))  # type: ignore[no-untyped-call]
    except Exception:  # noqa: BLE001  compressed_rtf raises bare Exception; a bad RTF body is not fatal
        return ""


@dataclass(frozen=True)
class _Message:
    """What one message says: its header lines, its body text and its attachments (name, bytes)."""

    headers: tuple[tuple[str, str], ...]
    body: str
    attachments: tuple[tuple[str, bytes], ...]


@dataclass
class _Budget:
    """Shared by a message and the messages embedded in it: bytes left, and whether anything was skipped."""

    bytes_left: int = _MAX_EMBEDDED_BYTES
    skipped_attachments: bool = False


def _read_message(ole: OleFile, path: list[str], header: int, budget: _Budget) -> _Message:
    """The message stored at *path* (the root: 32-byte property header; an embedded one: 24)."""
    msg = _Object(ole, path, header)
    cp = _codepage(msg)
    recipients: dict[int, list[str]] = {1: [], 2: [], 3: []}
    for name in _children(ole, path, "__recip_version1.0_#"):
        recip = _Object(ole, [*path, name], 8)
        address = recip.string(0x39FE, cp) or recip.string(0x3003, cp)
        label = " ".join(x for x in (recip.string(0x3001, cp), f"<{address}>" if address else "") if x)
        recipients.setdefault(recip.integer(0x0C15) or 1, []).append(label)
    sender_address = msg.string(0x0C1F, cp) or msg.string(0x5D01, cp)
    sender = (msg.string(0x0C1A, cp), f"<{sender_address}>" if sender_address else "")
    headers = (
        ("From", " ".join(x for x in sender if x)),
        ("To", "; ".join(recipients[1]) or msg.string(0x0E04, cp)),
        ("Cc", "; ".join(recipients[2]) or msg.string(0x0E03, cp)),
        ("Bcc", "; ".join(recipients[3]) or msg.string(0x0E02, cp)),
        ("Date", msg.time(0x0039) or msg.time(0x0E06)),
        ("Subject", msg.string(0x0037, cp)),
    )
    names = _children(ole, path, "__attach_version1.0_#")
    budget.skipped_attachments |= len(names) > _MAX_ATTACHMENTS
    attachments = [_attachment(ole, [*path, name], number, cp, budget)
                   for number, name in enumerate(names[:_MAX_ATTACHMENTS], start=1)]
    return _Message(headers, _body(msg, cp), tuple(attachments))


def _spend(budget: _Budget, size: int) -> None:
    budget.bytes_left -= size
    if budget.bytes_left < 0:
        raise CorruptFile(f"{WHAT}: attachments larger than {_MAX_EMBEDDED_BYTES} bytes in all")


def _as_mail(message: _Message) -> bytes:
    """An embedded message as RFC 822 bytes: header fields, the body, attachments as MIME parts."""
    mail = EmailMessage(policy=policy.default)
    for key, value in message.headers:
        flat = _CONTROL.sub(" ", value).strip()
        if flat:
            mail[key] = flat
    mail.set_content(message.body or "", charset="utf-8")
    for filename, data in message.attachments:
        mail.add_attachment(data, maintype="application", subtype="octet-stream", filename=filename)
    return mail.as_bytes()


def _attachment(ole: OleFile, path: list[str], number: int, codepage: str, budget: _Budget) -> tuple[str, bytes]:
    att = _Object(ole, path, 8)
    filename = att.string(0x3707, codepage) or att.string(0x3704, codepage) or att.string(0x3001, codepage)
    embedded = [*path, "__substg1.0_3701000D"]
    if ole.exists("/".join([*embedded, PROPS])):
        stem = filename or f"attachment{number}"
        data = _as_mail(_read_message(ole, embedded, 24, budget))
        name = stem if stem.lower().endswith(".msg") else stem + ".msg"
    else:
        data = att.stream("__substg1.0_37010102") or b""
        name = filename or f"attachment{number}"
    _spend(budget, len(data))
    return name, data


class OutlookExtractor:
    """Reads Outlook .msg files (compound file with a top-level __properties_version1.0 stream)."""

    name: ClassVar[str] = "outlook"
    priority: ClassVar[int] = 50

    def sniff(self, head: bytes, item: Item) -> bool:
        return head.startswith(CFB_MAGIC) and has_stream(item, PROPS)

    def extract(self, stream: BinaryIO, item: Item) -> Document:
        with open_ole(stream, WHAT) as ole:
            try:
                return self._read(ole, item)
            except MamoriError:
                raise
            except (struct.error, IndexError, KeyError, ValueError, OSError, TypeError) as exc:
                raise CorruptFile(f"{WHAT}: damaged structure ({exc})") from exc

    def _read(self, ole: OleFile, item: Item) -> Document:
        budget = _Budget()
        message = _read_message(ole, [], 32, budget)
        problems: list[Problem] = []
        if budget.skipped_attachments:  # here or in an embedded message: what was not read is not clean
            problems.append(Problem("too_many_attachments", f"only the first {_MAX_ATTACHMENTS} attachments of a"
                                    " message read", gap=Gap.LIMIT))
        attachments = []
        for number, (filename, data) in enumerate(message.attachments, start=1):
            name = _CONTROL.sub("", filename).replace(ARCHIVE_SEPARATOR, "_") or f"attachment{number}"
            attachments.append(Item(
                path=f"{item.path}{ARCHIVE_SEPARATOR}{name}", size=len(data),
                sha256=hashlib.sha256(data).hexdigest(), mtime=item.mtime, data=data, depth=item.depth + 1,
            ))
        lines = list(message.headers)
        if attachments:
            lines.append(("Attachments", ", ".join(a.name for a in attachments)))
        header = "\n".join(f"{key}: {value}" for key, value in lines if value)
        blocks = [TextBlock(header, Location(part="header"))]
        if message.body.strip():
            blocks.append(TextBlock(message.body, Location(part="body")))
        return Document(format="msg", blocks=tuple(blocks), attachments=tuple(attachments), problems=tuple(problems))
