"""User-facing words: one gettext catalogue (Japanese by default, English with ``--lang en``).

The msgids are stable keys (``status.ok``, ``ui.login``, ``case.title``, ``reason.zip_encrypted``),
not English sentences: the same English word needs different Japanese in different places
(「申請」 / 「申請日時」), and a key that is missing shows as itself, which the tests catch.
The catalogue lives in ``mamori/i18n/locale/<lang>/LC_MESSAGES/django.po``; Django reads it
through ``LOCALE_PATHS`` and the command and the reports through :func:`t`. Placeholders use
``str.format`` names (``{path}``).
"""

from __future__ import annotations

import gettext
from functools import cache
from typing import TYPE_CHECKING

from mamori.i18n.catalogue import LOCALE_DIR, ensure_compiled, in_memory
from mamori.i18n.said import Said, from_json, localize, message_of, said, said_json

if TYPE_CHECKING:
    from mamori.models import Location

LANGS = ("ja", "en")
DOMAIN = "django"

__all__ = [
    "LANGS",
    "LOCALE_DIR",
    "Said",
    "category_label",
    "from_json",
    "localize",
    "location_label",
    "message_of",
    "pii_label",
    "said",
    "said_json",
    "status_label",
    "t",
    "translations",
]


@cache
def translations(lang: str) -> gettext.GNUTranslations:
    """The compiled catalogue of *lang* (English for anything but ``ja``), compiled first if stale."""
    code = "en" if lang == "en" else "ja"
    try:
        ensure_compiled()
    except OSError:  # an installation we may not write to: compile this language in memory instead
        return in_memory(LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po")
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[code])


def t(key: str, lang: str = "ja", /, **kwargs: object) -> str:
    """The message *key* in *lang*, formatted with *kwargs* (the key itself when the catalogue lacks it)."""
    text = translations(lang).gettext(key)
    return text.format(**kwargs) if kwargs else text


def status_label(status: str, lang: str = "ja") -> str:
    return t(f"status.{status}", lang)


def pii_label(pii: bool | None, lang: str = "ja") -> str:
    return t("pii.null" if pii is None else ("pii.true" if pii else "pii.false"), lang)


def category_label(category: str, lang: str = "ja") -> str:
    """A category id's label; an id outside the vocabulary shows as itself."""
    key = f"category.{category}"
    text = t(key, lang)
    return category if text == key else text


def location_label(location: Location, lang: str = "ja") -> str:
    """Where in a document, for people: 「シート 名簿 2行目 3列目」 / "sheet 名簿 row 2 col 3"."""
    bits = [location.part] if location.part else []
    for key, value in (("sheet", location.sheet), ("page", location.page), ("row", location.row),
                       ("col", location.column), ("line", location.line)):
        if value is not None:
            bits.append(t(f"loc.{key}", lang, value=value))
    return " ".join(bits) or t("loc.document", lang)
