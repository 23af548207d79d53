"""report.html of an investigation: one self-contained page (no script, no network, strict CSP)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from markupsafe import Markup

from mamori.report.case.text import w
from mamori.report.case.view import CaseView
from mamori.report.templating import environment


def render_html(view: CaseView) -> str:
    """The report page of *view* (file names are autoescaped; the SVG is built escaped)."""
    template = environment().get_template("case.html.j2")
    return template.render(v=view, w=partial(w, lang=view.lang), svg=Markup(view.svg))


def write_html(view: CaseView, path: Path) -> Path:
    """Write *view* as HTML to *path*."""
    path.write_text(render_html(view), encoding="utf-8")
    return path
