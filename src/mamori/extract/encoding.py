"""The one place that decides text encodings: BOM → ISO-2022-JP → UTF-8 → CP932 / EUC-JP → charset-normalizer.

"Shift_JIS" always means ``cp932`` (the ``shift_jis`` codec fails on 髙, ① and ㈱). When a byte string
decodes both as CP932 and as EUC-JP, both readings are scored for how Japanese they look.
:class:`TextStream` decides on the head of a big file and decodes the rest chunk by chunk.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from mamori.errors import DecodingError
from mamori.extract.iso2022 import decode_iso2022jp, looks_iso2022jp
from mamori.extract.jascore import plausibility
from mamori.i18n import said
from mamori.models import Gap, Location, Problem

HEAD_SIZE = 1 << 20
CHUNK_SIZE = 1 << 20
_CN_SAMPLE = 1 << 16

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALIASES = {
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "ms_kanji": "cp932",
    "windows-31j": "cp932", "csshiftjis": "cp932", "cswindows31j": "cp932", "ms932": "cp932",
    "x-euc-jp": "euc_jp", "eucjp-ms": "euc_jp", "euc-jp-ms": "euc_jp", "cseucpkdfmtjapanese": "euc_jp",
    "iso-2022-jp": "iso2022_jp", "csiso2022jp": "iso2022_jp", "iso-2022-jp-ms": "iso2022_jp",
    "cp50220": "iso2022_jp", "cp50221": "iso2022_jp", "cp50222": "iso2022_jp",
    "iso-8859-1": "cp1252", "latin-1": "cp1252", "us-ascii": "utf-8", "ascii": "utf-8",
}
#: Control bytes that never occur in text (TAB, LF, FF, CR, SO/SI and ESC are allowed).
_CP932_PRIOR = 0.1
#: Non-ASCII characters up to which valid UTF-8 may still be CP932 by chance, and the margin by which
#: the CP932 reading must then look more Japanese (a full-width kanji or kana pair, not half-width kana).
_SHORT_NON_ASCII = 16
_CLEARLY_JAPANESE = 1.0
_COMMON_JAPANESE = 0.6  # per character: level-1 kanji score 0.75, kana 0.8–1.0, half-width kana 0.35
_EUC_KANA = re.compile(rb"\x8e[\xa1-\xdf]")
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 14, 15, 27)) + b"\x7f"


@dataclass(frozen=True)
class Decoded:
    """Text with the encoding it was read in, how sure that choice is, and what was doubtful."""

    text: str
    encoding: str
    confidence: float
    problems: tuple[Problem, ...] = ()


def normalize_encoding(name: str | None) -> str | None:
    """The Python codec name for a declared charset (Shift_JIS → cp932), or None if unknown."""
    if not name:
        return None
    key = name.strip().strip("\"'").lower()
    key = _ALIASES.get(key, key)
    try:
        codec = codecs.lookup(key).name
    except (LookupError, ValueError):
        return None
    return {"shift_jis": "cp932", "euc_jp": "euc_jp", "ascii": "utf-8", "latin-1": "cp1252"}.get(codec, codec)


def binary_share(data: bytes) -> float:
    """Share of bytes that are control bytes no text contains (NUL and friends)."""
    if not data:
        return 0.0
    return (len(data) - len(data.translate(None, _BINARY_BYTES))) / len(data)


def _strict(data: bytes, codec: str, final: bool) -> str | None:
    try:
        return codecs.getincrementaldecoder(codec)("strict").decode(data, final)
    except (UnicodeError, LookupError):  # UnicodeError: e.g. "UTF-16 stream does not start with BOM"
        return None


def _euc(data: bytes, final: bool) -> tuple[str, str] | None:
    # euc_jis_2004 also reads the NEC row 13 (①, ㈱) and JIS X 0213 (﨑) that eucJP-ms writers emit.
    for codec in ("euc_jp", "euc_jis_2004"):
        text = _strict(data, codec, final)
        if text is not None:
            return text, codec
    return None


def _detect(data: bytes, hint: str | None, final: bool) -> tuple[str, float, str | None]:
    """(codec, confidence, note) for *data*; codec "replace:<codec>" when nothing decodes strictly."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            if _strict(data, codec, final) is None:
                return "replace:" + codec, 0.5, None
            return codec, 1.0, None
    if looks_iso2022jp(data):
        return "iso2022_jp", 0.95, None
    wanted = normalize_encoding(hint)
    if wanted and wanted != "iso2022_jp" and _strict(data, wanted, final) is not None:
        return wanted, 0.95, None
    if data.isascii():
        return "utf-8", 1.0, None
    utf8 = _strict(data, "utf-8", final)
    if utf8 is not None:
        return _utf8_or_cp932(data, utf8, final)
    sjis = _strict(data, "cp932", final)
    euc = _euc(data, final)
    if sjis is not None and euc is not None:
        # Half-width kana in EUC-JP (SS2 pairs) read as CP932 become plausible kanji: count them for EUC.
        s_score = plausibility(sjis)
        e_score = plausibility(euc[0]) + len(_EUC_KANA.findall(data))
        margin = min(abs(s_score - e_score), 1.0)
        # CP932 is far more common in the wild: EUC-JP has to read clearly better to win.
        if e_score > s_score + _CP932_PRIOR:
            return euc[1], 0.5 + margin / 2, "both CP932 and EUC-JP decode; EUC-JP reads as more plausible"
        return "cp932", 0.5 + margin / 2, None
    if sjis is not None:
        return "cp932", 0.9, None
    if euc is not None:
        return euc[1], 0.9, None
    import charset_normalizer  # a last resort, and slow to import: only when the fixed attempts fail

    best = charset_normalizer.from_bytes(data[:_CN_SAMPLE]).best()
    if best is not None and binary_share(data[:_CN_SAMPLE]) < 0.05:
        codec = normalize_encoding(best.encoding) or "utf-8"
        if _strict(data, codec, final) is not None:
            return codec, max(0.1, 1.0 - float(best.chaos)), f"guessed {codec} by charset-normalizer"
    if binary_share(data[:_CN_SAMPLE]) > 0.1:
        raise DecodingError(said("reason.extract.content_looks_binary_decodes"))
    return "replace:" + _least_damaged(data), 0.1, None


