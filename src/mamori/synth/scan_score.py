"""Scoring OCR on rendered pages: character accuracy against what was drawn, and whether mamori found the
document's people by name (and by name and address) in what OCR read.

A person counts as found by name when the OCR'd document yields the identity key of their name
(``KeyKind.NAME``), by name and address when it yields ``KeyKind.NAME_ADDRESS``; both are computed with
the same secret as the scan, so no value is compared in the clear.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mamori.normalize.address import address_key
from mamori.normalize.text import name_key
from mamori.people.keys import KeyKind, KeyMaker
from mamori.synth.model import Resident, SynthDoc


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions), two rows of memory."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _plain(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def char_accuracy(drawn: str, read: str) -> float:
    """1 − CER: one minus the edit distance over the drawn characters (whitespace ignored), floored at 0."""
    truth = _plain(drawn)
    if not truth:
        return 1.0
    return max(0.0, 1.0 - edit_distance(truth, _plain(read)) / len(truth))


@dataclass(frozen=True)
class Recall:
    """People of a document found by name and by name + address, out of those it holds."""

    people: int
    by_name: int
    with_address: int  # people whose address the document gives
    by_address: int

    def __add__(self, other: Recall) -> Recall:
        return Recall(self.people + other.people, self.by_name + other.by_name,
                      self.with_address + other.with_address, self.by_address + other.by_address)

    @property
    def name_recall(self) -> float:
        return self.by_name / self.people if self.people else 1.0

    @property
    def address_recall(self) -> float:
        return self.by_address / self.with_address if self.with_address else 1.0


def people_of(doc: SynthDoc, pool: Sequence[Resident]) -> list[Resident]:
    """The residents *doc* is about (its truth), from *pool*."""
    by_id = {r.id: r for r in pool}
    return [by_id[i] for i in sorted(doc.truth.person_ids) if i in by_id]


def recall(doc: SynthDoc, people: Iterable[Resident], keys: Iterable[Iterable[bytes]], keymaker: KeyMaker) -> Recall:
    """How many of *people* the person records' *keys* name, and name with their address."""
    found = {k for record in keys for k in record}
    text = "\n".join("\t".join(row) for row in (*doc.rows, *((p,) for p in doc.paragraphs)))
    total = named = addressed = with_address = 0
    for person in people:
        total += 1
        name = name_key(person.full_name)
        named += keymaker.mac(KeyKind.NAME, name) in found
        if person.town and person.town in text:
            with_address += 1
            addressed += keymaker.mac(KeyKind.NAME_ADDRESS, f"{name}|{address_key(person.address)}") in found
    return Recall(total, named, with_address, addressed)
