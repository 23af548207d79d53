"""Person names in real running text: mamori beside GiNZA and Presidio on ner-wikipedia.

The corpus is ``../shared/corpora/ner-wikipedia/ner.json`` (stockmark's Japanese Wikipedia NER set, CC BY-SA;
read in place, never copied into the repository's tests). Sentences are split by article (curid) into the
part mamori's name model is trained on (``scripts/train_names_crf.py``) and the held-out part; figures are for
the held-out part unless ``--part`` says otherwise (``dev`` and ``fit`` are the training part's two pieces,
for choosing features and settings with a model trained on ``fit`` and passed as ``--model``).

    .venv/bin/python benchmarks/names_real.py [--corpus PATH] [--part test|train|fit|dev|all] [--model PATH]
        [--no-peers]

Scoring, per gold entity and per prediction:
- a gold person is found when a predicted span overlaps it; recall is given by script: kanji/kana names,
  katakana (foreign) names, Latin names;
- a prediction is right when it overlaps a person, wrong when it overlaps only other entities
  (organisations, places, facilities, products, events): precision = right / (right + wrong); predictions over
  unlabelled text are counted apart (the set labels only named entities, so those are mostly surnames used
  as common words or unlabelled people);
- per-sentence recall: sentences holding a person in which at least one of them is found.

GiNZA (``ja_ginza`` Person entities) and Presidio (PERSON, on spaCy + GiNZA) run in the venv that
``benchmarks/presidio_compare.py`` makes, over the same sentences.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from mamori.detect.names.training import PERSON_TYPE, Sentence, load, split

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora" / "ner-wikipedia" / "ner.json"
_KATAKANA = re.compile(r"[\u30a0-\u30ff\uff65-\uff9f]")
_KANJI_KANA = re.compile(r"[\u3041-\u309f\u4e00-\u9fff々]")
_LATIN = re.compile(r"[A-Za-z]")
SCRIPTS = ("kanji/kana", "katakana", "latin")

_GINZA = """
import json, sys, time, spacy
nlp = spacy.load("ja_ginza")
texts = json.load(open(sys.argv[1], encoding="utf-8"))
nlp("準備")
start = time.perf_counter()
out = [[[e.start_char, e.end_char] for e in nlp(t).ents if e.label_ == "Person"] for t in texts]
json.dump({"spans": out, "seconds": time.perf_counter() - start}, open(sys.argv[2], "w", encoding="utf-8"))
"""


def script_of(name: str) -> str:
    """kanji/kana, katakana or latin: the script a gold person name is written in."""
    if _LATIN.search(name):
        return "latin"
    if _KATAKANA.search(name) and not _KANJI_KANA.search(name):
        return "katakana"
    return "kanji/kana"


@dataclass
class Score:
    """Counts for one system over a set of sentences."""

    found: dict[str, int]
    total: dict[str, int]
    right: int = 0
    wrong: int = 0
    unlabelled: int = 0
    sentences_hit: int = 0
    sentences: int = 0

    def recall(self, script: str | None = None) -> float:
        if script is None:
            return sum(self.found.values()) / max(1, sum(self.total.values()))
        return self.found[script] / max(1, self.total[script])

    def precision(self) -> float:
        return self.right / max(1, self.right + self.wrong)


def score(sentences: Sequence[Sentence], predicted: Sequence[Sequence[tuple[int, int]]]) -> Score:
    """Recall by script, precision over the other entities, per-sentence recall (see the module text)."""
    result = Score(found=dict.fromkeys(SCRIPTS, 0), total=dict.fromkeys(SCRIPTS, 0))
    for sentence, spans in zip(sentences, predicted, strict=True):
        people = [(a, b) for a, b, kind in sentence.entities if kind == PERSON_TYPE]
        others = [(a, b) for a, b, kind in sentence.entities if kind != PERSON_TYPE]
        hit_any = False
        for a, b in people:
            script = script_of(sentence.text[a:b])
            result.total[script] += 1
            if any(s < b and a < e for s, e in spans):
                result.found[script] += 1
                hit_any = True
        if people:
            result.sentences += 1
            result.sentences_hit += hit_any
        for s, e in spans:
            if any(s < b and a < e for a, b in people):
                result.right += 1
            elif any(s < b and a < e for a, b in others):
                result.wrong += 1
            else:
                result.unlabelled += 1
    return result


def mamori_spans(texts: Sequence[str]) -> tuple[list[list[tuple[int, int]]], float]:
    """mamori's prose name finder over each text, and the seconds it took (models loaded before)."""
    from mamori.detect.names.prose import find_person_names

    find_person_names("山田太郎様は述べた。")
    start = time.perf_counter()
    out = [[(m.start, m.end) for m in find_person_names(t)] for t in texts]
    return out, time.perf_counter() - start


