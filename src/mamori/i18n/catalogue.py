"""Compile the ``.po`` catalogues to ``.mo`` (Babel's pure-Python compiler): at set-up and when stale."""

from __future__ import annotations

import gettext
import io
import os
import tempfile
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def po_files() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def stale() -> list[Path]:
    """The ``.po`` files whose ``.mo`` is missing or older."""
    out = []
    for po in po_files():
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            out.append(po)
    return out


def compile_catalogue(po: Path) -> Path:
    """Write *po*'s ``.mo`` beside it (atomically: a reader never sees half a file)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle, domain=po.stem)
    mo = po.with_suffix(".mo")
    fd, tmp = tempfile.mkstemp(dir=mo.parent, suffix=".mo.tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog)
        os.chmod(tmp, 0o644)
        os.replace(tmp, mo)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return mo


def in_memory(po: Path) -> gettext.GNUTranslations:
    """*po* compiled without writing anything (for a read-only installation)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle, domain=po.stem)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def ensure_compiled() -> None:
    """Compile every stale catalogue (a fresh clone, or an edited ``.po``); cheap when all are current."""
    for po in stale():
        compile_catalogue(po)


def main() -> None:
    """Compile all catalogues, saying which files were written."""
    for po in po_files():
        print(compile_catalogue(po))
