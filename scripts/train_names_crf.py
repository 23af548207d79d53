"""Train the name model (a CRF over SudachiPy morphemes) on the vendored ner-wikipedia sentences.

    .venv/bin/python scripts/train_names_crf.py [--data data/ner-wikipedia/ner.json] [--part train|fit|all] [--out PATH]

Trains on the training part by default (the held-out articles stay out, so benchmarks/names_real.py
scores on text the model never saw) and writes src/mamori/detect/names/data/names_crf.model. Choices are
made with ``--part fit --out /tmp/fit.model`` (the training part less its dev articles), scored with
``benchmarks/names_real.py --part dev --model /tmp/fit.model``; the shipped model is then trained on ``train``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from mamori.detect.names.tagger import MODEL
from mamori.detect.names.training import load, split, train

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "ner-wikipedia" / "ner.json")
    parser.add_argument("--part", choices=("train", "fit", "all"), default="train")
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "mamori" / "detect" / "names" / "data" / MODEL)
    parser.add_argument("--iterations", type=int, default=150)
    args = parser.parse_args()
    start = time.perf_counter()
    count = train(split(load(args.data), args.part), args.out, args.iterations)
    print(f"trained on {count} sentences ({args.part}) in {time.perf_counter() - start:.1f} s → {args.out}")


if __name__ == "__main__":
    main()
