"""Legacy Word 97–2003 binary documents (.doc): text from the piece table, tables from cell marks.

The FIB names the table stream (0Table/1Table) and the CLX; the CLX's piece table maps
character positions to bytes (8-bit cp1252 or UTF-16LE pieces — Japanese Word writes the
latter). Paragraph properties (PAPX in FKP pages) tell which \\x07 mark ends a table row;
without them a double mark is taken as the row end. Field codes are dropped, results kept.
"""

from __future__ import annotations

import struct
from typing import BinaryIO, ClassVar

from mamori.errors import CorruptFile, Encrypted, UnsupportedFormat
from mamori.extract.cfb_util import CFB_MAGIC, has_stream, open_ole, read_stream
from mamori.i18n import said
from mamori.models import Document, Item, Location, Table, TextBlock

WHAT = "Word 97-2003 document"
#: Word 6.0 writes nFib 101, Word 95 104 (105 in some Asian editions); Word 97 and later 0xC1 and up.
_LAST_WORD95_NFIB = 105
_FIB_FLAGS, _FC_LCB_START = 0x0A, 154
_CLX_INDEX, _PAPX_INDEX = 33, 13
_MAX_CHARS = 64 * 1024 * 1024
_SPRM_TTP, _SPRM_INNER_TTP, _SPRM_TDEF = 0x2417, 0x244C, 0xD608
_OPERAND_SIZE = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}
_PARAGRAPH_ENDS = "\r\x07\x0c"
_DROP = dict.fromkeys(map(ord, "\x01\x02\x03\x04\x05\x08\x1f"), None) | {0x0B: "\n", 0x1E: "-"}


def _u32(data: bytes, offset: int) -> int:
    if offset < 0 or offset + 4 > len(data):
        raise CorruptFile(said("reason.extract.structure_cut_short_at", what=str(WHAT), offset=str(offset)))
    return int(struct.unpack_from("<I", data, offset)[0])


def _rg_lw(fib: bytes, index: int) -> int:
    cslw_at = 34 + 2 * struct.unpack_from("<H", fib, 32)[0]
    return _u32(fib, cslw_at + 2 + 4 * index)


def _fc_lcb(fib: bytes, index: int) -> tuple[int, int]:
    csw = struct.unpack_from("<H", fib, 32)[0]
    cslw_at = 34 + 2 * csw
    cb_at = cslw_at + 2 + 4 * struct.unpack_from("<H", fib, cslw_at)[0]
    count = struct.unpack_from("<H", fib, cb_at)[0]
    if index >= count:
        return 0, 0
    return _u32(fib, cb_at + 2 + 8 * index), _u32(fib, cb_at + 6 + 8 * index)


def _pieces(table: bytes, fc: int, lcb: int) -> list[tuple[int, int, int, bool]]:
    """(cp start, cp end, fc, compressed) of every piece in the CLX."""
    clx = table[fc : fc + lcb]
    if len(clx) != lcb or lcb < 5:
        raise CorruptFile(said("reason.extract.piece_table_lies_outside", what=str(WHAT)))
    pos = 0
    while pos < len(clx) and clx[pos] == 1:  # Prc entries (property modifiers) come first
        pos += 3 + max(0, struct.unpack_from("<h", clx, pos + 1)[0]) if pos + 3 <= len(clx) else len(clx)
    if pos + 5 > len(clx) or clx[pos] != 2:
        raise CorruptFile(said("reason.extract.piece_table_clx", what=str(WHAT)))
    plc = clx[pos + 5 : pos + 5 + _u32(clx, pos + 1)]
    n = (len(plc) - 4) // 12
    if n < 1:
        raise CorruptFile(said("reason.extract.empty_piece_table", what=str(WHAT)))
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    out = []
    for i in range(n):
        raw_fc = _u32(plc, 4 * (n + 1) + 8 * i + 2)
        compressed = bool(raw_fc & 0x40000000)
        start_fc = (raw_fc & 0x3FFFFFFF) // 2 if compressed else raw_fc & 0x3FFFFFFF
        if cps[i + 1] < cps[i]:
            raise CorruptFile(said("reason.extract.piece_table_out_order", what=str(WHAT)))
        out.append((cps[i], cps[i + 1], start_fc, compressed))
    return out


