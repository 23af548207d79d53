"""Person names in running text: mamori's finder against GiNZA NER (Person entities).

Both read the same synthetic prose documents (letters, council minutes, case notes,
consultation records, and hard negatives that name no one) and are scored against the
truth names. GiNZA runs in its own virtual environment (created on first use with
``ja-ginza`` and ``spacy`` from PyPI) so it never enters the project's dependencies.

    .venv/bin/python benchmarks/names_ginza.py [--docs 400] [--seed 11] [--venv DIR]

A prediction is right when, with spaces removed and variant kanji folded, it equals a
truth person's full name (or its kana reading) or family name in that document; recall counts truth persons
found (full or family name). Speed is MB/s of UTF-8 text, after the models are loaded.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mamori.detect.names.prose import find_person_names
from mamori.normalize.text import name_key
from mamori.synth.documents import make_document
from mamori.synth.residents import generate_residents

KINDS = ("letter", "council_minutes", "case_notes", "consultation", "official_minutes", "place_prose")

_GINZA = """
import json, sys, time, spacy
nlp = spacy.load("ja_ginza")
docs = json.load(open(sys.argv[1], encoding="utf-8"))
nlp("準備")
start = time.perf_counter()
out = [[e.text for e in nlp(text).ents if e.label_ == "Person"] for text in docs]
json.dump({"names": out, "seconds": time.perf_counter() - start}, open(sys.argv[2], "w", encoding="utf-8"))
"""


def corpus(n: int, seed: int) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """(text, [(family, given, family kana, given kana) of each truth person]) for *n* prose documents."""
    people = generate_residents(3000, seed=seed)
    by_id = {p.id: p for p in people}
    docs = []
    for i in range(n):
        doc = make_document(KINDS[i % len(KINDS)], people, seed=seed * 100_000 + i)
        truth = [(by_id[pid].family_name, by_id[pid].given_name, by_id[pid].family_kana, by_id[pid].given_kana)
                 for pid in sorted(doc.truth.person_ids)]
        docs.append(("\n".join(doc.paragraphs), truth))
    return docs


def score(predicted: list[list[str]], docs: list[tuple[str, list[tuple[str, str, str, str]]]]) -> tuple[float, float]:
    """(precision, recall) of *predicted* names per document (a kana reading counts as the name)."""
    right = wrong = found = total = 0
    for names, (_, truth) in zip(predicted, docs, strict=True):
        full = {name_key(f + g): i for i, (f, g, _, _) in enumerate(truth)}
        full.update({name_key(fk + gk): i for i, (_, _, fk, gk) in enumerate(truth)})
        family = {name_key(f): i for i, (f, _, _, _) in enumerate(truth)}
        hit: set[int] = set()
        for name in names:
            key = name_key(name)
            person = full.get(key, family.get(key))
            if person is None:
                wrong += 1
            else:
                right += 1
                hit.add(person)
        found += len(hit)
        total += len(truth)
    return right / max(1, right + wrong), found / max(1, total)


def ginza_python(venv: Path) -> Path:
    """The python of a venv holding ja-ginza, created (pip install ja-ginza spacy) when missing."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "ja-ginza", "spacy"], check=True)
    return python


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--venv", type=Path, default=Path(tempfile.gettempdir()) / "mamori-ginza-venv")
    parser.add_argument("--no-ginza", action="store_true")
    args = parser.parse_args()
    docs = corpus(args.docs, args.seed)
    texts = [text for text, _ in docs]
    size = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    find_person_names("山田太郎様")  # load the lexicon and the dictionary before timing
    start = time.perf_counter()
    ours = [[m.name for m in find_person_names(t)] for t in texts]
    seconds = time.perf_counter() - start
    p, r = score(ours, docs)
    print(f"documents: {len(docs)}  text: {size:.3f} MB  truth persons: {sum(len(t) for _, t in docs)}")
    print(f"mamori  precision {p:.3f}  recall {r:.3f}  {size / seconds:.3f} MB/s")
    if args.no_ginza:
        return
    python = ginza_python(args.venv)
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "docs.json", Path(tmp) / "out.json"
        src.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        subprocess.run([str(python), "-c", _GINZA, str(src), str(dst)], check=True)
        result = json.loads(dst.read_text(encoding="utf-8"))
    p, r = score(result["names"], docs)
    print(f"GiNZA   precision {p:.3f}  recall {r:.3f}  {size / result['seconds']:.3f} MB/s")


if __name__ == "__main__":
    main()
