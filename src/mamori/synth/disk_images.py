"""Disk images built from folders without mounting anything: FAT (mtools), ext4 (mke2fs -d), NTFS
(mkntfs + ntfscp) and E01 (ewfacquire). For tests, demos and benchmarks of evidence on seized disks.

The Debian tools come from the Makefile (``dosfstools mtools e2fsprogs ntfs-3g ewf-tools``).
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

from mamori.errors import ConfigError

TOOLS = ("mkfs.fat", "mcopy", "mmd", "mdel", "mke2fs", "mkntfs", "ntfscp", "ewfacquire")
_MTOOLS_ENV = {"MTOOLS_SKIP_CHECK": "1", "MTOOLS_NO_VFAT": "0", "LC_ALL": "C.UTF-8"}


def missing_tools(names: Iterable[str] = TOOLS) -> list[str]:
    """The tools of *names* not on PATH (tests skip with this list)."""
    return [n for n in names if shutil.which(n) is None and not Path("/usr/sbin", n).exists()]


def _run(args: Sequence[str | os.PathLike[str]], env: dict[str, str] | None = None) -> None:
    tool = str(args[0])
    exe = shutil.which(tool) or str(Path("/usr/sbin", tool))
    try:
        subprocess.run([exe, *map(str, args[1:])], check=True, capture_output=True, timeout=600,
                       env={**os.environ, **(env or {})})
    except FileNotFoundError:
        raise ConfigError(f"{tool} is not installed; run `make system-deps`") from None
    except subprocess.CalledProcessError as exc:
        raise ConfigError(f"{tool} failed: {exc.stderr.decode(errors='replace').strip()}") from exc


def _tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def fat_image(folder: Path, out: Path, *, delete: Iterable[str] = ()) -> Path:
    """A FAT image holding *folder*'s files (modification times kept), then *delete* (paths relative
    to *folder*) deleted with mdel: their entries and clusters stay until something overwrites them."""
    size_kib = max(8 * 1024, (_tree_bytes(folder) * 3 // 2) // 1024 + 4 * 1024)
    out.unlink(missing_ok=True)
    _run(["mkfs.fat", "-C", out, str(size_kib)])
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_dir():
            _run(["mmd", "-i", out, f"::/{rel}"], _MTOOLS_ENV)
        elif path.is_file():
            _run(["mcopy", "-m", "-i", out, path, f"::/{rel}"], _MTOOLS_ENV)
    for rel in delete:
        _run(["mdel", "-i", out, f"::/{rel}"], _MTOOLS_ENV)
    return out


def ext4_image(folder: Path, out: Path) -> Path:
    """An ext4 image populated from *folder* by ``mke2fs -d`` (times kept)."""
    size_kib = max(8 * 1024, (_tree_bytes(folder) * 2) // 1024 + 8 * 1024)
    out.unlink(missing_ok=True)
    _run(["mke2fs", "-q", "-t", "ext4", "-d", folder, out, f"{size_kib}K"])
    return out


def ntfs_image(files: dict[str, bytes], out: Path, workdir: Path, *, size_mib: int = 8) -> Path:
    """An NTFS image with *files* (name → bytes) in its root folder, written by ntfscp (no mount)."""
    out.unlink(missing_ok=True)
    with out.open("wb") as stream:
        stream.truncate(size_mib * 1024 * 1024)
    _run(["mkntfs", "-F", "-q", "-Q", out])
    workdir.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        source = workdir / "ntfscp.tmp"
        source.write_bytes(data)
        _run(["ntfscp", "-f", out, source, name])
    return out


def partitioned_image(parts: Sequence[tuple[Path, int]], out: Path) -> Path:
    """A disk image with an MBR partition table holding *parts* (filesystem image, MBR type byte) in order,
    each starting on a 1 MiB boundary, as a PC's disk is laid out."""
    table = bytearray(512)
    start = 2048
    with out.open("wb") as stream:
        for index, (image, kind) in enumerate(parts[:4]):
            sectors = -(-image.stat().st_size // 512)
            table[446 + 16 * index: 462 + 16 * index] = struct.pack("<B3sB3sII", 0, bytes(3), kind, bytes(3),
                                                                    start, sectors)
            stream.seek(start * 512)
            with image.open("rb") as source:
                shutil.copyfileobj(source, stream)
            start += -(-sectors // 2048) * 2048
        table[510:512] = b"\x55\xaa"
        stream.seek(0)
        stream.write(table)
        stream.truncate(start * 512)
    return out


def e01_image(raw: Path, out_stem: Path, *, segment_bytes: int | None = None) -> Path:
    """*raw* acquired into an EnCase 6 image ``out_stem.E01`` (deflate, unattended; split into E02… segments
    of *segment_bytes* when given, stored uncompressed then so the split happens); its first segment."""
    for old in out_stem.parent.glob(out_stem.name + ".E*"):
        old.unlink()
    split = ["-c", "none", "-S", str(segment_bytes)] if segment_bytes else ["-c", "deflate:fast"]
    _run(["ewfacquire", "-u", "-q", "-t", out_stem, "-f", "encase6", *split, "-D", "synthetic",
          "-e", "mamori", "-E", "1", "-N", "none", "-m", "fixed", "-M", "logical", raw])
    return out_stem.with_name(out_stem.name + ".E01")
