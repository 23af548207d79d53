"""Person names without honorifics: a CRF over SudachiPy morphemes (model trained by
``scripts/train_names_crf.py`` on Wikipedia sentences, see that script for the data and its licence).

Each morpheme is described by its surface, Sudachi's part of speech, its script, what the name
lexicon knows of it, and the same for its neighbours; the CRF labels morphemes B/I/O for people,
organisations, places, facilities, products and events (learning the other kinds is what keeps
株式会社 and 記念館 out of people). Only person spans are returned.
"""

from __future__ import annotations

import re
from importlib.resources import as_file, files
from pathlib import Path

from mamori.detect.names.features import features
from mamori.detect.names.lexicon import COMMON, GIVEN, PERSON, SURNAME, lexicon
from mamori.detect.names.morph import PLACE, Token, tokens
from mamori.errors import MamoriError

MODEL = "names_crf.model"
PERSON_LABEL = "PER"

class _Tagger:
    def __init__(self, model: Path | None = None) -> None:
        try:
            import pycrfsuite
        except ImportError as exc:  # pragma: no cover - python-crfsuite is a dependency
            raise MamoriError("python-crfsuite is needed to find names in text; reinstall mamori") from exc
        self._tagger = pycrfsuite.Tagger()
        with as_file(files("mamori.detect.names") / "data" / MODEL) as shipped:
            path = model or shipped
            if not path.exists():
                raise MamoriError(f"the name model {path} is missing; run scripts/train_names_crf.py")
            self._tagger.open(str(path))

    def tag(self, toks: list[Token]) -> tuple[list[str], list[float]]:
        """Labels of *toks* and, for each person label, the model's marginal probability of it."""
        if not toks:
            return [], []
        labels = list(self._tagger.tag(features(toks)))
        # Marginals only where a person is labelled: the other labels' are never read.
        return labels, [self._tagger.marginal(label, i) if label.endswith(PERSON_LABEL) else 1.0
                        for i, label in enumerate(labels)]


_chosen: list[_Tagger] = []


def _tagger() -> _Tagger:
    if not _chosen:
        _chosen.append(_Tagger())
    return _chosen[0]


def use_model(model: Path) -> None:
    """Tag with the model at *model* from now on in this process (benchmarks of a model being chosen)."""
    _chosen[:] = [_Tagger(model)]


def person_spans(text: str) -> list[tuple[int, int, float]]:
    """(start, end, confidence) of the people's names the model finds in *text* (a sentence or a window
    of one); the confidence is the least marginal probability of the name's labels."""
    toks = tokens(text)
    labels, marginals = _tagger().tag(toks)
    # A name Sudachi knows only as a place (西野 in 西野にお住まい, 千葉 the club) is left to the rules,
    # which take it with an honorific or a title: on held-out text half of these are people, and in a
    # city's letters most are the places residents live in.
    return [(a, b, p) for a, b, p in spans_of(toks, labels, marginals, PERSON_LABEL)
            if any(t.kind != PLACE for t in toks if t.begin < b and a < t.end)]


def spans_of(toks: list[Token], labels: list[str], marginals: list[float],
             kind: str) -> list[tuple[int, int, float]]:
    """(start, end, least marginal) of each B/I run of *kind* in *labels*."""
    out: list[tuple[int, int, float]] = []
    for tok, label, p in zip(toks, labels, marginals, strict=True):
        if label == f"B-{kind}" or (label == f"I-{kind}" and not (out and out[-1][1] == tok.begin)):
            out.append((tok.begin, tok.end, p))
        elif label == f"I-{kind}":
            out[-1] = (out[-1][0], tok.end, min(out[-1][2], p))
    return out


# Where the model looks: katakana words the lexicon knows as (parts of) names, katakana names joined by
# ・ or ＝, and kanji runs starting with a surname. Tokenizing only windows around these keeps prose fast.
_KATAKANA_RUN = re.compile(r"[\u30a1-\u30fa\u30fc]{2,}(?:[・=＝][\u30a1-\u30fa\u30fc]{2,})*")
_KANJI_RUN = re.compile(r"[\u4e00-\u9fff々ヶ]{2,}")
_WINDOW = 16
_NAME_FLAGS = SURNAME | GIVEN | PERSON
#: Kanji runs ending so are places or offices (堺市長, 東京都在住, 堺市役所), not names.
_NOT_A_NAME_END = ("市長", "町長", "村長", "区長", "役所", "役場", "在住", "方面", "周辺", "予算", "年度", "丁目",
                   "地区", "駅")


def anchors(text: str) -> list[tuple[int, int]]:
    """Spans worth showing the model: katakana that may be a name, kanji runs that begin with a surname."""
    words = lexicon().words
    out = []
    for m in _KATAKANA_RUN.finditer(text):
        run = m.group()
        # Any katakana word of three or more: most foreign names are in no lexicon (ツヴォルキン), and
        # city prose holds few katakana words, so the windows stay few (+7 % CPU in the name finder).
        if len(run) >= 3 or "・" in run or "=" in run or "＝" in run or words.get(run, 0) & _NAME_FLAGS:
            out.append(m.span())
    for m in _KANJI_RUN.finditer(text):
        run = m.group()
        if run.endswith(_NOT_A_NAME_END):
            continue  # 堺市長, 東京都在住, 市役所: a place or an office
        whole = words.get(run, 0)
        if any(words.get(run[:n], 0) & SURNAME for n in (2, 3) if n <= len(run)) or (
                # A one-character surname only before a given name (関栄子, not 高齢者 or 本日).
                words.get(run[0], 0) & SURNAME
                and any(words.get(run[1:1 + n], 0) & (GIVEN | PERSON) for n in (1, 2, 3) if n < len(run))
        ) or (len(run) <= 3 and whole & GIVEN and not whole & COMMON):  # a given name alone (雄一は)
            out.append(m.span())
    return out


def windows(text: str, spans: list[tuple[int, int]], reach: int = _WINDOW) -> list[tuple[int, int]]:
    """Merged windows of *reach* characters around *spans*, cut at sentence ends and line breaks."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        lo, hi = max(0, start - reach), min(len(text), end + reach)
        for stop in "。\n":
            cut = text.rfind(stop, lo, start)
            lo = cut + 1 if cut >= 0 else lo
            cut = text.find(stop, end, hi)
            hi = cut + 1 if cut >= 0 else hi
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def model_names(text: str, known: list[tuple[int, int]] | None = None) -> list[tuple[int, int, float]]:
    """(start, end, confidence) of names the model finds in windows of *text* around its anchors; an
    anchor overlapping a *known* name (the rules found it) is not looked at again."""
    out: list[tuple[int, int, float]] = []
    spans = anchors(text)
    if known:
        spans = [(a, b) for a, b in spans if not any(s < b and a < e for s, e in known)]
    for lo, hi in windows(text, spans):
        out.extend((lo + a, lo + b, p) for a, b, p in person_spans(text[lo:hi]))
    return out
