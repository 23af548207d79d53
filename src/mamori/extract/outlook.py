"""Outlook .msg files (MS-OXMSG): headers, body and attachments, read with olefile directly.

Reading the property streams ourselves is faster than extract-msg and keeps every failure a
CorruptFile. Attachments (files and embedded messages) become child Items for the scanner;
an embedded message is written back out as a standalone .msg so it is scanned like any other.
"""

from __future__ import annotations

import hashlib
import re
import struct
from datetime import UTC, datetime, timedelta
from typing import BinaryIO, ClassVar

from mamori.errors import CorruptFile, MamoriError
from mamori.extract.cfb_util import CFB_MAGIC, OleFile, has_stream, open_ole, read_stream
from mamori.formats.cfb import CfbTree, write_cfb
from mamori.models import ARCHIVE_SEPARATOR, Document, Item, Location, Problem, TextBlock

WHAT = "Outlook message"
PROPS = "__properties_version1.0"
_MAX_ATTACHMENTS = 1000
_MAX_EMBEDDED_BYTES = 256 * 1024 * 1024
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


def _children(ole: OleFile, prefix: str) -> list[str]:
    """Top-level storages whose names start with *prefix*, in name order."""
    names = {entry[0] for entry in ole.listdir(streams=False, storages=True) if len(entry) == 1}
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


def _tree(ole: OleFile, path: list[str], budget: list[int]) -> dict[str, bytes | CfbTree]:
    """The storage at *path* as a nested mapping, for writing it out as its own file."""
    out: dict[str, bytes | CfbTree] = {}
    depth = len(path)
    for entry in ole.listdir(streams=True, storages=True):
        if len(entry) <= depth or entry[:depth] != path:
            continue
        node: dict[str, bytes | CfbTree] = out
        for part in entry[depth:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise CorruptFile(f"{WHAT}: an entry is both stream and storage")
            node = child
        if ole.get_type(entry) == 2:  # stream
            data = read_stream(ole, entry, WHAT)
            budget[0] -= len(data)
            if budget[0] < 0:
                raise CorruptFile(f"{WHAT}: embedded messages larger than {_MAX_EMBEDDED_BYTES} bytes")
            node[entry[-1]] = data
        else:
            node.setdefault(entry[-1], {})
    return out


def _standalone(ole: OleFile, path: list[str], budget: list[int]) -> bytes:
    """An embedded message (24-byte property header) rewritten as a top-level .msg (32 bytes)."""
    tree = _tree(ole, path, budget)
    props = tree.get(PROPS)
    if isinstance(props, bytes) and len(props) >= 24:
        tree[PROPS] = props[:24] + b"\0" * 8 + props[24:]
    if ole.exists("__nameid_version1.0") and "__nameid_version1.0" not in tree:
        tree["__nameid_version1.0"] = _tree(ole, ["__nameid_version1.0"], budget)
    try:
        return write_cfb(tree)
    except ValueError as exc:
        raise CorruptFile(f"{WHAT}: embedded message cannot be rebuilt ({exc})") from exc


def _attachment(ole: OleFile, name: str, number: int, codepage: str, budget: list[int]) -> tuple[str, bytes]:
    att = _Object(ole, [name], 8)
    filename = att.string(0x3707, codepage) or att.string(0x3704, codepage) or att.string(0x3001, codepage)
    embedded = [name, "__substg1.0_3701000D"]
    if ole.exists("/".join([*embedded, PROPS])):
        stem = filename or f"attachment{number}"
        return (stem if stem.lower().endswith(".msg") else stem + ".msg"), _standalone(ole, embedded, budget)
    data = att.stream("__substg1.0_37010102") or b""
    return filename or f"attachment{number}", data


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
        msg = _Object(ole, [], 32)
        cp = _codepage(msg)
        recipients: dict[int, list[str]] = {1: [], 2: [], 3: []}
        for name in _children(ole, "__recip_version1.0_#"):
            recip = _Object(ole, [name], 8)
            address = recip.string(0x39FE, cp) or recip.string(0x3003, cp)
            label = " ".join(x for x in (recip.string(0x3001, cp), f"<{address}>" if address else "") if x)
            recipients.setdefault(recip.integer(0x0C15) or 1, []).append(label)
        sender_address = msg.string(0x0C1F, cp) or msg.string(0x5D01, cp)
        sender = (msg.string(0x0C1A, cp), f"<{sender_address}>" if sender_address else "")
        lines = [
            ("From", " ".join(x for x in sender if x)),
            ("To", "; ".join(recipients[1]) or msg.string(0x0E04, cp)),
            ("Cc", "; ".join(recipients[2]) or msg.string(0x0E03, cp)),
            ("Bcc", "; ".join(recipients[3]) or msg.string(0x0E02, cp)),
            ("Date", msg.time(0x0039) or msg.time(0x0E06)),
            ("Subject", msg.string(0x0037, cp)),
        ]
        attachments: list[Item] = []
        problems: list[Problem] = []
        budget = [_MAX_EMBEDDED_BYTES]
        names = _children(ole, "__attach_version1.0_#")
        if len(names) > _MAX_ATTACHMENTS:
            problems.append(Problem("too_many_attachments", f"only the first {_MAX_ATTACHMENTS} attachments read"))
        for number, name in enumerate(names[:_MAX_ATTACHMENTS], start=1):
            filename, data = _attachment(ole, name, number, cp, budget)
            filename = re.sub(r"[\0-\x1f]", "", filename).replace(ARCHIVE_SEPARATOR, "_") or f"attachment{number}"
            attachments.append(Item(
                path=f"{item.path}{ARCHIVE_SEPARATOR}{filename}", size=len(data),
                sha256=hashlib.sha256(data).hexdigest(), mtime=item.mtime, data=data, depth=item.depth + 1,
            ))
        if attachments:
            lines.append(("Attachments", ", ".join(a.name for a in attachments)))
        header = "\n".join(f"{key}: {value}" for key, value in lines if value)
        blocks = [TextBlock(header, Location(part="header"))]
        body = _body(msg, cp)
        if body.strip():
            blocks.append(TextBlock(body, Location(part="body")))
        return Document(format="msg", blocks=tuple(blocks), attachments=tuple(attachments), problems=tuple(problems))
