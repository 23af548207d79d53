"""Which files a log path names: globs and rotated sets, ordered oldest first."""

from __future__ import annotations

import glob
import re
from pathlib import Path

from mamori.errors import ConfigError

_COMPRESSED = re.compile(r"\.(gz|bz2|xz)$", re.IGNORECASE)
_NUMBERED = re.compile(r"^(.*?)[.-](\d{1,4})$")
_DATED = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?:[-_T]?(\d{2})(\d{2})?)?(?!\d)")


def rotation_key(path: Path) -> tuple[str, int, str, int]:
    """Sort key putting a rotated set oldest first.

    ``access_log.3.gz`` < ``access_log.2`` < ``access_log.1`` < ``access_log`` (numbered: higher is
    older) and ``vsftpd.log-20150410.gz`` < ``vsftpd.log-20150417`` < ``vsftpd.log`` (dated: the live
    file, without a date, is newest).
    """
    name = _COMPRESSED.sub("", path.name)
    dated = _DATED.search(name)
    if dated:
        base = name[: dated.start()].rstrip(".-_") + name[dated.end():]
        stamp = "".join(g or "00" for g in dated.groups())
        return (str(path.parent / base), 0, stamp, 0)
    numbered = _NUMBERED.match(name)
    if numbered:
        return (str(path.parent / numbered.group(1)), 1, "", -int(numbered.group(2)))
    return (str(path.parent / name), 2, "", 0)


def expand_log_paths(spec: str | Path, *, rotated: bool = False) -> list[Path]:
    """The files *spec* names, oldest first: a glob (``access_log*``), or one file.

    With *rotated*, a plain file name also takes its rotated siblings (``name.1``, ``name.2.gz``,
    ``name-20150412``). Raises ConfigError when nothing matches.
    """
    text = str(spec)
    if glob.has_magic(text):
        found = [Path(p) for p in glob.glob(text)]
    else:
        path = Path(text)
        found = [path] if path.exists() else []
        if rotated:
            found += [Path(p) for p in glob.glob(glob.escape(text) + "[._-]*")]
    files = sorted({p for p in found if p.is_file()}, key=rotation_key)
    if not files:
        raise ConfigError(f"log path '{spec}' matches no file; check the path (globs like access_log* work)")
    return files
