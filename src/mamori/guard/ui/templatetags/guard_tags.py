"""``{% t "key" %}`` and ``{{ id|category }}``: the ja/en words in templates."""

from __future__ import annotations

from typing import Any

from django import template

from mamori.guard.ui.words import category_label, word

register = template.Library()


@register.simple_tag(takes_context=True)
def t(context: dict[str, Any], key: str) -> str:
    """The word for `key` in the page's language."""
    return word(key, context.get("lang", "ja"))


@register.simple_tag(takes_context=True)
def category(context: dict[str, Any], category_id: str) -> str:
    """A category's label in the page's language."""
    return category_label(category_id, context.get("lang", "ja"))


@register.filter
def plan_count(plan: Any, kind: str) -> int:
    """How many changes of `kind` a staff-import plan holds."""
    return int(plan.count(kind))
