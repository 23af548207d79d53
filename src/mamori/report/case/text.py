"""The case reports' words (``case.*`` keys of the one catalogue) and small value formats."""

from __future__ import annotations

from mamori.i18n import category_label, t


def w(key: str, lang: str = "ja", **kwargs: object) -> str:
    """The catalogue's ``case.<key>`` in *lang*."""
    return t(f"case.{key}", lang, **kwargs)


def categories_text(categories: tuple[str, ...] | list[str], lang: str) -> str:
    labels = [category_label(c, lang) for c in categories]
    return ("、" if lang == "ja" else ", ").join(labels)


def number(value: int | None) -> str:
    return "" if value is None else f"{value:,}"
