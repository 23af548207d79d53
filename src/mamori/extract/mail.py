"""E-mail (.eml, RFC 822/MIME) → a header TextBlock, body TextBlocks, and attachments as Items.

Parsed with the stdlib ``email`` package under ``policy.compat32``, which keeps header values and
parameters raw: Japanese mail is often mislabeled (CP932 bytes declared "iso-2022-jp", raw 8-bit
headers), so every charset decision goes through encoding.decode with the declared one as a hint.
Names and addresses in From/To/Cc are personal data, so they are kept as text.
"""

from __future__ import annotations

import hashlib
import re
from email import message_from_bytes
from email.errors import HeaderParseError
from email.header import decode_header
from email.message import Message
from email.policy import compat32
from typing import BinaryIO, ClassVar

from mamori.extract.encoding import decode
from mamori.extract.htmlpage import read_html
from mamori.i18n import said
from mamori.models import ARCHIVE_SEPARATOR, Document, Gap, Item, Location, Problem, Table, TextBlock

SUFFIXES = (".eml", ".mht", ".mhtml")
HEADERS = ("From", "To", "Cc", "Reply-To", "Subject", "Date")
_KNOWN = frozenset({b"from", b"to", b"cc", b"subject", b"date", b"received", b"mime-version", b"message-id",
                    b"return-path", b"content-type", b"delivered-to", b"reply-to", b"x-mailer", b"sender"})
_FIELD = re.compile(rb"([!-9;-~]+)[ \t]*:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: Nesting beyond this is not walked (a crafted message could nest without end).
MAX_DEPTH = 20


def looks_like_mail(head: bytes) -> bool:
    """The start is an RFC 822 header block with at least two well-known fields."""
    block = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0]
    lines = block.splitlines()
    if lines and lines[0].startswith(b"From "):  # mbox separator line
        lines = lines[1:]
    complete = len(block) < len(head)
    known = 0
    for index, line in enumerate(lines):
        if line[:1] in (b" ", b"\t") and index:
            continue
        match = _FIELD.match(line)
        if match is None:
            if not complete and index == len(lines) - 1:
                break  # cut off by the end of the sample
            return False
        known += match.group(1).lower() in _KNOWN
    return known >= 2


def _text(raw: bytes, charset: str | None) -> str:
    return decode(raw, charset).text


def header_text(raw: str) -> str:
    """A header value decoded: encoded-words, raw 8-bit bytes, mislabeled charsets."""
    raw = re.sub(r"\r?\n(?=[ \t])", "", raw)
    try:
        parts = decode_header(raw)
    except (ValueError, LookupError, HeaderParseError):  # malformed encoded-words
        parts = [(raw, None)]
    out: list[str] = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            chunk = chunk.encode("utf-8", "surrogateescape")
        out.append(_text(chunk, charset))
    return _CONTROL.sub(" ", "".join(out)).strip()


def _raw_param(part: Message, param: str, header: str) -> str | None:
    """A parameter given as raw 8-bit bytes (CP932 file names some mailers send unencoded)."""
    for key, value in part.raw_items():
        if key.lower() == header and not str(value).isascii():
            match = re.search(rf'(?i)\b{param}\s*=\s*"?([^";\r\n]+)', str(value))
            if match:
                return _text(match.group(1).encode("utf-8", "surrogateescape"), None)
    return None


def _filename(part: Message) -> str | None:
    for param, header in (("filename", "content-disposition"), ("name", "content-type")):
        raw = _raw_param(part, param, header)
        if raw:
            return raw
        value = part.get_param(param, header=header)
        if isinstance(value, tuple):  # RFC 2231: (charset, language, value as latin-1)
            charset, _, text = value
            return _text(str(text).encode("latin-1", "replace"), charset or None)
        if isinstance(value, str) and value:
            return header_text(value)
    return None


