"""docx letters: mamori's scan beside lxml reading the same documents' text, in the same run (issue 18).

Writes *N* letters (``mamori.synth`` prose kind ``letter``, 80 residents to draw from each) as .docx once,
then times, best of ``--repeat``:

* floor: lxml parsing every ``word/document.xml`` and joining its ``w:t`` texts (the zip inflated too);
* mamori: ``Scan([folder], ScanOptions(workers=1)).results()`` in this process (one core, as the floor),
  everything a scan does: sniffing, extraction, detection, people and the distinct count.

Prints the MB/s of both (of the .docx bytes), the ratio and the load average. Run:
``.venv/bin/python benchmarks/docx_letters.py [--letters 2000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import random
import time
import zipfile
from pathlib import Path

from lxml import etree

W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"


def corpus(data: Path, letters: int) -> Path:
    from mamori.synth.documents import make_document
    from mamori.synth.render.base import render
    from mamori.synth.residents import generate_residents

    folder = data / f"docx_letters_{letters}"
    done = data / f"docx_letters_{letters}.done"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    people = generate_residents(2000, 7)
    rng = random.Random(7)
    for i in range(letters):
        doc = make_document("letter", rng.sample(people, 80), seed=i)
        (folder / f"letter_{i:05d}.docx").write_bytes(render(doc, "docx", None))
    done.write_text(str(letters))
    return folder


def lxml_floor(files: list[Path]) -> int:
    chars = 0
    for path in files:
        with zipfile.ZipFile(path) as z:
            root = etree.fromstring(z.read("word/document.xml"))
        chars += len("".join(t.text or "" for t in root.iter(W_T)))
    return chars


def mamori_scan(folder: Path) -> tuple[int, int]:
    from mamori.scan.runner import Scan, ScanOptions

    scan = Scan([folder], ScanOptions(workers=1))
    items = sum(1 for _ in scan.results())
    assert scan.summary is not None
    return items, scan.summary.unique_persons


def best(fn: object, repeat: int) -> tuple[float, float, object]:
    """Best wall time and best CPU time (this process: the floor and the scan run in it) of *repeat* runs."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(times), min(cpu), result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--letters", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "mamori-bench")
    args = parser.parse_args()
    folder = corpus(args.data, args.letters)
    files = sorted(folder.glob("*.docx"))
    size = sum(p.stat().st_size for p in files)
    mamori_scan(folder)  # warm: bytecode, lexicon caches, the name model
    load_before = os.getloadavg()[0]
    floor_s, floor_cpu, chars = best(lambda: lxml_floor(files), args.repeat)
    ours_s, ours_cpu, (items, persons) = best(lambda: mamori_scan(folder), args.repeat)  # type: ignore[misc]
    mb = size / 1e6
    print(f"{len(files):,} letters, {mb:.1f} MB, {chars:,} characters of w:t; load {load_before:.1f} → "
          f"{os.getloadavg()[0]:.1f}")
    print(f"| | wall s (best of {args.repeat}) | MB/s | ÷ floor | CPU s | ÷ floor (CPU) |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| lxml over w:t (floor) | {floor_s:.2f} | {mb / floor_s:.1f} | 1.00 | {floor_cpu:.2f} | 1.00 |")
    print(f"| mamori scan, 1 process ({items:,} items, {persons:,} persons) | {ours_s:.2f} | {mb / ours_s:.1f} | "
          f"{floor_s / ours_s:.3f} | {ours_cpu:.2f} | {floor_cpu / ours_cpu:.3f} |")


if __name__ == "__main__":
    main()
