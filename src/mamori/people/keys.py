"""Identity keys: keyed hashes (HMAC-SHA256, per-run key) of the values that identify a person.

Raw values never leave this module; two records share a key exactly when they share the
normalised value, which is all distinct-person counting needs.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from mamori.people.address import canonical_address
from mamori.people.normalize import digits, name_key

KEY_BYTES = 16


@dataclass(frozen=True)
class PersonFields:
    """What a document says about one person, already split by kind (raw strings)."""

    name: str = ""
    birth_date: date | None = None
    address: str = ""
    phone: str = ""
    email: str = ""
    my_number: str = ""


class KeyMaker:
    """Makes identity keys with one secret key (one per run; never written anywhere)."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, kind: str, value: str) -> bytes:
        return hmac.new(self._secret, f"{kind}\x1f{value}".encode(), hashlib.sha256).digest()[:KEY_BYTES]

    def keys(self, person: PersonFields, scope: str = "") -> tuple[bytes, ...]:
        """Every identity key *person* supports: name+birth date/address/phone, e-mail, My Number.

        A person known by name alone gets a key valid only within *scope* (the item's path).
        """
        out: list[bytes] = []
        name = name_key(person.name) if person.name else ""
        if name:
            if person.birth_date:
                out.append(self._mac("name+birth", f"{name}|{person.birth_date.isoformat()}"))
            if person.address:
                out.append(self._mac("name+address", f"{name}|{canonical_address(person.address)}"))
            if person.phone and len(digits(person.phone)) >= 10:
                out.append(self._mac("name+phone", f"{name}|{digits(person.phone)}"))
        if person.email:
            out.append(self._mac("email", person.email.strip().lower()))
        if len(digits(person.my_number)) == 12:
            out.append(self._mac("my_number", digits(person.my_number)))
        if not out and name:
            # A bare name identifies nobody across files; within one file it still separates rows.
            out.append(self._mac("name-only", f"{scope}|{name}"))
        return tuple(out)