def _row_end_fcs(word: bytes, table: bytes, fc: int, lcb: int) -> set[int] | None:
    """File offsets just after each paragraph mark that ends a table row; None without PAPX."""
    plc = table[fc : fc + lcb]
    n = (len(plc) - 4) // 8
    if lcb == 0 or len(plc) != lcb or n < 1:
        return None
    ends: set[int] = set()
    for i in range(n):
        page = (_u32(plc, 4 * (n + 1) + 4 * i) & 0x3FFFFF) * 512
        fkp = word[page : page + 512]
        if len(fkp) < 512:
            continue
        crun = fkp[511]
        for r in range(min(crun, 101)):
            b_offset = fkp[4 * (crun + 1) + 13 * r] * 2 if 4 * (crun + 1) + 13 * r < 511 else 0
            if b_offset and _is_row_end(fkp, b_offset):
                ends.add(_u32(fkp, 4 * (r + 1)))
    return ends


def _is_row_end(fkp: bytes, at: int) -> bool:
    cb = fkp[at] if at < 511 else 0
    size, start = (2 * cb - 1, at + 1) if cb else (2 * (fkp[at + 1] if at + 1 < 511 else 0), at + 2)
    grpprl = fkp[start + 2 : min(start + size, 511)]
    pos = 0
    while pos + 2 <= len(grpprl):
        sprm = grpprl[pos] | grpprl[pos + 1] << 8
        pos += 2
        if sprm in (_SPRM_TTP, _SPRM_INNER_TTP) and pos < len(grpprl) and grpprl[pos] == 1:
            return True
        spra = sprm >> 13
        if sprm == _SPRM_TDEF and pos + 2 <= len(grpprl):
            pos += 2 + max(0, (grpprl[pos] | grpprl[pos + 1] << 8) - 1)
        elif spra == 6:
            pos += 1 + (grpprl[pos] if pos < len(grpprl) else 0)
        else:
            pos += _OPERAND_SIZE[spra]
    return False


def _text(word: bytes, pieces: list[tuple[int, int, int, bool]], limit: int) -> tuple[str, list[int]]:
    """The text of CPs [0, limit) and, per character, the file offset just after it."""
    chars: list[str] = []
    ends: list[int] = []
    for cp_start, cp_end, fc, compressed in pieces:
        count = min(cp_end, limit) - cp_start
        if count <= 0:
            continue
        width = 1 if compressed else 2
        raw = word[fc : fc + count * width]
        if len(raw) != count * width:
            raise CorruptFile(said("reason.extract.text_piece_lies_outside", what=str(WHAT)))
        if compressed:
            chars.append(raw.decode("cp1252", "replace"))
        else:  # one str character per code unit, so that offsets stay aligned; _fix joins pairs
            chars.append("".join(map(chr, struct.unpack(f"<{count}H", raw))))
        ends.extend(range(fc + width, fc + width * (count + 1), width))
    return "".join(chars), ends


