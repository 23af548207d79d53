"""Identity keys: keyed hashes (a per-run secret) of the values that identify a person.

A key is 16 bytes: one byte saying what kind of value it stands for (``KeyKind``), then 15 bytes of
keyed BLAKE2b over the normalised value. Keyed BLAKE2 is a MAC by design (RFC 7693 §2.9: the key is
mixed into the state, so no length-extension and no HMAC double pass is needed); it is about five
times faster than HMAC-SHA256 in CPython, which matters at a million rows. Raw values never leave
this module; two records share a key exactly when they share the normalised value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from mamori.normalize.address import address_key
from mamori.normalize.text import digits, email_key, is_kana_key, name_key, phone_key

KEY_BYTES = 16
_MAX_SECRET = 64  # BLAKE2b keys are at most 64 bytes


class KeyKind(IntEnum):
    """What a key's value is; the first byte of every key."""

    NAME_BIRTH = 1
    NAME_ADDRESS = 2
    NAME_PHONE = 3
    EMAIL = 4
    MY_NUMBER = 5
    NAME_ONLY = 6  # no longer made: a name was once valid only inside one item (scoped by its path)
    KANA_BIRTH = 7  # a reading and a birth date, for people known only by the reading
    NAME = 8  # the normalised name (or reading) alone: links only where no conflict kind disagrees
    NAME_YEAR = 9  # the name and the birth year: never links, tells namesakes apart from a stated age
    NAME_AGE = 10  # a birth year a stated age allows (a NAME_YEAR value under another kind byte)
    LIST_TRAIT = 11  # a trait (age, sex, a licence number) of a name-only row, scoped to its list: never links


#: Kinds a person has only one value of: two records that differ in one of them are two people,
#: even when another key links them (namesakes born the same day, at different addresses).
CONFLICT_KINDS: tuple[KeyKind, ...] = (KeyKind.NAME_BIRTH, KeyKind.NAME_ADDRESS, KeyKind.MY_NUMBER)

#: Kinds that say which birth years a record allows (``resolve`` compares them under a NAME key).
YEAR_KINDS: tuple[KeyKind, ...] = (KeyKind.NAME_YEAR, KeyKind.NAME_AGE)
#: Kinds that never link two records: attributes ``resolve`` compares (birth years, traits in a list).
ATTRIBUTE_KINDS: tuple[KeyKind, ...] = (*YEAR_KINDS, KeyKind.LIST_TRAIT)
#: Traits that tell two name-only rows of one list apart (the same name, 45 and 72 years old).
#: (Phones and e-mails too: one person entered twice in one list gives the same contact far more often
#: than two namesakes share one.)
TRAITS: tuple[str, ...] = ("age", "gender", "drivers_license", "passport", "insurance_number", "pension_number",
                           "resident_code", "bank_account", "credit_card", "phone", "email")
#: A LIST_TRAIT key: kind, 8 bytes of the list and name, the trait's number (its first 10 bytes: the
#: field), then 6 bytes of the value.
TRAIT_FIELD = 10


@dataclass(frozen=True)
class PersonFields:
    """What a document says about one person, already split by kind (raw strings)."""

    name: str = ""
    birth_date: date | None = None
    address: str = ""
    phone: str = ""
    email: str = ""
    my_number: str = ""
    kana: str = ""
    birth_years: tuple[int, ...] = ()  # without a birth date: the years a stated age allows (people.age)
    listed_in: str = ""  # the list (item and table) a row of a table stands in
    traits: tuple[tuple[str, str], ...] = ()  # (trait of TRAITS, normalised value) of that row


def kind_of(key: bytes) -> int:
    """The ``KeyKind`` value of *key*."""
    return key[0]


