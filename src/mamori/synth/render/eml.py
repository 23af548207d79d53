"""E-mail as Japanese mailers write it: ISO-2022-JP (or UTF-8) body, encoded-word Subject and names,
and the table attached as a CP932 CSV whose Japanese file name is given in RFC 2231 form."""

from __future__ import annotations

import base64
import hashlib
from typing import ClassVar
from urllib.parse import quote

from mamori.errors import ConfigError
from mamori.extract.iso2022 import encode_iso2022jp
from mamori.synth.model import SynthDoc
from mamori.synth.render.textual import CsvRenderer

SENDER = ("市民課　山田太郎", "yamada@city.example.lg.jp")
RECIPIENT = ("総務課　髙橋﨑子", "takahashi@city.example.lg.jp")
_BOUNDARY = "----=_mamori_synth_0001"


def encoded_word(text: str, charset: str) -> str:
    """An RFC 2047 B encoded-word (ISO-2022-JP as Japanese mailers send it, or UTF-8)."""
    if text.isascii():
        return text
    raw = encode_iso2022jp(text) if charset == "iso-2022-jp" else text.encode("utf-8")
    return f"=?{charset.upper()}?B?{base64.b64encode(raw).decode('ascii')}?="


def _address(name: str, addr: str, charset: str) -> str:
    return f"{encoded_word(name, charset)} <{addr}>"


def _wrap(data: bytes) -> str:
    text = base64.b64encode(data).decode("ascii")
    return "\r\n".join(text[i:i + 76] for i in range(0, len(text), 76))


class EmlRenderer:
    """A message with the prose as its body and the table as a CSV attachment."""

    name: ClassVar[str] = "eml"
    suffix: ClassVar[str] = ".eml"
    encodings: ClassVar[tuple[str, ...]] = ("iso-2022-jp", "utf-8")

    def render(self, doc: SynthDoc, encoding: str | None = None) -> bytes:
        """ISO-2022-JP bodies are 7bit; UTF-8 bodies are base64."""
        charset = (encoding or self.encodings[0]).lower()
        if charset not in self.encodings:
            raise ConfigError(f"eml is written in {', '.join(self.encodings)}, not '{charset}'")
        body = "\r\n\r\n".join(p.replace("\n", "\r\n") for p in (doc.title, *doc.paragraphs)) + "\r\n"
        if charset == "iso-2022-jp":
            try:
                body_part = f"Content-Transfer-Encoding: 7bit\r\n\r\n{encode_iso2022jp(body).decode('ascii')}"
            except UnicodeEncodeError as exc:
                raise ConfigError(f"{exc.object[exc.start:exc.end]!r} cannot be written in ISO-2022-JP") from None
        else:
            body_part = f"Content-Transfer-Encoding: base64\r\n\r\n{_wrap(body.encode('utf-8'))}"
        digest = hashlib.sha256(doc.title.encode("utf-8")).hexdigest()[:16]
        lines = [
            f"From: {_address(*SENDER, charset)}",
            f"To: {_address(*RECIPIENT, charset)}",
            f"Subject: {encoded_word(doc.title, charset)}",
            "Date: Tue, 04 Jun 2024 09:15:00 +0900",
            f"Message-ID: <{digest}@city.example.lg.jp>",
            "MIME-Version: 1.0",
            "X-Mailer: mamori synth",
        ]
        parts = [f"Content-Type: text/plain; charset={charset.upper()}\r\n{body_part}"]
        if doc.header or doc.rows:
            filename = f"{doc.title}.csv"
            csv = CsvRenderer().render(doc, "cp932")
            parts.append(
                f'Content-Type: text/csv; name="{encoded_word(filename, charset)}"\r\n'
                f"Content-Disposition: attachment; filename*=UTF-8''{quote(filename, safe='')}\r\n"
                f"Content-Transfer-Encoding: base64\r\n\r\n{_wrap(csv)}"
            )
        lines.append(f'Content-Type: multipart/mixed; boundary="{_BOUNDARY}"')
        text = "\r\n".join(lines) + "\r\n\r\nThis is a multi-part message in MIME format.\r\n"
        for part in parts:
            text += f"\r\n--{_BOUNDARY}\r\n{part}\r\n"
        text += f"\r\n--{_BOUNDARY}--\r\n"
        return text.encode("ascii")
