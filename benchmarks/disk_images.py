"""Reading files out of disk images (raw ext4 and its E01) beside reading the same files from a folder.

Run: ``.venv/bin/python benchmarks/disk_images.py [--files 3000]``. Writes *files* small files into a
folder, builds an ext4 image of it (``mke2fs -d``) and an E01 of that (``ewfacquire``), then times in the
same run: the folder (walk + sha256 of every file, the floor), the raw image and the E01 (list every entry
through The Sleuth Kit, deleted ones included, + sha256 of every file streamed from the image).
Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import tempfile
import time
from pathlib import Path

from mamori.evidence import disk_image
from mamori.evidence.disk_read import open_entry, walk_image
from mamori.evidence.files import walk
from mamori.synth.disk_images import e01_image, ext4_image


def _folder(root: Path) -> tuple[int, int]:
    count = size = 0
    for ref in walk([root]):
        digest = hashlib.sha256()
        with ref.fs_path.open("rb") as stream:
            while block := stream.read(1 << 20):
                digest.update(block)
                size += len(block)
        count += 1
    return count, size


def _image(path: Path) -> tuple[int, int]:
    disk_image._cached.cache_clear()  # each run opens the image afresh
    count = size = 0
    for entry in walk_image(path):
        digest = hashlib.sha256()
        with open_entry(entry.address) as stream:
            while block := stream.read(1 << 20):
                digest.update(block)
                size += len(block)
        count += 1
    return count, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000)
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "files"
        for i in range(args.files):
            folder = root / f"d{i // 100:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"名簿{i:06d}.csv").write_bytes(rng.randbytes(200 + i % 20_000))
        raw = ext4_image(root, Path(tmp) / "disk.raw")
        e01 = e01_image(raw, Path(tmp) / "disk")
        rows = []
        floor = None
        for label, fn, target in (("folder (floor)", _folder, root), ("raw ext4 image", _image, raw),
                                  ("E01 of it", _image, e01)):
            clock = time.perf_counter()
            count, size = fn(target)
            took = time.perf_counter() - clock
            floor = floor or took
            rows.append(f"| {label} | {count} | {size / 1e6:.1f} | {count / took:,.0f} | {took / floor:.1f}× |")
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else "?"
    print(f"{os.cpu_count()} cores, load {load}; command: .venv/bin/python benchmarks/disk_images.py "
          f"--files {args.files}\n")
    print("| source | files | MB | files/s (list + sha256) | time vs floor |\n|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