class _Walker:
    def __init__(self, item: Item) -> None:
        self.item = item
        self.blocks: list[TextBlock] = []
        self.tables: list[Table] = []
        self.attachments: list[Item] = []
        self.problems: list[Problem] = []
        self.encodings: list[str] = []

    def walk(self, part: Message, depth: int = 0) -> None:
        ctype = part.get_content_type()
        if depth > MAX_DEPTH:
            self.problems.append(Problem("mail.too_deep", said("problem.mime_too_deep", depth=MAX_DEPTH),
                                         gap=Gap.LIMIT))
            return
        name = _filename(part)
        disposition = str(part.get("content-disposition", "")).split(";")[0].strip().lower()
        if ctype == "message/rfc822" or (part.is_multipart() and ctype.startswith("message/")):
            inner = part.get_payload()
            data = inner[0].as_bytes() if isinstance(inner, list) and inner and isinstance(inner[0], Message) else b""
            self.attach(name or f"message{len(self.attachments) + 1}.eml", data)
        elif part.is_multipart():
            subparts = [p for p in part.get_payload() if isinstance(p, Message)]
            if ctype == "multipart/alternative":
                plain = [p for p in subparts if p.get_content_type() == "text/plain"]
                subparts = plain[:1] or subparts[-1:]
            for sub in subparts:
                self.walk(sub, depth + 1)
        elif name or disposition == "attachment" or ctype not in ("text/plain", "text/html"):
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            import mimetypes  # late: its import reads the system's type tables

            extension = mimetypes.guess_extension(ctype) or ".bin"
            self.attach(name or f"part{len(self.attachments) + 1}{extension}", data)
        else:
            self.body(part, ctype)

    def body(self, part: Message, ctype: str) -> None:
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload:
            return
        decoded = decode(payload, part.get_content_charset())
        self.encodings.append(decoded.encoding)
        self.problems.extend(decoded.problems)
        if ctype == "text/html":
            tables, blocks, problems = read_html(decoded.text, part="body")
            self.problems.extend(problems)
            self.tables.extend(tables)
            self.blocks.extend(blocks)
        elif decoded.text.strip():
            self.blocks.append(TextBlock(decoded.text.replace("\r\n", "\n").strip(), Location(part="body")))

    def attach(self, filename: str, data: bytes) -> None:
        filename = _CONTROL.sub("_", filename).strip() or f"part{len(self.attachments) + 1}"
        self.attachments.append(Item(
            path=f"{self.item.path}{ARCHIVE_SEPARATOR}{filename}", size=len(data),
            sha256=hashlib.sha256(data).hexdigest(), mtime=self.item.mtime, data=data, depth=self.item.depth + 1,
        ))


class MailExtractor:
    """RFC 822 messages: sender/recipient header, bodies (plain or HTML), attachments for further scanning."""

    name: ClassVar[str] = "mail"
    priority: ClassVar[int] = 30

    def sniff(self, head: bytes, item: Item) -> bool:
        """A .eml file, or content starting with an RFC 822 header block."""
        return item.suffix in SUFFIXES or looks_like_mail(head)

    def extract(self, stream: BinaryIO, item: Item) -> Document:
        """Header block (part="header"), bodies (part="body") and attachments (depth + 1)."""
        message = message_from_bytes(stream.read(), policy=compat32)
        raw = [(k.lower(), v) for k, v in message.raw_items()]  # raw: 8-bit bytes still recoverable
        lines = [f"{name}: {header_text(str(v))}" for name in HEADERS for k, v in raw if k == name.lower()]
        walker = _Walker(item)
        if lines:
            walker.blocks.append(TextBlock("\n".join(lines), Location(part="header")))
        walker.walk(message)
        problems = [Problem("mail.defect", str(d)) for d in message.defects[:20]] + walker.problems
        return Document(format="eml", tables=tuple(walker.tables), blocks=tuple(walker.blocks),
                        encoding=walker.encodings[0] if walker.encodings else None,
                        problems=tuple(problems), attachments=tuple(walker.attachments))
