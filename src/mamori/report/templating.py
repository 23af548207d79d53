"""The one Jinja2 environment of mamori's reports."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Templates in ``report/templates``: ``*.html.j2`` autoescaped (file names are untrusted), ``*.md.j2`` not."""
    # select_autoescape() with its defaults would not escape "x.html.j2": it looks at the last extension only.
    return Environment(loader=PackageLoader("mamori.report", "templates"), keep_trailing_newline=True,
                       autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=False))