def _locate(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for name in names:
        for m in re.finditer(re.escape(name), text):
            spans.append((m.start(), m.end()))
    return spans


def peer_spans(texts: Sequence[str]) -> dict[str, tuple[list[list[tuple[int, int]]], float]]:
    """GiNZA's and Presidio's person spans over *texts*, in the venv presidio_compare makes."""
    from presidio_compare import WORKER, ensure_venv

    python = ensure_venv()
    out: dict[str, tuple[list[list[tuple[int, int]]], float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "texts.json", Path(tmp) / "ginza.json"
        src.write_text(json.dumps(list(texts), ensure_ascii=False), encoding="utf-8")
        subprocess.run([str(python), "-c", _GINZA, str(src), str(dst)], check=True)
        result = json.loads(dst.read_text(encoding="utf-8"))
        out["GiNZA (ja_ginza)"] = ([[(a, b) for a, b in s] for s in result["spans"]], result["seconds"])
        lines, answers = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        lines.write_text("".join(json.dumps({"path": str(i), "text": t}, ensure_ascii=False) + "\n"
                                 for i, t in enumerate(texts)), encoding="utf-8")
        subprocess.run([str(python), str(WORKER), str(lines), str(answers)], check=True)
        by_path: dict[str, list[str]] = {}
        seconds = 0.0
        for line in answers.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if "path" in row:
                by_path[row["path"]] = row["entities"].get("PERSON", [])
                seconds += row.get("seconds", 0.0)
        out["Presidio (GiNZA)"] = ([_locate(t, by_path.get(str(i), [])) for i, t in enumerate(texts)], seconds)
    return out


def report(name: str, result: Score, seconds: float, size_mb: float) -> str:
    """One Markdown table row."""
    return (f"| {name} | {result.recall('kanji/kana'):.3f} ({result.found['kanji/kana']}/{result.total['kanji/kana']})"
            f" | {result.recall('katakana'):.3f} ({result.found['katakana']}/{result.total['katakana']})"
            f" | {result.recall('latin'):.3f} | {result.recall():.3f}"
            f" | {result.sentences_hit / max(1, result.sentences):.3f}"
            f" | {result.precision():.3f} ({result.wrong} wrong) | {result.unlabelled}"
            f" | {size_mb / max(seconds, 1e-9):.3f} |")


def main(argv: Sequence[str] | None = None, finder: Callable[[Sequence[str]], tuple[
        list[list[tuple[int, int]]], float]] = mamori_spans) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--part", choices=("test", "train", "fit", "dev", "all"), default="test")
    parser.add_argument("--no-peers", action="store_true", help="mamori only (no GiNZA / Presidio venv)")
    parser.add_argument("--model", type=Path, help="a name model other than the shipped one (train_names_crf.py --out)")
    args = parser.parse_args(argv)
    if args.model:
        from mamori.detect.names.tagger import use_model

        use_model(args.model)
    sentences = split(load(args.corpus), args.part)
    texts = [s.text for s in sentences]
    size_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"part: {args.part}  sentences: {len(sentences)}  text: {size_mb:.3f} MB")
    print("| system | kanji/kana recall | katakana recall | latin recall | all recall | per-sentence recall"
          " | precision vs other entities | unlabelled predictions | MB/s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    spans, seconds = finder(texts)
    print(report("mamori", score(sentences, spans), seconds, size_mb), flush=True)
    if not args.no_peers:
        for name, (peer, peer_seconds) in peer_spans(texts).items():
            print(report(name, score(sentences, peer), peer_seconds, size_mb), flush=True)


if __name__ == "__main__":
    main()
