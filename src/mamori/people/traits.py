"""A row's traits (age, sex, contact, licence and account numbers) as compared between rows of one list.

Two name-only rows of one list with the same name are one person unless a trait both state differs
(``resolve.name_groups``): 山田 太郎 aged 45 and 山田 太郎 aged 72 are two people, the same row
written twice is one. Values are compared after the normalisation here, so 男 and 男性, ４５歳 and
45, 1234-5678 and 12345678 are the same.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from mamori.normalize.age import parse_age
from mamori.normalize.text import email_key, phone_key
from mamori.people.keys import TRAITS

_GENDERS = {"男": "m", "男性": "m", "M": "m", "MALE": "m", "女": "f", "女性": "f", "F": "f", "FEMALE": "f"}
_NOISE = re.compile(r"[\s\-‐‑‒–—―ー－/・.,]")


def trait_value(trait: str, text: str) -> str:
    """*text* of a *trait* column as compared ("" when it says nothing)."""
    norm = unicodedata.normalize("NFKC", text).strip()
    if not norm:
        return ""
    if trait == "age":
        age = parse_age(norm)
        return "" if age is None else str(age)
    if trait == "gender":
        upper = unicodedata.normalize("NFKC", norm.upper())
        return _GENDERS.get(upper, upper)
    if trait == "phone":
        return phone_key(norm)
    if trait == "email":
        return unicodedata.normalize("NFKC", email_key(norm))
    # Upper case can decompose a letter (ǰ → J̌): normalised again so a value read twice stays the same.
    return unicodedata.normalize("NFKC", _NOISE.sub("", norm).upper())


def row_traits(cells: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """(trait, value) of one row from trait → cell text (only the traits of ``TRAITS`` that say something)."""
    return tuple((t, v) for t in TRAITS if t in cells and (v := trait_value(t, cells[t])))