def _utf8_or_cp932(data: bytes, utf8: str, final: bool) -> tuple[str, float, str | None]:
    """UTF-8, unless the text is so short that CP932 bytes pass for UTF-8 by chance (山﨑 written
    ED 95 8E 52 reads as 핎R) and the CP932 reading is clearly Japanese where the UTF-8 one is not."""
    if sum(1 for ch in utf8 if ch >= "\x80") > _SHORT_NON_ASCII:
        return "utf-8", 0.99, None  # a long run of valid UTF-8 is never chance
    sjis = _strict(data, "cp932", final)
    if sjis is not None:
        cp932_score, utf8_score = plausibility(sjis), plausibility(utf8)
        wide = sum(1 for ch in sjis if ch >= "\x80")
        # Kanji and kana of the common kind, not the half-width kana and rare kanji that Größe turns into.
        if (cp932_score >= _CLEARLY_JAPANESE and cp932_score > utf8_score + _CLEARLY_JAPANESE
                and cp932_score >= _COMMON_JAPANESE * wide):
            return "cp932", 0.6, "both UTF-8 and CP932 decode; CP932 reads as Japanese"
    return "utf-8", 0.99, None


def _least_damaged(data: bytes) -> str:
    sample = data[:_CN_SAMPLE]
    return min(("utf-8", "cp932", "euc_jp"), key=lambda c: sample.decode(c, "replace").count("\ufffd"))


def decode(data: bytes, hint: str | None = None) -> Decoded:
    """Decode *data*, trying its declared charset *hint* early; raise DecodingError only for binary."""
    codec, confidence, note = _detect(data, hint, final=True)
    problems = [Problem("encoding.ambiguous", note)] if note else []
    if codec == "iso2022_jp":
        text, bad = decode_iso2022jp(data)
        if bad:
            problems.append(Problem("encoding.replaced", said("problem.iso2022_replaced", count=bad)))
        return Decoded(text, "iso2022_jp", confidence, tuple(problems))
    if codec.startswith("replace:"):
        codec = codec[len("replace:"):]
        problems.append(Problem("encoding.replaced", said("problem.no_clean_encoding", codec=codec)))
        return Decoded(data.decode(codec, "replace"), codec, confidence, tuple(problems))
    return Decoded(data.decode(codec), "ascii" if data.isascii() else codec, confidence, tuple(problems))


MIN_DECISION_BYTES = 1024


