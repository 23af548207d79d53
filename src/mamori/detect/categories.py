"""The one vocabulary of personal-data categories (public contract); labels are in the catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from mamori.i18n import category_label


@dataclass(frozen=True)
class Category:
    """A kind of personal data; ``special_care`` marks 要配慮個人情報."""

    id: str
    special_care: bool = False

    def label(self, lang: str = "ja") -> str:
        """The label of the catalogue (``category.<id>``)."""
        return category_label(self.id, lang)


CATEGORIES: tuple[Category, ...] = (
    Category("name"),
    Category("name_kana"),
    Category("address"),
    Category("postal_code"),
    Category("birth_date"),
    Category("age"),
    Category("gender"),
    Category("phone"),
    Category("email"),
    Category("my_number"),
    Category("resident_code"),
    Category("drivers_license"),
    Category("passport"),
    Category("insurance_number"),
    Category("pension_number"),
    Category("bank_account"),
    Category("credit_card"),
    Category("disability", special_care=True),
    Category("care_need", special_care=True),
    Category("health", special_care=True),
    Category("criminal_record", special_care=True),
    Category("salary"),
    Category("school"),
)

BY_ID: dict[str, Category] = {c.id: c for c in CATEGORIES}
CATEGORY_IDS: tuple[str, ...] = tuple(c.id for c in CATEGORIES)
SPECIAL_CARE: frozenset[str] = frozenset(c.id for c in CATEGORIES if c.special_care)


def is_special_care(categories: frozenset[str] | set[str] | tuple[str, ...]) -> bool:
    """True when any of *categories* is 要配慮個人情報."""
    return any(c in SPECIAL_CARE for c in categories)


def ordered(categories: frozenset[str] | set[str]) -> list[str]:
    """Categories in vocabulary order (stable output)."""
    return [c for c in CATEGORY_IDS if c in categories]
