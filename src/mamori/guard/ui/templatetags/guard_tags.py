"""``{% ui_word key %}`` (a computed ``ui.*`` key) and ``{% category id %}``; literal words use ``{% translate %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language, gettext

from mamori.i18n import category_label, from_json, localize, location_label, status_label
from mamori.models import Location

register = template.Library()


@register.simple_tag
def ui_word(key: str) -> str:
    """The catalogue's ``ui.<key>`` in the active language (for keys a view or a loop computes)."""
    return gettext(f"ui.{key}")


@register.simple_tag(takes_context=True)
def category(context: dict[str, Any], category_id: str) -> str:
    """A category's label in the page's language."""
    return category_label(category_id, context.get("lang", "ja"))


@register.filter
def plan_count(plan: Any, kind: str) -> int:
    """How many changes of `kind` a staff-import plan holds."""
    return int(plan.count(kind))


@register.filter
def file_reason(file: Any) -> str:
    """An uploaded file's reason in the page's language (its English text when no key was kept)."""
    return localize(from_json(getattr(file, "reason_said", None), file.reason), get_language() or "ja")


@register.filter
def sample_where(sample: dict[str, Any]) -> str:
    """Where a masked sample was found, in the page's language: 「名簿.csv 2行目 3列目」."""
    loc = sample.get("loc")
    if not isinstance(loc, dict):
        return str(sample.get("where", ""))
    fields = {k: v for k, v in loc.items() if k in ("sheet", "page", "row", "column", "line", "part")}
    where = location_label(Location(**fields), get_language() or "ja")
    inner = sample.get("inner") or ""
    return f"{inner} {where}".strip()


@register.filter
def said_text(text: str | None) -> str:
    """A structured message (``Said``) in the page's language; other text as it is."""
    return localize(text, get_language() or "ja")


@register.filter
def status_word(status: str) -> str:
    """A scan status (``ok``, ``encrypted`` …) in the page's language."""
    return status_label(status, get_language() or "ja")
