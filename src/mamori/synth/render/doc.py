"""SynthDoc → legacy Word 97 binary .doc, built on the compound-file writer.

A minimal FIB (nFib 0xC1, 1Table), one Unicode piece holding all text, and PAPX pages that
mark table cells (sprmPFInTable) and row ends (sprmPFTtp) the way Word does: each cell ends
with \\x07 and each row with one more \\x07. The title is written as a TITLE field (code and
result), as Word does for document properties, so readers must drop field codes.
"""

from __future__ import annotations

import struct
from typing import ClassVar

from mamori.synth.model import SynthDoc
from mamori.synth.render.cfb import write_cfb

_TEXT_FC = 0x400
_RUNS_PER_FKP = 25
_NORMAL, _CELL, _ROW_END = 0, 1, 2
#: PapxInFkp for a cell paragraph (istd 0, sprmPFInTable 1) and a row end (+ sprmPFTtp 1).
_PAPX = {_CELL: (496, b"\x03\x00\x00\x16\x24\x01"), _ROW_END: (480, b"\x00\x04\x00\x00\x16\x24\x01\x17\x24\x01")}


def _word_text(text: str) -> str:
    """Word spells a line break inside a paragraph as \\x0b; marks in the data would break the structure."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\x0b").translate(
        dict.fromkeys(map(ord, "\x07\x13\x14\x15"), None)
    )


def _paragraphs(doc: SynthDoc) -> list[tuple[str, int]]:
    out = [(f"\x13 TITLE \x14{_word_text(doc.title)}\x15\r", _NORMAL)]
    out += [(_word_text(p) + "\r", _NORMAL) for p in doc.paragraphs]
    if doc.header or doc.rows:
        for row in doc.table_rows():
            out += [(_word_text(cell) + "\x07", _CELL) for cell in row]
            out.append(("\x07", _ROW_END))
    out.append(("\r", _NORMAL))  # a document ends with a paragraph outside any table
    return out


def _fkp(runs: list[tuple[int, int, int]]) -> bytes:
    page = bytearray(512)
    crun = len(runs)
    fcs = [runs[0][0]] + [end for _, end, _ in runs]
    struct.pack_into(f"<{crun + 1}I", page, 0, *fcs)
    for i, (_, _, kind) in enumerate(runs):
        if kind != _NORMAL:
            offset, papx = _PAPX[kind]
            page[offset : offset + len(papx)] = papx
            page[4 * (crun + 1) + 13 * i] = offset // 2
    page[511] = crun
    return bytes(page)


def _fib(ccp_text: int, cb_mac: int, clx: tuple[int, int], papx: tuple[int, int], encrypted: bool) -> bytes:
    flags = 0x0200 | 0x1000 | (0x0100 if encrypted else 0)  # fWhichTblStm, fExtChar, fEncrypted
    base = struct.pack("<HHHHHHHIBBHHII", 0xA5EC, 0xC1, 0, 0x0411, 0, flags, 0xBF, 0, 0, 0, 0, 0, 0, 0)
    rg_w = struct.pack("<14H", *([0] * 13 + [0x0411]))
    rg_lw = struct.pack("<22I", cb_mac, 0, 0, ccp_text, *([0] * 18))
    fc_lcb = [0] * (2 * 93)
    fc_lcb[2 * 13 : 2 * 13 + 2] = papx
    fc_lcb[2 * 33 : 2 * 33 + 2] = clx
    return base + struct.pack("<H", 14) + rg_w + struct.pack("<H", 22) + rg_lw + struct.pack(
        f"<H{len(fc_lcb)}I", 93, *fc_lcb
    ) + struct.pack("<H", 0)


def build_doc(doc: SynthDoc, *, encrypted: bool = False) -> bytes:
    """The bytes of a .doc holding *doc*; *encrypted* only sets the FIB flag (for reader tests)."""
    paragraphs = _paragraphs(doc)
    text = "".join(p for p, _ in paragraphs)
    raw = text.encode("utf-16-le")
    ccp = len(raw) // 2
    runs: list[tuple[int, int, int]] = []
    fc = _TEXT_FC
    for para, kind in paragraphs:
        size = len(para.encode("utf-16-le"))
        runs.append((fc, fc + size, kind))
        fc += size
    first_page = -(-(_TEXT_FC + len(raw)) // 512)
    pages = [runs[i : i + _RUNS_PER_FKP] for i in range(0, len(runs), _RUNS_PER_FKP)]
    fkps = b"".join(_fkp(p) for p in pages)
    clx = struct.pack("<BI2I", 2, 16, 0, ccp) + struct.pack("<HIH", 0, _TEXT_FC, 0)
    plc_papx = struct.pack(f"<{len(pages) + 1}I", *[p[0][0] for p in pages], runs[-1][1]) + struct.pack(
        f"<{len(pages)}I", *range(first_page, first_page + len(pages))
    )
    table_stream = clx + plc_papx
    cb_mac = first_page * 512 + len(fkps)
    fib = _fib(ccp, cb_mac, (0, len(clx)), (len(clx), len(plc_papx)), encrypted)
    word = fib.ljust(_TEXT_FC, b"\0") + raw
    word = word.ljust(first_page * 512, b"\0") + fkps
    return write_cfb({"WordDocument": word, "1Table": table_stream})


class DocRenderer:
    """Writes a Word 97–2003 .doc (Unicode text, real table marks)."""

    name: ClassVar[str] = "doc"
    suffix: ClassVar[str] = ".doc"
    encodings: ClassVar[tuple[str, ...]] = ()

    def render(self, doc: SynthDoc, encoding: str | None = None) -> bytes:
        """The bytes of a .doc holding *doc*."""
        return build_doc(doc)