class KeyMaker:
    """Makes identity keys with one secret (one per run; never written anywhere)."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret
        self._base = hashlib.blake2b(key=secret[:_MAX_SECRET], digest_size=KEY_BYTES - 1)

    def __reduce__(self) -> tuple[type[KeyMaker], tuple[bytes]]:
        return (KeyMaker, (self._secret,))

    def mac(self, kind: KeyKind, value: str, tag: KeyKind | None = None) -> bytes:
        """The key of one normalised *value* of *kind* (marked as *tag* when given: NAME_AGE)."""
        h = self._base.copy()
        h.update(bytes((kind,)) + value.encode("utf-8", "surrogatepass"))
        return bytes((kind if tag is None else tag,)) + h.digest()

    def mac_many(self, kind: KeyKind, values: Iterable[bytes], tag: KeyKind | None = None) -> list[bytes]:
        """Keys of many UTF-8 encoded values of one kind (the vectorised path's per-value step)."""
        base = self._base.copy()
        base.update(bytes((kind,)))
        mark = bytes((kind if tag is None else tag,))
        copy = base.copy
        out: list[bytes] = []
        append = out.append
        for value in values:
            h = copy()
            h.update(value)
            append(mark + h.digest())
        return out

    def keys(self, person: PersonFields, scope: str = "") -> tuple[bytes, ...]:
        """Every identity key *person* supports (conflict kinds first, then the name, then birth years).

        Every named person gets a NAME key; ``resolve`` lets it join records only where no conflict
        kind disagrees (namesakes with different birth dates stay apart) and the birth years fit.
        *scope* (the item's path) is kept for callers: a name is no longer scoped to one item.
        """
        out: list[bytes] = []
        name = name_key(person.name) if person.name else ""
        kana = name_key(person.kana) if person.kana else ""
        if name and is_kana_key(name):
            kana, name = kana or name, ""
        birth = person.birth_date.isoformat() if person.birth_date else ""
        if name and birth:
            out.append(self.mac(KeyKind.NAME_BIRTH, f"{name}|{birth}"))
        address = address_key(person.address) if person.address else ""
        if name and address:
            out.append(self.mac(KeyKind.NAME_ADDRESS, f"{name}|{address}"))
        number = digits(person.my_number) if person.my_number else ""
        if len(number) == 12:
            out.append(self.mac(KeyKind.MY_NUMBER, number))
        phone = phone_key(person.phone) if person.phone else ""
        if name and len(phone) >= 10:
            out.append(self.mac(KeyKind.NAME_PHONE, f"{name}|{phone}"))
        email = email_key(person.email) if person.email else ""
        if "@" in email:
            out.append(self.mac(KeyKind.EMAIL, email))
        if kana and birth and not name:
            out.append(self.mac(KeyKind.KANA_BIRTH, f"{kana}|{birth}"))
        if name or kana:
            out.append(self.mac(KeyKind.NAME, name or kana))
            if birth:
                out.append(self.mac(KeyKind.NAME_YEAR, f"{name or kana}|{birth[:4]}"))
            else:
                # NAME_YEAR values under their own kind: resolve compares what follows the kind byte.
                out.extend(self.mac(KeyKind.NAME_YEAR, f"{name or kana}|{year:04d}", KeyKind.NAME_AGE)
                           for year in sorted(set(person.birth_years)))
            if person.listed_in and person.traits and not (birth or address or len(number) == 12):
                out.extend(self.trait_keys(person.listed_in, name or kana, person.traits))
        return tuple(out)

    def trait_keys(self, listed_in: str, name: str, traits: Iterable[tuple[str, str]]) -> list[bytes]:
        """LIST_TRAIT keys of a name-only row: two rows of one list whose traits differ are two people."""
        scope = self.mac(KeyKind.LIST_TRAIT, f"{listed_in}|{name}")
        return [trait_key(scope, trait, self.mac(KeyKind.LIST_TRAIT, f"{trait}|{value}"))
                for trait, value in sorted(traits) if value]


def trait_key(scope: bytes, trait: str, value: bytes) -> bytes:
    """A LIST_TRAIT key from the keys of its list and name (*scope*) and of ``trait|value`` (*value*)."""
    return (bytes((KeyKind.LIST_TRAIT,)) + scope[1:TRAIT_FIELD - 1] + bytes((TRAITS.index(trait) + 1,))
            + value[1:KEY_BYTES - TRAIT_FIELD + 1])