class TextStream:
    """Decodes a big binary stream: decides on the first ~1 MiB, then decodes chunk by chunk.

    If a later chunk does not decode, the encoding is decided again on that chunk (or the rest is read
    with replacement) and a Problem is recorded; ``encoding`` stays the first decision.
    """

    def __init__(self, stream: BinaryIO, hint: str | None = None, *, head_size: int = HEAD_SIZE,
                 chunk_size: int = CHUNK_SIZE) -> None:
        self._stream = stream
        self._chunk_size = chunk_size
        # Never decide on a sliver: a few bytes of CP932 are valid in many single-byte codecs.
        head_size = max(head_size, MIN_DECISION_BYTES)
        self._head = stream.read(head_size)
        self._more = len(self._head) == head_size
        codec, self.confidence, note = _detect(self._head, hint, final=not self._more)
        self.problems: list[Problem] = [Problem("encoding.ambiguous", note)] if note else []
        self._errors = "strict"
        if codec.startswith("replace:"):
            codec, self._errors = codec[len("replace:"):], "replace"
            self.problems.append(Problem("encoding.replaced", said("problem.read_replaced", codec=codec)))
        self._codec = codec
        self._decoder: codecs.IncrementalDecoder = codecs.getincrementaldecoder(codec)(self._errors)
        self.encoding = "ascii" if codec == "utf-8" and not self._more and self._head.isascii() else codec

    def chunks(self) -> Iterator[str]:
        """The decoded text, in pieces of about ``chunk_size`` characters or more."""
        if self._codec == "iso2022_jp":  # stateful escapes; such files are small (mail, old text)
            text, bad = decode_iso2022jp(self._head + self._stream.read())
            if bad:
                self.problems.append(Problem("encoding.replaced", said("problem.iso2022_some_replaced", count=bad)))
            yield text
            return
        data, final, offset = self._head, not self._more, 0
        while True:
            yield self._decode_chunk(data, final, offset)
            if final:
                return
            offset += len(data)
            data = self._stream.read(self._chunk_size)
            final = not data

    def _decode_chunk(self, data: bytes, final: bool, offset: int) -> str:
        pending = self._decoder.getstate()[0]
        try:
            return self._decoder.decode(data, final)
        except UnicodeError as exc:
            at = offset + getattr(exc, "start", 0) - len(pending)
            data = pending + data
        codec, _, _ = _detect(data, None, final)
        if codec.startswith("replace:") or codec == "iso2022_jp":
            codec, errors, what = self._codec, "replace", "undecodable bytes replaced from here on"
        else:
            errors, what = "strict", f"switched to {codec} from here on"
        self.problems.append(Problem("encoding.changed", f"bytes at offset {at} are not {self._codec}; {what}"))
        self._codec = codec
        self._decoder = codecs.getincrementaldecoder(codec)(errors)
        try:
            return self._decoder.decode(data, final)
        except UnicodeError:
            self._codec = "utf-8"
            self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
            return self._decoder.decode(data, final)

    def lines(self, max_chars: int | None = None, *, cut: bool = False) -> Iterator[str]:
        """The decoded text line by line, line ends (\\n, \\r\\n, \\r) kept, as ``csv`` wants them.

        *max_chars* bounds what one line may hold, so a file that is one enormous line never becomes one
        enormous string. A longer line is given in pieces of about that size (nothing is lost), or with
        *cut* only its first *max_chars* characters are given and the rest of that line is skipped,
        with a ``too_large`` gap recorded (a delimited row cannot be read in pieces).
        """
        pending: list[str] = []  # the current line's pieces, none holding a line end
        held = 0
        skipping = False  # inside the rest of a line that was cut
        number = 0
        for chunk in self.chunks():
            if "\n" not in chunk and "\r" not in chunk:
                if skipping or not chunk:
                    continue
                pending.append(chunk)
                held += len(chunk)
                if max_chars is not None and held > max_chars:
                    number += 1
                    yield self._overlong("".join(pending), max_chars, cut, number)
                    pending, held, skipping = [], 0, cut
                continue
            if skipping:  # the cut line ends in this chunk
                at = min(i for i in (chunk.find("\n"), chunk.find("\r")) if i >= 0)
                end = at + 2 if chunk.startswith("\r\n", at) else at + 1
                chunk, skipping = chunk[end:], False
            if pending:
                chunk = "".join(pending) + chunk
                pending, held = [], 0
            parts = io.StringIO(chunk, newline="").readlines()
            if not parts:
                continue
            last = parts.pop()
            # A trailing "\r" may be the first half of "\r\n" split across chunks.
            if last.endswith("\n"):
                parts.append(last)
            else:
                pending, held = [last], len(last)
            for line in parts:
                number += 1
                yield line if max_chars is None or len(line) <= max_chars else self._overlong(line, max_chars, cut,
                                                                                                number)
        if pending and not skipping:
            number += 1
            line = "".join(pending)
            yield line if max_chars is None or len(line) <= max_chars else self._overlong(line, max_chars, cut, number)

    def _overlong(self, line: str, max_chars: int, cut: bool, number: int) -> str:
        if not cut:
            return line
        self.problems.append(Problem("text.line_cut",
                                     said("problem.line_cut", line=number, limit=max_chars),
                                     Location(line=number), Gap.LIMIT))
        return line[:max_chars]


def text_sample(head: bytes, hint: str | None = None) -> str | None:
    """The decoded start of a file for sniffing, or None when it is not text (NULs, control bytes)."""
    if not head:
        return ""
    unicode_bom = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not unicode_bom and (b"\x00" in head or binary_share(head) > 0.01):
        return None
    try:
        codec, _, _ = _detect(head, hint, final=False)
    except DecodingError:
        return None
    if codec == "iso2022_jp":
        return decode_iso2022jp(head)[0]
    text = codecs.getincrementaldecoder(codec.removeprefix("replace:"))("replace").decode(head, False)
    if text.count("\ufffd") > max(2, len(text) // 50) or "\x00" in text:
        return None
    return None if sum(text.count(c) for c in _BINARY_CHARS) > len(text) // 100 else text


_BINARY_CHARS = tuple(chr(b) for b in _BINARY_BYTES)
