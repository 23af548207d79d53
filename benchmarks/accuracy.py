"""Accuracy of ``mamori find`` on a synthetic municipal corpus, with Presidio beside it in the same run.

Run: ``.venv/bin/python benchmarks/accuracy.py [--files 240] [--seed 42] [--list-errors] [--no-presidio]``.

1. writes a corpus with ``mamori.synth.corpus.write_corpus`` (every registered format, hard negatives,
   multi-sheet workbooks, prose) and its truth;
2. scans it with mamori's real engine (``mamori.scan.runner.Scan``) and scores it: file-level recall and
   precision on inspectable files, per-category precision/recall/F1, per-file person counts within 1 %,
   total distinct people, MB/s;
3. unless ``--no-presidio``: makes (or reuses) a separate venv with presidio-analyzer + GiNZA, extracts
   the same files' text with mamori's extractors, runs Presidio over it and scores it the same way.

Prints Markdown (for BENCHMARKS.md) and writes JSON to ``benchmarks/results/accuracy.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from accuracy_report import error_lines, markdown
from accuracy_score import Score, Verdict, score
from presidio_compare import VENV, PresidioUnavailable, ensure_venv, presidio_verdict, run_presidio

from mamori.detect.categories import CATEGORY_IDS
from mamori.scan.runner import Scan, ScanOptions
from mamori.synth.corpus import write_corpus
from mamori.synth.manifest import Manifest

RESULTS = Path(__file__).with_name("results") / "accuracy.json"


def run_mamori(root: Path, workers: int) -> tuple[dict[str, Verdict], int, float, int]:
    """Scan *root*; verdicts of the top-level files by relative path, distinct people, seconds, bytes."""
    scan = Scan([root], ScanOptions(workers=workers))
    verdicts: dict[str, Verdict] = {}
    prefix = str(root).rstrip("/") + "/"
    for result in scan.results():
        if "!" in result.path:
            continue  # a member or attachment: its parent's verdict already includes it
        verdicts[result.path.removeprefix(prefix)] = Verdict(
            result.pii, frozenset(result.categories), result.persons, result.status.value, result.special_care)
    summary = scan.summary
    assert summary is not None
    return verdicts, summary.unique_persons, summary.elapsed_s, summary.bytes


def inspectable_people(manifest: Manifest) -> int:
    """Distinct people over the files a scan can read (an image-only PDF's people cannot be found)."""
    return len({pid for f in manifest.files if f.status == "ok" for pid in f.person_ids})


#: Categories that, with the name, make an identity key across files (people/keys.py), or alone.
_NAME_KEYS = ("birth_date", "address", "phone")
_ALONE_KEYS = ("email", "my_number")


def linkable_people(manifest: Manifest) -> int:
    """Distinct people as a perfect identity-key counter would find them: two mentions of a person join
    only when both files hold the same kind of key (name + birth date/address/phone, e-mail, My Number);
    a person named with nothing else is a separate mention per file. The real count is the lower bound."""
    parent: dict[object, object] = {}

    def find(x: object) -> object:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    mentions = []
    for f in manifest.files:
        if f.status != "ok":
            continue
        cats = set(f.categories)
        kinds = [k for k in _NAME_KEYS if "name" in cats and k in cats] + [k for k in _ALONE_KEYS if k in cats]
        for pid in f.person_ids:
            mention = (f.path, pid)
            mentions.append(mention)
            for kind in kinds:
                parent[find(mention)] = find((kind, pid))
    return len({find(m) for m in mentions})


def presidio_side(manifest: Manifest, root: Path, venv: Path) -> dict[str, object]:
    """Presidio's scores (two file-level rules) and speed, or the reason it could not run."""
    try:
        python = ensure_venv(venv, log=venv.parent / "presidio-install.log")
        paths = [f.path for f in manifest.files if f.status == "ok"]
        run = run_presidio(python, root, paths)
    except (PresidioUnavailable, OSError) as exc:
        return {"error": str(exc)}
    strict: dict[str, Verdict] = {}
    loose: dict[str, Verdict] = {}
    for rel, entities in run.entities.items():
        pii, cats, people = presidio_verdict(entities)
        strict[rel] = Verdict(pii, frozenset(cats), people)
        loose[rel] = Verdict(any(entities.values()), frozenset(cats), people)
    size = sum((root / p).stat().st_size for p in paths)
    return {"score": score(manifest.files, strict), "any_entity": score(manifest.files, loose),
            "seconds": run.seconds, "load_seconds": run.load_seconds, "bytes": size, "text_chars": run.text_chars}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--files", type=int, default=240)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--people", type=int, default=2000, help="resident pool size")
    parser.add_argument("--max-rows", type=int, default=60)
    parser.add_argument("--workers", type=int, default=1, help="mamori scan processes (Presidio runs in one)")
    parser.add_argument("--corpus", type=Path, help="write the corpus here and keep it (default: a temp dir)")
    parser.add_argument("--list-errors", action="store_true", help="print every false positive/negative")
    parser.add_argument("--no-presidio", action="store_true")
    parser.add_argument("--presidio-venv", type=Path, default=VENV)
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    tmp = None if args.corpus else tempfile.mkdtemp(prefix="mamori-accuracy-")
    root = args.corpus or Path(tmp or ".") / "corpus"
    try:
        if root.exists():
            shutil.rmtree(root)
        started = time.perf_counter()
        manifest = write_corpus(root, n_files=args.files, seed=args.seed, people=args.people,
                                rows=(3, max(3, args.max_rows)))
        made = time.perf_counter() - started
        verdicts, distinct, seconds, size = run_mamori(root, args.workers)
        ours = score(manifest.files, verdicts, categories=[c for c in CATEGORY_IDS
                                                           if any(c in f.categories for f in manifest.files)])
        theirs = None if args.no_presidio else presidio_side(manifest, root, args.presidio_venv)
        facts = {"seed": args.seed, "files": len(manifest.files), "bytes": size, "corpus_seconds": made,
                 "workers": args.workers, "python": platform.python_version(), "machine": platform.machine(),
                 "formats": sorted({f.format for f in manifest.files}),
                 "kinds": sorted({f.kind for f in manifest.files}),
                 "truth_distinct": inspectable_people(manifest), "truth_distinct_all": manifest.unique_persons,
                 "truth_distinct_linkable": linkable_people(manifest),
                 "mamori_distinct": distinct, "mamori_seconds": seconds,
                 "unreadable_expected": [f.path for f in manifest.files if f.status != "ok"],
                 "unreadable_reported": [p for p, v in verdicts.items() if v.pii is None]}
        print(markdown(facts, ours, theirs))
        if args.list_errors:
            print("\n".join(error_lines(ours, "mamori")))
            presidio_score = theirs.get("score") if theirs else None
            if isinstance(presidio_score, Score):
                print("\n".join(error_lines(presidio_score, "Presidio", files_only=True)))
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(_json(facts, ours, theirs), ensure_ascii=False, indent=1), encoding="utf-8")
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _score_json(s: Score) -> dict[str, object]:
    return {"files": s.files, "tp": s.tp, "fp": s.fp, "fn": s.fn, "tn": s.tn, "recall": s.recall,
            "precision": s.precision, "not_inspected": s.not_inspected,
            "person_counts_within_1pct": [s.counts_within, s.counts_total],
            "categories": {c.category: {"precision": c.precision, "recall": c.recall, "f1": c.f1,
                                        "tp": c.tp, "fp": c.fp, "fn": c.fn} for c in s.categories},
            "errors": [asdict(e) for e in s.errors]}


def _json(facts: dict[str, object], ours: Score, theirs: dict[str, object] | None) -> dict[str, object]:
    out: dict[str, object] = {"corpus": facts, "mamori": _score_json(ours)}
    if theirs is not None:
        out["presidio"] = {k: _score_json(v) if isinstance(v, Score) else v for k, v in theirs.items()}
    return out


if __name__ == "__main__":
    sys.exit(main())
