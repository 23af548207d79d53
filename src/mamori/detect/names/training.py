"""Training data for the name model: NER sentences, the held-out split, B/I/O labels on morphemes.

The sentences are stockmark's ner-wikipedia set (CC BY-SA 3.0), vendored with its licence under
``data/ner-wikipedia/`` of the repository (not inside the package); the model itself is trained by
``scripts/train_names_crf.py``. Articles are split by a hash of their id, so a held-out sentence
never shares an article with a training one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mamori.detect.names.features import features
from mamori.detect.names.morph import Token, tokens

#: Entity types of the set → model labels; people are PER, the other kinds teach what is not a person.
KINDS = {"人名": "PER", "法人名": "ORG", "政治的組織名": "ORG", "その他の組織名": "ORG", "地名": "LOC",
         "施設名": "FAC", "製品名": "PRD", "イベント名": "EVT"}
PERSON_TYPE = "人名"


@dataclass(frozen=True)
class Sentence:
    """One sentence with its gold entities as (start, end, type)."""

    curid: str
    text: str
    entities: tuple[tuple[int, int, str], ...]


def load(path: Path) -> list[Sentence]:
    """Every sentence of a ner-wikipedia JSON file (a list of {curid, text, entities: [{span, type}]})."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [Sentence(str(r["curid"]), r["text"],
                     tuple((int(e["span"][0]), int(e["span"][1]), str(e["type"])) for e in r["entities"]))
            for r in rows]


def is_held_out(curid: str) -> bool:
    """The held-out part: three articles in ten, chosen by a hash of the article id (stable, not by order)."""
    return hashlib.sha1(curid.encode()).digest()[0] % 10 < 3


def is_dev(curid: str) -> bool:
    """The development part, inside the training part: two articles in ten (features, hyper-parameters and
    post-rules are chosen on it with a model trained on the rest, ``fit``; the held-out part stays unseen)."""
    return hashlib.sha1(curid.encode()).digest()[0] % 10 in (3, 4)


def split(sentences: Iterable[Sentence], which: str) -> list[Sentence]:
    """The sentences of *which*: ``test`` (held out), ``train`` (= ``fit`` + ``dev``), ``fit``, ``dev`` or ``all``."""
    if which == "all":
        return list(sentences)
    if which in ("fit", "dev"):
        return [s for s in sentences if not is_held_out(s.curid) and is_dev(s.curid) == (which == "dev")]
    return [s for s in sentences if is_held_out(s.curid) == (which == "test")]


def bio_labels(toks: Sequence[Token], entities: Iterable[tuple[int, int, str]]) -> list[str]:
    """B-/I-/O label of each morpheme: a morpheme overlapping an entity takes its kind."""
    labels = ["O"] * len(toks)
    for start, end, kind in entities:
        label = KINDS.get(kind)
        if label is None:
            continue
        first = True
        for i, tok in enumerate(toks):
            if tok.begin < end and start < tok.end:
                labels[i] = ("B-" if first else "I-") + label
                first = False
    return labels


def train(sentences: Iterable[Sentence], model: Path, iterations: int = 150) -> int:
    """Train the CRF on *sentences* and write it to *model*; the number of sentences used."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    count = 0
    for sentence in sentences:
        toks = tokens(sentence.text)
        if toks:
            trainer.append(features(toks), bio_labels(toks, sentence.entities))
            count += 1
    trainer.set_params({"c1": 0.05, "c2": 0.01, "max_iterations": iterations,
                        "feature.possible_transitions": True})
    model.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model))
    return count
