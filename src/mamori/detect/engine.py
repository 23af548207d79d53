"""Document → Analysis: categories with confidence, people (as identity keys) and masked samples."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mamori.detect.base import Finding
from mamori.detect.columns import FAMILY_NAME, GIVEN_NAME, TableLayout, classify
from mamori.detect.masking import mask
from mamori.detect.names.prose import find_person_names
from mamori.detect.registry import detectors
from mamori.models import Document, Location, Sample, Table
from mamori.people.dedupe import DistinctPeople
from mamori.people.keys import KeyMaker, PersonFields
from mamori.people.normalize import nfkc
from mamori.people.wareki import parse_date

MAX_SAMPLES = 5

@dataclass(frozen=True)
class Analysis:
    """What detection found in one document."""

    categories: dict[str, float]  # category → confidence
    persons: tuple[tuple[bytes, ...], ...]  # identity keys of each distinct person in the document
    samples: tuple[Sample, ...]


class _Collector:
    def __init__(self, keymaker: KeyMaker, scope: str) -> None:
        self.keymaker = keymaker
        self.scope = scope
        self.categories: dict[str, float] = {}
        self.records: list[tuple[bytes, ...]] = []
        self.samples: list[Sample] = []

    def category(self, category: str, confidence: float, value: str, location: Location) -> None:
        if confidence > self.categories.get(category, 0.0):
            self.categories[category] = confidence
        if len(self.samples) < MAX_SAMPLES and not any(s.category == category for s in self.samples):
            self.samples.append(Sample(category, mask(value, category), location))

    def person(self, fields: PersonFields) -> None:
        keys = self.keymaker.keys(fields, self.scope)
        if keys:
            self.records.append(keys)


def _cell(row: Sequence[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _table(table: Table, layout: TableLayout, out: _Collector) -> None:
    kinds = layout.kinds()
    first = layout.header_row + 1 if layout.header_row is not None else 0
    name_cols = kinds.get("name", [])[:1]
    split = (kinds.get(FAMILY_NAME, [])[:1], kinds.get(GIVEN_NAME, [])[:1])
    has_names = bool(name_cols or split[0])
    confidence = {c.index: c.confidence for c in layout.columns}
    base_row = table.location.row or 1
    for offset, row in enumerate(table.rows[first:], start=first):
        if name_cols:
            name = _cell(row, name_cols[0])
        elif split[0]:
            name = " ".join(p for p in (_cell(row, split[0][0]), _cell(row, split[1][0]) if split[1] else "") if p)
        else:
            name = ""
        if has_names and not name:
            continue
        for kind, cols in kinds.items():
            for col in cols:
                value = _cell(row, col)
                if value:
                    category = "name" if kind in (FAMILY_NAME, GIVEN_NAME) else kind
                    loc = Location(sheet=table.name, row=base_row + offset, column=col + 1)
                    out.category(category, confidence[col], value if category != "name" else name, loc)
        if not has_names and not (kinds.get("email") or kinds.get("my_number")):
            continue
        birth = next((parse_date(_cell(row, c)) for c in kinds.get("birth_date", []) if _cell(row, c)), None)
        out.person(PersonFields(
            name=name,
            birth_date=birth,
            address=" ".join(_cell(row, c) for c in kinds.get("address", [])).strip(),
            phone=next((_cell(row, c) for c in kinds.get("phone", []) if _cell(row, c)), ""),
            email=next((_cell(row, c) for c in kinds.get("email", []) if _cell(row, c)), ""),
            my_number=next((_cell(row, c) for c in kinds.get("my_number", []) if _cell(row, c)), ""),
        ))


def _text(text: str, location: Location, out: _Collector) -> None:
    norm = nfkc(text)
    findings: list[Finding] = []
    for detector in detectors():
        findings.extend(detector.find(norm, location))
    for f in findings:
        out.category(f.category, f.confidence, f.value, f.location)
        if f.category == "email":
            out.person(PersonFields(email=f.value))
        elif f.category == "my_number":
            out.person(PersonFields(my_number=f.value))
    for match in find_person_names(text):
        out.category("name", match.confidence, match.name, location)
        out.person(PersonFields(name=match.name))


def analyze(document: Document, keymaker: KeyMaker, scope: str) -> Analysis:
    """Find personal data in *document*; *scope* (the item path) bounds name-only identities."""
    out = _Collector(keymaker, scope)
    for table in document.tables:
        _table(table, classify(table), out)
    for block in document.blocks:
        _text(block.text, block.location, out)
    # Within one document the same person written twice is one person.
    distinct = DistinctPeople()
    distinct.add_all(out.records)
    persons = tuple(_merge(out.records, distinct))
    if not persons:
        return Analysis({}, (), tuple(out.samples))
    return Analysis(out.categories, persons, tuple(out.samples))


def _merge(records: list[tuple[bytes, ...]], distinct: DistinctPeople) -> list[tuple[bytes, ...]]:
    merged: dict[int, set[bytes]] = {}
    for keys in records:
        merged.setdefault(distinct.root(keys[0]), set()).update(keys)
    return [tuple(sorted(keys)) for keys in merged.values()]
