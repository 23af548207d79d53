"""report.pdf of an investigation: the HTML page laid out by WeasyPrint (optional).

WeasyPrint needs Debian's pango libraries and, for Japanese, a CJK font (IPAex or Noto CJK). When
the package or its libraries are missing the PDF is skipped with a reason; the other reports stand.
"""

from __future__ import annotations

import logging
from pathlib import Path

#: Debian packages WeasyPrint needs to lay out a Japanese report.
APT_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-ipaexfont-gothic")


def pdf_unavailable() -> str | None:
    """Why a PDF cannot be made here, or None when WeasyPrint is usable."""
    try:
        import weasyprint  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return "the weasyprint package is not installed (pip install weasyprint)"
    except OSError as exc:  # its C libraries (pango) are missing
        return f"WeasyPrint cannot load its libraries ({exc}); install: {' '.join(APT_PACKAGES)}"
    return None


def write_pdf(html: str, path: Path, base: Path) -> str | None:
    """Lay out *html* as *path*; returns a warning instead of the PDF when it cannot be made."""
    reason = pdf_unavailable()
    if reason is not None:
        return reason
    import weasyprint

    # WeasyPrint reports unsupported CSS and missing glyphs through logging; they are not errors here.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    try:
        weasyprint.HTML(string=html, base_url=str(base)).write_pdf(str(path))
    except Exception as exc:  # noqa: BLE001 - a PDF that fails must not lose the other reports
        path.unlink(missing_ok=True)
        return f"report.pdf was not written: WeasyPrint failed ({type(exc).__name__}: {exc})"
    return None
