"""ISO-2022-JP as Microsoft writes it (CP50220/50221): JIS X 0208 plus the CP932 extensions.

Python's ``iso2022_jp`` codecs reject ①, ㈱ and 髙 (NEC row 13 and the NEC-selected IBM rows) and
half-width kana, which Japanese mail routinely carries; here every double-byte pair is mapped to
its Shift_JIS bytes and read as CP932, so they survive.
"""

from __future__ import annotations

import re

_DESIGNATION = re.compile(rb"\x1b(\$@|\$B|\$\(B|\$\(D|\$\(O|\$\(Q|\$\(P|\(B|\(J|\(I|\(H)")
_KANJI_IN = re.compile(rb"\x1b(\$@|\$B|\$\(B|\$\(D|\$\(O|\$\(Q|\(I)")
_CONTROLS = re.compile(rb"([\x00-\x20\x7f]+)")
_SHIFT = re.compile(rb"([\x0e\x0f])")
_DOUBLE = {b"$@", b"$B", b"$(B"}
_X0213 = {b"$(O", b"$(Q"}


def looks_iso2022jp(data: bytes) -> bool:
    """7-bit content that switches into a Japanese double-byte or kana set."""
    return b"\x1b" in data and data.isascii() and _KANJI_IN.search(data) is not None


def _jis_to_sjis(pairs: bytes) -> bytes:
    out = bytearray()
    for j1, j2 in zip(pairs[::2], pairs[1::2], strict=False):
        s1 = ((j1 - 0x21) >> 1) + 0x81
        if s1 > 0x9F:
            s1 += 0x40
        odd_row_offset = 0x1F if j2 <= 0x5F else 0x20
        s2 = j2 + (odd_row_offset if j1 & 1 else 0x7E)
        out += bytes((s1, s2))
    return bytes(out)


def _double(run: bytes, mode: bytes) -> str:
    """One run of double-byte codes in *mode*; undecodable pairs become U+FFFD."""
    if len(run) % 2:
        run = run[:-1]
    if mode in _X0213 or mode == b"$(D":
        prefix = b"\x8f" if mode == b"$(D" else b""
        codec = "euc_jp" if mode == b"$(D" else "euc_jis_2004"
        chars = [(prefix + bytes((a | 0x80, b | 0x80))).decode(codec, "replace")
                 for a, b in zip(run[::2], run[1::2], strict=False)]
        return "".join(chars)
    sjis = _jis_to_sjis(run)
    try:
        return sjis.decode("cp932")
    except UnicodeDecodeError:
        pass
    out: list[str] = []
    for i in range(0, len(run), 2):
        try:
            out.append(sjis[i:i + 2].decode("cp932"))
        except UnicodeDecodeError:
            try:  # JIS X 0213 characters mislabeled as JIS X 0208
                out.append(bytes((run[i] | 0x80, run[i + 1] | 0x80)).decode("euc_jis_2004"))
            except UnicodeDecodeError:
                out.append("\ufffd")
    return "".join(out)


def _single(segment: bytes, kana: bool) -> str:
    out: list[str] = []
    for piece in _SHIFT.split(segment):
        if piece == b"\x0e":
            kana = True
        elif piece == b"\x0f":
            kana = False
        elif kana:
            out.append(bytes(b | 0x80 if 0x21 <= b <= 0x5F else b for b in piece).decode("cp932", "replace"))
        else:
            out.append(piece.decode("cp932", "replace"))
    return "".join(out)


def decode_iso2022jp(data: bytes) -> tuple[str, int]:
    """Decode ISO-2022-JP (with CP932 extensions); returns the text and how many characters were replaced."""
    parts = _DESIGNATION.split(data)
    mode = b"(B"
    out: list[str] = []
    for index, part in enumerate(parts):
        if index % 2:
            mode = part
            continue
        if not part:
            continue
        if mode in _DOUBLE or mode in _X0213 or mode == b"$(D" or mode == b"$(P":
            # Line ends and spaces stay literal even where a writer forgot to switch back to ASCII.
            for k, piece in enumerate(_CONTROLS.split(part)):
                if k % 2:
                    out.append(piece.decode("ascii"))
                elif piece:
                    out.append(_double(piece, mode if mode != b"$(P" else b"$(D"))
        else:
            out.append(_single(part, kana=mode == b"(I"))
    text = "".join(out)
    return text, text.count("\ufffd")


def _sjis_to_jis(s1: int, s2: int) -> bytes:
    j1 = (s1 - (0x81 if s1 <= 0x9F else 0xC1)) * 2 + 0x21
    if s2 >= 0x9F:
        return bytes((j1 + 1, s2 - 0x7E))
    return bytes((j1, s2 - (0x1F if s2 <= 0x7E else 0x20)))


def encode_iso2022jp(text: str, errors: str = "strict") -> bytes:
    """Encode as CP50221 does: JIS X 0208 with CP932 extensions, half-width kana via ESC ( I."""
    out = bytearray()
    mode = b"(B"
    for ch in text:
        code = ch.encode("cp932", errors)
        if len(code) == 1 and code[0] < 0x80:
            want, body = b"(B", code
        elif len(code) == 1:
            want, body = b"(I", bytes((code[0] & 0x7F,))
        elif len(code) == 2 and code[0] <= 0xEF:
            want, body = b"$B", _sjis_to_jis(code[0], code[1])
        else:
            raise UnicodeEncodeError("iso2022_jp", ch, 0, 1, "not in JIS X 0208 or the NEC extensions")
        if want != mode:
            out += b"\x1b" + want
            mode = want
        out += body
    if mode != b"(B":
        out += b"\x1b(B"
    return bytes(out)
