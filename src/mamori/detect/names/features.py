"""Features of the name model: what the CRF sees of each SudachiPy morpheme.

A morpheme is described by its surface, Sudachi's part of speech (人名-姓/名 included), its script,
what the name lexicon knows of it, and the same for its neighbours. Names are judged by what is said
around them, so each morpheme also sees the words just outside the *chain* of nouns it belongs to
(和田|社長|は, 徳富蘇峰|は|述べた) and, inside a katakana name joined by ・ or ＝, its place in it.
"""

from __future__ import annotations

import re

from mamori.detect.names.lexicon import COMMON, FREQUENT_GIVEN, FREQUENT_SURNAME, GIVEN, PERSON, SURNAME, fold, lexicon
from mamori.detect.names.morph import Token

_SCRIPTS = (
    (re.compile(r"[\u4e00-\u9fff々〆ヶ]"), "K"),
    (re.compile(r"[\u3041-\u309f]"), "H"),
    (re.compile(r"[\u30a0-\u30ff]"), "T"),
    (re.compile(r"[A-Za-z]"), "A"),
    (re.compile(r"[0-9]"), "D"),
)
_JOINERS = frozenset("・=＝")
#: Words that join a chain of nouns: a name's parts, its title (社長, 氏) and the dots of a foreign name.
_CHAIN_POS = ("名詞", "接尾辞", "接頭辞")


def _script(surface: str) -> str:
    marks = "".join(mark for pattern, mark in _SCRIPTS if pattern.search(surface))
    return marks or "S"


def _lex(surface: str) -> str:
    flags = lexicon().words.get(fold(surface), 0)
    out = ""
    for flag, mark in ((SURNAME, "s"), (GIVEN, "g"), (COMMON, "c"), (FREQUENT_SURNAME, "S"),
                       (FREQUENT_GIVEN, "G"), (PERSON, "p")):
        if flags & flag:
            out += mark
    return out


def _own(tok: Token) -> tuple[str, ...]:
    surface = tok.surface
    return (surface, tok.pos, _script(surface), _lex(surface), surface[:1], surface[-1:])


def _in_chain(tok: Token) -> bool:
    return tok.pos.startswith(_CHAIN_POS) or tok.surface in _JOINERS


def _chains(toks: list[Token]) -> list[tuple[int, int]]:
    """(first, last + 1) of the chain of nouns (joined by ・) each morpheme belongs to."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        j = i + 1
        if _in_chain(toks[i]):
            while j < len(toks) and _in_chain(toks[j]) and toks[j - 1].end == toks[j].begin:
                j += 1
        out.extend([(i, j)] * (j - i))
        i = j
    return out


def features(toks: list[Token]) -> list[list[str]]:
    """CRF features of each morpheme: its own (surface, POS, script, lexicon flags, first and last
    characters, length, unknown word), its neighbours' within three, and its chain's surroundings."""
    own = [_own(t) for t in toks]
    chains = _chains(toks)
    out = []
    last = len(own) - 1
    for i, (w, p, t, lex, first, end) in enumerate(own):
        f = [f"w={w}", f"p={p}", f"t={t}", f"l={lex}", f"f={first}", f"e={end}", f"n={min(len(w), 5)}",
             f"o={toks[i].oov}", f"pl={p}|{lex}", f"tl={t}|{lex}", f"e2={w[-2:]}", f"f2={w[:2]}"]
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j <= last:
                ow, op, ot, ol, _, oe = own[j]
                f += [f"{d}w={ow}", f"{d}p={op}", f"{d}t={ot}", f"{d}l={ol}", f"{d}e={oe}"]
            else:
                f.append(f"{d}w=<>")
        for d in (-3, 3):
            j = i + d
            f.append(f"{d}w={own[j][0]}" if 0 <= j <= last else f"{d}w=<>")
        if i:
            f.append(f"-1p|p={own[i - 1][1]}|{p}")
            f.append(f"-1w|w={own[i - 1][0]}|{w}")
        if i < last:
            f.append(f"p|+1p={p}|{own[i + 1][1]}")
            f.append(f"w|+1w={w}|{own[i + 1][0]}")
        a, b = chains[i]
        if b - a > 1:
            joined = any(toks[k].surface in _JOINERS for k in range(a, b))
            f += [f"cpos={'B' if i == a else 'E' if i == b - 1 else 'I'}", f"cj={joined}", f"cn={min(b - a, 6)}"]
        before = own[a - 1][0] if a else "<>"
        after = own[b][0] if b <= last else "<>"
        after2 = own[b + 1][0] if b + 1 <= last else "<>"
        f += [f"cb={before}", f"ca={after}", f"ca2={after}|{after2}", f"cl={own[b - 1][0]}", f"cf={own[a][0]}"]
        out.append(f)
    return out
