"""OCR of scanned synth documents: character accuracy, name and address recall, pages/s beside a text layer.

Run: ``.venv/bin/python benchmarks/ocr.py [--rows 15] [--kinds resident_list,...] [--dpi 200]``.

Each synth document is printed (``synth.render.scan_page``: IPAex Gothic, a light tilt and blur, landscape
when wide) to image pages and saved in turn as PNG, TIFF, JPEG and an image-only PDF. In the same run:

* OCR — ``extract.ocr.ocr_document`` (Tesseract jpn, one thread, what ``--ocr`` runs), then the detector;
* floor — the same document as a PDF *with* a text layer, read by the PDF extractor (what a scan does
  when no OCR is needed), then the detector.

Character accuracy is 1 − CER against the text drawn on the pages (whitespace ignored). Name recall: the
share of the document's people (its truth) whose name's identity key the detector produced; address
recall: the same for name + address keys, over people whose town is printed. Both are given for the OCR
text and for the drawn text itself, so the loss due to OCR is visible. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from mamori.detect.engine import analyze
from mamori.extract.ocr import OcrOptions, ocr_document
from mamori.extract.registry import choose
from mamori.models import Document, Item, TextBlock
from mamori.people.keys import KeyMaker
from mamori.synth.documents import make_document
from mamori.synth.render.base import renderers
from mamori.synth.render.scan_page import render_pages
from mamori.synth.residents import generate_residents
from mamori.synth.scan_score import Recall, char_accuracy, people_of, recall

KINDS = ("resident_list", "voter_list", "event_applications", "care_need_list", "mailing_labels",
         "school_roster", "disability_list", "household_list", "letter", "consultation", "case_notes")
FORMATS = ("png", "tiff", "jpeg", "pdf")


def _save(pages: list[object], fmt: str, path: Path, dpi: int) -> None:
    images = list(pages)
    first = images[0]
    if fmt in ("png", "jpeg"):
        first.save(path, format=fmt.upper())  # type: ignore[attr-defined]
        for n, image in enumerate(images[1:], start=2):
            image.save(path.with_name(f"{path.stem}_{n}.{fmt}"), format=fmt.upper())  # type: ignore[attr-defined]
    else:
        first.save(path, format=fmt.upper(), save_all=True, append_images=images[1:],  # type: ignore[attr-defined]
                   resolution=float(dpi))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=15)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--seeds", type=int, default=2, help="documents per kind")
    args = parser.parse_args()
    keymaker = KeyMaker(b"benchmark-secret" * 2)
    pool = generate_residents(400, 11)
    options = OcrOptions()
    rows: list[str] = []
    total_ocr, total_text = Recall(0, 0, 0, 0), Recall(0, 0, 0, 0)
    drawn_chars = errors_weighted = 0.0
    ocr_s = floor_s = 0.0
    pages_total = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        kinds = args.kinds.split(",")
        for index, kind in enumerate(kind for _ in range(args.seeds) for kind in kinds):
            doc = make_document(kind, pool, rows=args.rows, seed=index)
            rendered = render_pages(doc, dpi=args.dpi, seed=index)
            fmt = FORMATS[index % len(FORMATS)]
            path = folder / f"{kind}{index}.{fmt}"
            _save([image for image, _ in rendered], fmt, path, args.dpi)
            files = sorted(folder.glob(f"{kind}{index}*.{fmt}"))
            clock = time.perf_counter()
            blocks: list[TextBlock] = []
            for file in files:
                document = ocr_document(Item(file.name, file.stat().st_size, "", fs_path=file), options)
                blocks.extend(document.blocks)
            ocr_doc = Document("ocr", blocks=tuple(blocks))
            ocr_keys = analyze(ocr_doc, keymaker, kind).person_keys
            ocr_s += time.perf_counter() - clock
            drawn = "\n".join(line for _, lines in rendered for line in lines)
            accuracy = char_accuracy(drawn, ocr_doc.all_text())
            length = len("".join(drawn.split()))
            drawn_chars += length
            errors_weighted += accuracy * length
            # The floor: the same document as a text PDF, read and analysed as a scan without OCR would.
            text_pdf = renderers().get("pdf").render(doc, None)
            clock = time.perf_counter()
            item = Item(f"{kind}.pdf", len(text_pdf), "", data=text_pdf)
            extractor = choose(item, text_pdf[:8192], generic=False)
            assert extractor is not None
            with item.open() as stream:
                analyze(extractor.extract(stream, item), keymaker, kind)
            floor_s += time.perf_counter() - clock
            text_keys = analyze(Document("drawn", blocks=(TextBlock(drawn),)), keymaker, kind).person_keys
            people = people_of(doc, pool)
            got, base = recall(doc, people, ocr_keys, keymaker), recall(doc, people, text_keys, keymaker)
            total_ocr, total_text = total_ocr + got, total_text + base
            pages_total += len(rendered)
            rows.append(f"| {kind} | {fmt} | {len(rendered)} | {accuracy:.3f} | {got.by_name}/{got.people} "
                        f"({base.by_name}) | {got.by_address}/{got.with_address} ({base.by_address}) |")
            print(rows[-1], file=sys.stderr)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"load {Path('/proc/loadavg').read_text().split()[:3] if Path('/proc/loadavg').exists() else '?'}")
    print(f"command: .venv/bin/python benchmarks/ocr.py --rows {args.rows} --dpi {args.dpi} --seeds {args.seeds}\n")
    print("| document | saved as | pages | char accuracy | names found by OCR (drawn text) "
          "| name+address found by OCR (drawn text) |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"| **all** | | {pages_total} | {errors_weighted / max(drawn_chars, 1):.3f} "
          f"| **{total_ocr.name_recall:.3f}** ({total_text.name_recall:.3f}) "
          f"| {total_ocr.address_recall:.3f} ({total_text.address_recall:.3f}) |")
    print(f"\nOCR + detection: {pages_total / ocr_s:.2f} pages/s ({ocr_s:.1f} s); floor, the same documents with a "
          f"text layer: {pages_total / floor_s:.1f} pages/s ({floor_s:.2f} s); OCR is {ocr_s / floor_s:.0f}× the floor")


if __name__ == "__main__":
    main()
