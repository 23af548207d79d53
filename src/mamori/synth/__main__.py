"""``python -m mamori.synth corpus OUT --files N --seed S`` and ``… voters FILE --rows N``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mamori.errors import MamoriError
from mamori.synth.corpus import manifest_path_for, write_corpus, write_voter_list


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, write what was asked, say where it went."""
    parser = argparse.ArgumentParser(prog="python -m mamori.synth", description="Write synthetic municipal files.")
    sub = parser.add_subparsers(dest="command", required=True)
    corpus = sub.add_parser("corpus", help="a varied corpus of documents and its truth (OUT.truth.json)")
    corpus.add_argument("out", type=Path)
    corpus.add_argument("--files", type=int, default=200)
    corpus.add_argument("--seed", type=int, default=0)
    corpus.add_argument("--people", type=int, default=2000, help="size of the resident pool")
    corpus.add_argument("--max-rows", type=int, default=60)
    corpus.add_argument("--formats", help="comma-separated renderer names (default: all registered)")
    corpus.add_argument("--manifest", type=Path, help="where to write the truth (default: OUT.truth.json)")
    voters = sub.add_parser("voters", help="one big CP932 voter-list CSV (benchmarks)")
    voters.add_argument("path", type=Path)
    voters.add_argument("--rows", type=int, default=682_524)
    voters.add_argument("--seed", type=int, default=0)
    voters.add_argument("--encoding", default="cp932")
    args = parser.parse_args(argv)
    try:
        if args.command == "corpus":
            formats = args.formats.split(",") if args.formats else None
            manifest = write_corpus(args.out, n_files=args.files, seed=args.seed, formats=formats,
                                    people=args.people, rows=(3, max(3, args.max_rows)),
                                    manifest_path=args.manifest)
            where = args.manifest or manifest_path_for(args.out)
            print(f"{len(manifest.files)} files in {args.out}; {manifest.unique_persons} distinct people; "
                  f"truth in {where}")
        else:
            truth = write_voter_list(args.path, args.rows, args.seed, args.encoding)
            print(f"{truth.persons} voters in {args.path}")
    except MamoriError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