def _fix(text: str) -> str:
    """Join surrogate pairs, replace lone ones, drop object anchors, map Word's control characters."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace").translate(_DROP)


def _paragraphs(text: str, ends: list[int], row_ends: set[int] | None) -> list[tuple[str, str, bool]]:
    """(text, end mark, ends a table row) per paragraph, with field codes removed."""
    out: list[tuple[str, str, bool]] = []
    current: list[str] = []
    fields: list[bool] = []  # one entry per open field: True once its result part started
    previous_mark = ""
    for i, ch in enumerate(text):
        if ch == "\x13":
            fields.append(False)
        elif ch == "\x14" and fields:
            fields[-1] = True
        elif ch == "\x15" and fields:
            fields.pop()
        elif ch in _PARAGRAPH_ENDS:
            if row_ends is not None:
                row_end = ch == "\x07" and ends[i] in row_ends
            else:
                row_end = ch == "\x07" and previous_mark == "\x07" and not current
            out.append((_fix("".join(current)), ch, row_end))
            current, previous_mark = [], ch
        elif all(fields):
            current.append(ch)
    if any(c.strip() for c in current):
        out.append((_fix("".join(current)), "\r", False))
    return out


def _assemble(paragraphs: list[tuple[str, str, bool]], part: str) -> tuple[list[TextBlock], list[Table]]:
    blocks: list[TextBlock] = []
    tables: list[Table] = []
    rows: list[tuple[str, ...]] = []
    cells: list[str] = []
    cell: list[str] = []
    table_line = 0
    for line, (text, mark, row_end) in enumerate(paragraphs, start=1):
        if mark == "\x07" and row_end:
            rows.append(tuple(cells))
            cells = []
        elif mark == "\x07":
            if not rows and not cells and not cell:
                table_line = line
            cells.append("\n".join([*cell, text]))
            cell = []
        elif cells or cell:  # a paragraph inside a multi-paragraph cell
            cell.append(text)
        else:
            if rows:
                tables.append(Table(tuple(rows), Location(part=part, line=table_line), f"table {len(tables) + 1}"))
                rows = []
            if text.strip():
                blocks.append(TextBlock(text, Location(part=part, line=line)))
    if cells:
        rows.append(tuple(cells))
    if rows:
        tables.append(Table(tuple(rows), Location(part=part, line=table_line), f"table {len(tables) + 1}"))
    return blocks, tables


class WordLegacyExtractor:
    """Reads Word 97–2003 .doc files (compound file with a WordDocument stream)."""

    name: ClassVar[str] = "word_legacy"
    priority: ClassVar[int] = 50

    def sniff(self, head: bytes, item: Item) -> bool:
        return head.startswith(CFB_MAGIC) and has_stream(item, "WordDocument")

    def extract(self, stream: BinaryIO, item: Item) -> Document:
        with open_ole(stream, WHAT) as ole:
            word = read_stream(ole, "WordDocument", WHAT)
            if len(word) < 0x200 or word[:2] != b"\xec\xa5":
                raise CorruptFile(said("reason.extract.worddocument_stream_has_valid", what=str(WHAT)))
            flags = struct.unpack_from("<H", word, _FIB_FLAGS)[0]
            if flags & 0x0100:
                raise Encrypted(said("reason.extract.document_password_protected_inspected", what=str(WHAT)))
            if struct.unpack_from("<H", word, 2)[0] <= _LAST_WORD95_NFIB:
                raise UnsupportedFormat(
                    said("reason.extract.word_6_95_older"))
            table = read_stream(ole, "1Table" if flags & 0x0200 else "0Table", WHAT)
        try:
            pieces = _pieces(table, *_fc_lcb(word, _CLX_INDEX))
            ccp = [_rg_lw(word, i) for i in range(3, 11)]  # ccpText, ccpFtn, ccpHdd, ..., ccpHdrTxbx
            total = min(sum(c for i, c in enumerate(ccp) if i != 3), _MAX_CHARS) + min(ccp[0], _MAX_CHARS)
            text, ends = _text(word, pieces, min(pieces[-1][1], total, _MAX_CHARS))
            row_ends = _row_end_fcs(word, table, *_fc_lcb(word, _PAPX_INDEX))
        except (struct.error, IndexError) as exc:
            raise CorruptFile(said("reason.extract.damaged_structure", what=str(WHAT), exc=str(exc))) from exc
        main = min(ccp[0], len(text))
        blocks, tables = _assemble(_paragraphs(text[:main], ends[:main], row_ends), "body")
        more_blocks, more_tables = _assemble(_paragraphs(text[main:], ends[main:], row_ends), "notes")
        return Document(format="doc", blocks=tuple(blocks + more_blocks), tables=tuple(tables + more_tables))
