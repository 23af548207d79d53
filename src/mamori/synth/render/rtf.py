"""RTF as Japanese Word writes it: ``\\ansicpg932``, CP932 bytes as ``\\'hh`` escapes, a real table."""

from __future__ import annotations

from typing import ClassVar

from mamori.synth.model import SynthDoc

_HEADER = (
    "{\\rtf1\\ansi\\ansicpg932\\deff0\\nouicompat\\deflang1033\\deflangfe1041"
    "{\\fonttbl{\\f0\\fnil\\fcharset128 \\'82\\'6c\\'82\\'72 \\'96\\'be\\'92\\'a9;}"
    "{\\f1\\fswiss\\fcharset0 Century;}}\r\n"
    "{\\*\\generator Riched20 10.0.19041}\\viewkind4\\uc1\r\n"
)
_CELL_TWIPS = 2000


def escape(text: str) -> str:
    """RTF text: ASCII as is (\\, {, } escaped), CP932 characters as ``\\'hh``, the rest as ``\\uN?``."""
    out: list[str] = []
    for ch in text:
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\line ")
        elif ch == "\t":
            out.append("\\tab ")
        elif " " <= ch < "\x7f":
            out.append(ch)
        elif ch < " " or ch == "\x7f":
            continue
        else:
            try:
                out.append("".join(f"\\'{b:02x}" for b in ch.encode("cp932")))
            except UnicodeEncodeError:
                code = ord(ch)
                units = [code] if code < 0x10000 else [0xD800 + ((code - 0x10000) >> 10),
                                                       0xDC00 + ((code - 0x10000) & 0x3FF)]
                out.append("".join(f"\\u{u - 0x10000 if u >= 0x8000 else u}?" for u in units))
    return "".join(out)


def _row(cells: tuple[str, ...], width: int) -> str:
    bounds = "".join(f"\\clbrdrt\\brdrs\\clbrdrl\\brdrs\\clbrdrb\\brdrs\\clbrdrr\\brdrs\\cellx{_CELL_TWIPS * (i + 1)}"
                     for i in range(width))
    padded = cells + ("",) * (width - len(cells))
    body = "".join(f"\\pard\\intbl\\f0 {escape(c)}\\cell " for c in padded)
    return f"\\trowd\\trgaph108\\trleft-108{bounds}\r\n{body}\\row\r\n"


class RtfRenderer:
    """A letter-like RTF: title, paragraphs, then the table (title rows, header and rows)."""

    name: ClassVar[str] = "rtf"
    suffix: ClassVar[str] = ".rtf"
    encodings: ClassVar[tuple[str, ...]] = ()

    def render(self, doc: SynthDoc, encoding: str | None = None) -> bytes:
        """RTF is 7-bit: every non-ASCII character is escaped."""
        parts = [_HEADER, f"\\pard\\sa200\\sl276\\slmult1\\f0\\fs28 {escape(doc.title)}\\fs21\\par\r\n"]
        parts.extend(f"\\pard\\f0 {escape(p)}\\par\r\n" for p in doc.paragraphs)
        rows = doc.table_rows() if (doc.header or doc.rows) else []
        width = max((len(r) for r in rows), default=0)
        parts.extend(_row(r, width) for r in rows)
        parts.append("\\pard\\par\r\n}\r\n")
        return "".join(parts).encode("ascii")
