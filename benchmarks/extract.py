"""Extraction speed per format on synthetic corpora, beside raw read + decode of the same bytes.

Run: ``.venv/bin/python benchmarks/extract.py [--mb 8] [--formats csv,xlsx,...]``. For every registered
renderer format it writes synthetic roster documents until about ``--mb`` megabytes, then times, in the same
run and on the same files (page cache warm for both):

* ceiling — reading the bytes and decoding them the cheapest way the format allows (text: ``bytes.decode``
  in the file's encoding; zip-based formats: inflating every member; others: reading only);
* mamori — ``choose`` + ``extract`` into a Document, as a scan does.

It prints a Markdown table (MB/s of each, and mamori as a share of the ceiling) for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from mamori.errors import MamoriError
from mamori.extract.registry import choose
from mamori.models import Item
from mamori.synth.corpus import legacy_doc
from mamori.synth.model import SynthDoc, Truth
from mamori.synth.render.base import renderers
from mamori.synth.residents import iter_residents
from mamori.synth.variants import format_date

ROWS_PER_DOC = {"pdf": 400, "pdf_image": 50, "doc": 2000, "docx": 800, "pptx": 300, "odt": 1000, "rtf": 2000}


def roster(rows: int, seed: int) -> SynthDoc:
    """A voter-list style document of *rows* residents."""
    body = tuple(
        (r.full_name, r.gender, format_date(r.birth_date, "wareki"), r.address, r.phone)
        for r in iter_residents(rows, seed)
    )
    return SynthDoc(title="選挙人名簿", kind="roster", header=("氏名", "性別", "生年月日", "住所", "電話番号"),
                    rows=body, title_rows=("令和5年度 選挙人名簿（抄本）",),
                    truth=Truth(person_ids=frozenset(range(rows)), categories=frozenset({"name"})))


def ceiling_read(path: Path, fmt: str, encoding: str | None) -> int:
    data = path.read_bytes()
    if encoding:
        data.decode(encoding, errors="replace")
    elif data[:2] == b"PK":
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                z.read(info)
    return len(data)


def mamori_read(path: Path) -> int:
    data = path.read_bytes()
    item = Item(path=str(path), size=len(data), sha256="", data=data)
    extractor = choose(item, data[:8192], generic=False) or choose(item, data[:8192], generic=True)
    if extractor is None:
        raise SystemExit(f"no extractor for {path}")
    # needs_ocr for image-only PDFs is an answer too: the work of finding out was done.
    with item.open() as stream, contextlib.suppress(MamoriError):
        extractor.extract(stream, item)
    return len(data)


def timed(fn, paths: list[Path], *args: object) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    total = sum(fn(p, *args) for p in paths)
    return time.perf_counter() - start, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=8.0, help="approximate megabytes per format")
    parser.add_argument("--formats", default="", help="comma-separated subset of renderer names")
    parser.add_argument("--repeat", type=int, default=3, help="best of N timings")
    args = parser.parse_args()
    wanted = [f for f in args.formats.split(",") if f] or renderers().names()
    print(f"machine: {platform.platform()}, Python {platform.python_version()}, {sys.argv[0]} --mb {args.mb}\n")
    print("| format | encoding | files | MB | raw read+decode MB/s | mamori MB/s | mamori / raw |")
    print("|---|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in wanted:
            renderer = renderers().get(fmt)
            encoding = renderer.encodings[0] if renderer.encodings else None
            rows = ROWS_PER_DOC.get(fmt, 5000)
            paths: list[Path] = []
            size = 0
            seed = 0
            while size < args.mb * 1_000_000 and len(paths) < 500:
                data = renderer.render(legacy_doc(roster(rows, seed), encoding), encoding)
                path = Path(tmp) / f"{fmt}_{seed}{renderer.suffix}"
                path.write_bytes(data)
                paths.append(path)
                size += len(data)
                seed += 1
            raw = min(timed(ceiling_read, paths, fmt, encoding)[0] for _ in range(args.repeat))
            ours = min(timed(mamori_read, paths)[0] for _ in range(args.repeat))
            mb = size / 1_000_000
            print(f"| {fmt} | {encoding or '-'} | {len(paths)} | {mb:.1f} | {mb / raw:,.1f} | {mb / ours:,.1f} "
                  f"| {raw / ours:.3f} |", flush=True)


if __name__ == "__main__":
    main()
