"""The SudachiPy tokenizer shared by the name finders, and the POS classes they need.

Loading the dictionary takes a fraction of a second and maps ~200 MB (shared between
processes); it happens once per process, at the first call.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, NamedTuple

from mamori.errors import MamoriError

SURNAME, GIVEN, PERSON, PLACE, NOUN, SUFFIX, OTHER = "sei", "mei", "person", "place", "noun", "suffix", "other"


class Token(NamedTuple):
    """One morpheme: surface, span in the tokenized string, coarse class, whether Sudachi guessed it."""

    surface: str
    begin: int
    end: int
    kind: str
    oov: bool
    pos: str = ""  # Sudachi's part of speech, its first four fields joined by "," (features of the name model)


class _Morph:
    def __init__(self) -> None:
        try:
            import sudachipy
        except ImportError as exc:  # pragma: no cover - sudachipy is a dependency
            raise MamoriError("sudachipy with sudachidict-core is needed to find names in text") from exc
        self._dictionary = sudachipy.Dictionary(dict="core")
        self._tokenizer = self._dictionary.tokenizer(mode=sudachipy.SplitMode.C, fields={"pos"})
        self._kinds: dict[int, str] = {}
        self._pos: dict[int, str] = {}
        pos_id = 0
        while (pos := self._dictionary.pos_of(pos_id)) is not None:
            self._kinds[pos_id] = _kind(pos)
            self._pos[pos_id] = ",".join(pos[:4])
            pos_id += 1

    def tokens(self, text: str) -> list[Token]:
        out = []
        for m in self._tokenizer.tokenize(text):
            pos_id = m.part_of_speech_id()
            out.append(Token(m.surface(), m.begin(), m.end(), self._kinds.get(pos_id, OTHER), bool(m.is_oov()),
                             self._pos.get(pos_id, "")))
        return out


def _kind(pos: Sequence[Any]) -> str:
    if pos[0] == "名詞" and pos[2] == "人名":
        return {"姓": SURNAME, "名": GIVEN}.get(pos[3], PERSON)
    if pos[0] == "名詞" and pos[2] == "地名":
        return PLACE
    if pos[0] == "名詞":
        return NOUN
    if pos[0] == "接尾辞":
        return SUFFIX
    return OTHER


@cache
def _morph() -> _Morph:
    return _Morph()


def tokens(text: str) -> list[Token]:
    """Morphemes of *text* (SudachiPy, mode C)."""
    return _morph().tokens(text)
