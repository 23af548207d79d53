"""SynthDoc → Outlook .msg (MS-OXMSG) built on the compound-file writer.

The mail's subject is the title, its body the paragraphs, and the table travels as a CP932
CSV attachment, as municipal staff mail rosters. ``build_msg`` can also embed another
message as an attachment (Outlook's "attach item"), which readers must surface too.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import ClassVar

from mamori.synth.model import SynthDoc
from mamori.synth.render.cfb import CfbTree, write_cfb

PROPS = "__properties_version1.0"
_STRING, _BINARY, _INT, _OBJECT = 0x001F, 0x0102, 0x0003, 0x000D
_FLAGS = 0x6  # readable | writable


@dataclass(frozen=True)
class Attachment:
    """One file attached by value."""

    filename: str
    data: bytes
    mime: str = "application/octet-stream"


@dataclass(frozen=True)
class Mail:
    """What goes into a .msg: addresses, subject, body, attachments, embedded messages."""

    subject: str
    body: str
    sender: tuple[str, str] = ("総務課　山田", "soumu@example.lg.jp")
    to: tuple[tuple[str, str], ...] = (("市民課　佐藤", "shimin@example.lg.jp"),)
    attachments: tuple[Attachment, ...] = ()
    embedded: tuple[Mail, ...] = ()


def _substg(prop: int, kind: int) -> str:
    return f"__substg1.0_{prop:04X}{kind:04X}"


class _Props:
    """Collects the fixed-size property entries and the streams of one object."""

    def __init__(self) -> None:
        self.entries: list[bytes] = []
        self.streams: dict[str, bytes | CfbTree] = {}

    def string(self, prop: int, value: str) -> None:
        data = value.encode("utf-16-le")
        self.streams[_substg(prop, _STRING)] = data
        self.entries.append(struct.pack("<IIII", prop << 16 | _STRING, _FLAGS, len(data) + 2, 0))

    def binary(self, prop: int, value: bytes) -> None:
        self.streams[_substg(prop, _BINARY)] = value
        self.entries.append(struct.pack("<IIII", prop << 16 | _BINARY, _FLAGS, len(value), 0))

    def integer(self, prop: int, value: int) -> None:
        self.entries.append(struct.pack("<IIiI", prop << 16 | _INT, _FLAGS, value, 0))

    def tree(self, header: bytes) -> dict[str, bytes | CfbTree]:
        return {PROPS: header + b"".join(self.entries), **self.streams}


def _message(mail: Mail, top: bool) -> dict[str, bytes | CfbTree]:
    props = _Props()
    props.string(0x001A, "IPM.Note")
    props.string(0x0037, mail.subject)
    props.string(0x1000, mail.body)
    props.string(0x0C1A, mail.sender[0])
    props.string(0x0C1F, mail.sender[1])
    props.string(0x0C1E, "SMTP")
    props.string(0x0E04, "; ".join(name for name, _ in mail.to))
    props.integer(0x340D, 0x00040000)  # PR_STORE_SUPPORT_MASK: STORE_UNICODE_OK
    props.integer(0x3FFD, 65001)  # PR_MESSAGE_CODEPAGE
    tree = props.streams
    for i, (name, address) in enumerate(mail.to):
        recip = _Props()
        recip.integer(0x0C15, 1)  # MAPI_TO
        recip.string(0x3001, name)
        recip.string(0x3002, "SMTP")
        recip.string(0x3003, address)
        recip.string(0x39FE, address)
        tree[f"__recip_version1.0_#{i:08X}"] = recip.tree(b"\0" * 8)
    attachments: list[dict[str, bytes | CfbTree]] = []
    for a in mail.attachments:
        att = _Props()
        att.integer(0x3705, 1)  # ATTACH_BY_VALUE
        att.binary(0x3701, a.data)
        att.string(0x3707, a.filename)
        att.string(0x3704, a.filename)
        att.string(0x3001, a.filename)
        att.string(0x370E, a.mime)
        dot = a.filename.rfind(".")
        att.string(0x3703, a.filename[dot:] if dot >= 0 else "")
        attachments.append(att.tree(b"\0" * 8))
    for inner in mail.embedded:
        att = _Props()
        att.integer(0x3705, 5)  # ATTACH_EMBEDDED_MSG
        att.string(0x3001, inner.subject)
        att.entries.append(struct.pack("<IIII", 0x3701 << 16 | _OBJECT, _FLAGS, 0xFFFFFFFF, 0))
        att.streams[_substg(0x3701, _OBJECT)] = _message(inner, top=False)
        attachments.append(att.tree(b"\0" * 8))
    for i, att_tree in enumerate(attachments):
        tree[f"__attach_version1.0_#{i:08X}"] = att_tree
    counts = struct.pack("<IIII", len(mail.to), len(attachments), len(mail.to), len(attachments))
    header = b"\0" * 8 + counts + (b"\0" * 8 if top else b"")
    out = props.tree(header)
    if top:
        out["__nameid_version1.0"] = {_substg(2, _BINARY): b"", _substg(3, _BINARY): b"", _substg(4, _BINARY): b""}
    return out


def build_msg(mail: Mail) -> bytes:
    """The bytes of an Outlook .msg holding *mail*."""
    return write_cfb(_message(mail, top=True))


def csv_attachment(doc: SynthDoc) -> Attachment:
    """The document's table as a CP932 CSV, the way municipal systems export it."""

    def quote(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\r\n') else cell

    text = "".join(",".join(quote(c) for c in row) + "\r\n" for row in doc.table_rows())
    name = "".join(c for c in doc.title if c not in '\\/:*?"<>|') or "data"
    return Attachment(f"{name}.csv", text.encode("cp932", "replace"), "text/csv")


class MsgRenderer:
    """Writes an Outlook .msg: title as subject, paragraphs as body, the table as a CSV attachment."""

    name: ClassVar[str] = "msg"
    suffix: ClassVar[str] = ".msg"
    encodings: ClassVar[tuple[str, ...]] = ()

    def render(self, doc: SynthDoc, encoding: str | None = None) -> bytes:
        """The bytes of a .msg holding *doc*."""
        attachments = (csv_attachment(doc),) if (doc.header or doc.rows) else ()
        body = "\r\n".join(doc.paragraphs) or doc.title
        return build_msg(Mail(subject=doc.title, body=body, attachments=attachments))
