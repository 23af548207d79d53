"""Document → Analysis: categories with confidence, distinct people (identity keys) and masked samples."""

from __future__ import annotations

from dataclasses import dataclass, field

from mamori.detect.base import Finding
from mamori.detect.categories import BY_ID
from mamori.detect.column_people import table_people
from mamori.detect.columns import classify
from mamori.detect.masking import mask
from mamori.detect.names.prose import find_person_names
from mamori.detect.registry import detectors
from mamori.models import Document, Location, Sample
from mamori.people.dedupe import DistinctPeople
from mamori.people.keys import KeyMaker, PersonFields
from mamori.people.normalize import is_kana_key, name_key, nfkc
from mamori.people.wareki import parse_cell_date

MAX_SAMPLES = 8
SAMPLES_PER_CATEGORY = 2
#: Findings in running text that describe the one person a block names (a form, a letter).
_ABOUT_ONE = ("birth_date", "address", "phone", "email", "my_number")


@dataclass(frozen=True)
class Analysis:
    """What detection found in one document."""

    categories: dict[str, float]  # category → confidence
    persons: int = 0  # distinct people in the document
    person_keys: tuple[tuple[bytes, ...], ...] = field(default=(), repr=False)  # one record per person row
    samples: tuple[Sample, ...] = ()


class _Collector:
    def __init__(self, keymaker: KeyMaker, scope: str) -> None:
        self.keymaker = keymaker
        self.scope = scope
        self.categories: dict[str, float] = {}
        self.records: list[tuple[bytes, ...]] = []
        self.samples: list[Sample] = []

    def category(self, category: str, confidence: float, value: str, location: Location) -> None:
        if category not in BY_ID:  # pseudo-categories (corporate_number) are not personal data
            return
        if confidence > self.categories.get(category, 0.0):
            self.categories[category] = confidence
        same = sum(1 for s in self.samples if s.category == category)
        if len(self.samples) < MAX_SAMPLES and same < SAMPLES_PER_CATEGORY:
            masked = mask(value, category)
            if all(s.masked != masked for s in self.samples):
                self.samples.append(Sample(category, masked, location))

    def person(self, fields: PersonFields) -> None:
        keys = self.keymaker.keys(fields, self.scope)
        if keys:
            self.records.append(keys)


def _line_findings(text: str, location: Location) -> list[list[Finding]]:
    """Detector findings of each line of *text* (NFKC), pseudo-categories left out."""
    out: list[list[Finding]] = []
    for line in nfkc(text).split("\n"):
        found: list[Finding] = []
        if line.strip():
            for detector in detectors():
                found.extend(f for f in detector.find(line, location) if f.category in BY_ID)
        out.append(found)
    return out


def _fields(name: str, findings: list[Finding]) -> PersonFields:
    first = {f.category: f.value for f in reversed(findings) if f.category in _ABOUT_ONE}
    birth = parse_cell_date(first["birth_date"]) if "birth_date" in first else None
    return PersonFields(name=name, birth_date=birth, address=first.get("address", ""), phone=first.get("phone", ""),
                        email=first.get("email", ""), my_number=first.get("my_number", ""))


def _text(text: str, location: Location, out: _Collector) -> None:
    if location.part == "header":
        return  # a mail's envelope (From, To): the sender and recipients, not the content
    lines = _line_findings(text, location)
    for f in (f for found in lines for f in found):
        out.category(f.category, f.confidence, f.value, f.location)
    names = find_person_names(text)
    for match in names:
        out.category("name", match.confidence, match.name, location)
    everything = [f for found in lines for f in found]
    if len({m.name.replace(" ", "").replace("\u3000", "") for m in names}) == 1:
        # One person named in the block (a form, a letter): what the block says is about them.
        out.person(_fields(names[0].name, everything))
        return
    # Several people: a name takes what its own line says (a text table, a list in a letter).
    norm = nfkc(text)
    by_line: dict[int, list[str]] = {}
    for match in names:
        by_line.setdefault(norm.count("\n", 0, match.start), []).append(match.name)
    attached: set[int] = set()
    for number, written in by_line.items():
        # 小林　誠  ｺﾊﾞﾔｼ ﾏｺﾄ on one line: the reading belongs to the name beside it.
        line_names = [n for n in written if not is_kana_key(name_key(n))] or written
        found = lines[number] if number < len(lines) and len(set(line_names)) == 1 else []
        out.person(_fields(line_names[0], found) if found else PersonFields(name=line_names[0]))
        for extra in line_names[1:]:
            out.person(PersonFields(name=extra))
        if found:
            attached.add(number)
    for number, found in enumerate(lines):
        if number in attached:
            continue
        for f in found:
            if f.category == "email":
                out.person(PersonFields(email=f.value))
            elif f.category == "my_number":
                out.person(PersonFields(my_number=f.value))


def analyze(document: Document, keymaker: KeyMaker, scope: str) -> Analysis:
    """Find personal data in *document*; *scope* (the item path) bounds name-only identities."""
    out = _Collector(keymaker, scope)
    for table in document.tables:
        out.records.extend(table_people(table, classify(table), keymaker, scope, out.category).records)
    for block in document.blocks:
        _text(block.text, block.location, out)
    records = tuple(dict.fromkeys(out.records))
    if not records:
        # Categories without a person (a facility's phone, a bare address) are not personal data.
        return Analysis({}, 0, (), ())
    people = DistinctPeople()
    people.add_all(records)
    return Analysis(out.categories, people.count, records, tuple(out.samples))
