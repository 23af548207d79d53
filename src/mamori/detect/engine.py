"""Document → Analysis: categories with confidence, distinct people (identity keys) and masked samples."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from mamori.detect.base import Detector, Finding
from mamori.detect.birth_date import BirthDate, birth_date_value
from mamori.detect.categories import BY_ID
from mamori.detect.column_people import table_people
from mamori.detect.columns import classify
from mamori.detect.masking import mask
from mamori.detect.names.match import NameMatch
from mamori.detect.names.prose import find_person_names
from mamori.detect.registry import detectors
from mamori.detect.roles import name_role, table_role
from mamori.detect.table_forms import form_text, is_form
from mamori.detect.text_tables import find_text_tables
from mamori.models import Document, Location, Sample, Table
from mamori.normalize.text import is_kana_key, name_key, nfkc
from mamori.normalize.wareki import parse_cell_date
from mamori.people.dedupe import DistinctPeople
from mamori.people.keys import KeyMaker, PersonFields

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
    #: The records of people named in a role (staff, business), by role; everyone else is a resident.
    role_keys: tuple[tuple[str, tuple[tuple[bytes, ...], ...]], ...] = field(default=(), repr=False)


class _Collector:
    def __init__(self, keymaker: KeyMaker, scope: str) -> None:
        self.keymaker = keymaker
        self.scope = scope
        self.categories: dict[str, float] = {}
        self.records: list[tuple[bytes, ...]] = []
        self.samples: list[Sample] = []
        self.text_header: tuple[str, ...] = ()  # the header of the last table read from text
        self.roles: dict[tuple[bytes, ...], str] = {}  # record → role, for people named as staff or business

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

    def person(self, fields: PersonFields, role: str = "") -> None:
        keys = self.keymaker.keys(fields, self.scope)
        if keys:
            self.records.append(keys)
            if role:
                self.roles[keys] = role


def _line_findings(text: str, location: Location) -> list[list[Finding]]:
    """Detector findings of each line of *text* (NFKC), pseudo-categories left out.

    A detector whose prefilters (``PatternDetector.prefilter``) match nowhere in the text is not run on
    any of its lines, and on a text of many lines only on those they match: most detectors need a digit
    or a label word, which many lines of a letter do not have. Each distinct prefilter is searched once.
    """
    norm = nfkc(text)
    lines = norm.split("\n")
    plan, patterns = _prefilter_plan()
    hits = [p.search(norm) is not None for p in patterns]
    active = [(d, need) for d, need in plan if need is None or any(hits[i] for i in need)]
    out: list[list[Finding]] = []
    for line in lines:
        found: list[Finding] = []
        if line.strip():
            here: dict[int, bool] = {}
            for detector, need in active:
                if need is not None and len(lines) > 1 and not any(
                        here.setdefault(i, patterns[i].search(line) is not None) for i in need):
                    continue
                found.extend(f for f in detector.find(line, location) if f.category in BY_ID)
        out.append(found)
    return out


@lru_cache(maxsize=1)
def _prefilter_plan() -> tuple[tuple[tuple[Detector, tuple[int, ...] | None], ...], tuple[re.Pattern[str], ...]]:
    """Each detector in order with the indexes of its prefilters among the distinct ones (None: always runs)."""
    patterns: dict[tuple[str, int], re.Pattern[str]] = {}
    plan: list[tuple[Detector, tuple[int, ...] | None]] = []
    for detector in detectors():
        own: tuple[re.Pattern[str], ...] = getattr(detector, "prefilter", ())  # a plug-in may have none
        for p in own:
            patterns.setdefault((p.pattern, p.flags), p)
        keys = list(patterns)
        plan.append((detector, tuple(keys.index((p.pattern, p.flags)) for p in own) if own else None))
    return tuple(plan), tuple(patterns.values())


def _fields(name: str, findings: list[Finding]) -> PersonFields:
    first = {f.category: f.value for f in reversed(findings) if f.category in _ABOUT_ONE}
    birth = parse_cell_date(first["birth_date"]) if "birth_date" in first else None
    return PersonFields(name=name, birth_date=birth, address=first.get("address", ""), phone=first.get("phone", ""),
                        email=first.get("email", ""), my_number=first.get("my_number", ""))


def _tables_in_text(text: str, location: Location, out: _Collector) -> str:
    """People tables written as text lines (fixed-width, tab-separated) → records; *text* without them.

    A table that goes on over a page break repeats no header: a header-less table as wide as the last
    header seen takes that header.
    """
    lines: list[str] | None = None
    for found in find_text_tables(text):
        line = (location.line or 1) + found.first
        where = Location(sheet=location.sheet, page=location.page, part=location.part, line=line)
        table = Table(found.rows, where)
        layout = classify(table)
        carried = 0
        if layout.header_row is None and out.text_header and len(out.text_header) == table.width:
            table = Table((out.text_header, *found.rows), where)
            layout, carried = classify(table), 1
        elif layout.header_row is not None:
            out.text_header = tuple(found.rows[layout.header_row])
        if not layout.people:
            continue
        records = table_people(table, layout, out.keymaker, out.scope, out.category).records
        if not records:
            continue
        out.records.extend(records)
        lines = lines if lines is not None else text.split("\n")
        for i in range(found.first + max(0, layout.first_row - carried), found.last + 1):
            lines[i] = ""  # read as a table: the rows are not prose any more (the title above still is)
    return text if lines is None else "\n".join(lines)


def _text(text: str, location: Location, out: _Collector) -> None:
    if location.part == "header":
        return  # a mail's envelope (From, To): the sender and recipients, not the content
    text = _tables_in_text(text, location, out)
    lines = _line_findings(text, location)
    found_names = sorted(find_person_names(text), key=lambda m: m.start)
    norm = nfkc(text)
    _listed_births(norm, found_names, lines, location)
    for f in (f for found in lines for f in found):
        out.category(f.category, f.confidence, f.value, f.location)
    readings = _readings(found_names, norm)
    for k, match in enumerate(found_names):
        out.category("name_kana" if k in readings else "name", match.confidence, match.name, location)
        bracketed = _BRACKETED_READING.match(norm, match.end)
        if k not in readings and bracketed and not is_kana_key(name_key(match.name)):
            out.category("name_kana", match.confidence, bracketed.group(1), location)
    # A reading beside a name (河合 利夫（カワイ トシオ）) is that person, not another one.
    # A family name alone that repeats a full name of the block (和田一郎 … 和田社長) is that person.
    names = [m for k, m in enumerate(found_names) if k not in readings and not m.refers_to]
    roles = _roles(found_names, norm)
    everything = [f for found in lines for f in found]
    if len({m.name.replace(" ", "").replace("\u3000", "") for m in names}) == 1:
        # One person named in the block (a form, a letter): what the block says is about them.
        out.person(_fields(names[0].name, everything), roles.get(_plain(names[0].name), ""))
        return
    # Several people: a name takes what its own line says (a text table, a list in a letter).
    by_line: dict[int, list[str]] = {}
    for match in names:
        by_line.setdefault(norm.count("\n", 0, match.start), []).append(match.name)
    attached: set[int] = set()
    for number, written in by_line.items():
        # 小林　誠  ｺﾊﾞﾔｼ ﾏｺﾄ on one line: the reading belongs to the name beside it.
        line_names = [n for n in written if not is_kana_key(name_key(n))] or written
        found = lines[number] if number < len(lines) and len(set(line_names)) == 1 else []
        out.person(_fields(line_names[0], found) if found else PersonFields(name=line_names[0]),
                   roles.get(_plain(line_names[0]), ""))
        for extra in line_names[1:]:
            out.person(PersonFields(name=extra), roles.get(_plain(extra), ""))
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


def _plain(name: str) -> str:
    return name.replace(" ", "").replace("\u3000", "")


def _roles(found: list[NameMatch], norm: str) -> dict[str, str]:
    """Role of each person named in a block, by name: what any mention of them says (斎藤課長 makes
    斎藤一郎 staff when 斎藤 stands for him)."""
    out: dict[str, str] = {}
    for match in found:
        role = name_role(norm, match)
        if role:
            out.setdefault(_plain(match.refers_to or match.name), role)
    return out


#: A date right after a name (``1 田中陽子 1944年11月23日 〒590-…``), or after the name's reading
#: (``本間健二 ほんま　けんじ 1982/10/20``): the gap allowed between them.
_KANA_WORD = r"[ぁ-ゖァ-ヺー]{1,12}"
_DATE_AFTER_NAME = re.compile(rf"[ 　\t,、:：]{{0,3}}(?:{_KANA_WORD}(?:[ 　]{_KANA_WORD})?[ 　\t,、:：]{{1,3}})?")
#: What else a list line must say for the date after its name to be that person's birth date.
_LISTED_WITH = frozenset({"address", "postal_code", "phone"})


def _listed_births(norm: str, names: list[NameMatch], lines: list[list[Finding]], location: Location) -> None:
    """Birth dates of list lines written as text with single spaces (a PDF's text layer): a plausible
    birth date right after the line's one name, on a line that also gives an address or a phone."""
    by_line: dict[int, list[NameMatch]] = {}
    for match in names:
        by_line.setdefault(norm.count("\n", 0, match.start), []).append(match)
    for number, matches in by_line.items():
        # One person on the line: one name, perhaps with its reading (a kana-only match) beside it.
        own = [m for m in matches if not is_kana_key(name_key(m.name))]
        if number >= len(lines) or len(own) != 1:
            continue
        found = lines[number]
        if any(f.category == "birth_date" for f in found) or not _LISTED_WITH & {f.category for f in found}:
            continue
        gap = _DATE_AFTER_NAME.match(norm, own[0].end)
        at = gap.end() if gap else own[0].end
        for pattern in BirthDate.patterns:
            m = pattern.match(norm, at)
            if m and birth_date_value(m.group(0)) is not None:
                found.append(Finding("birth_date", m.group(0), location, 0.7, BirthDate.name))
                break


_READING_GAP = re.compile(r"[\s(（:：、]*(?:フリガナ|ふりがな|カナ|かな|よみ|ヨミ)?[\s(（:：]*")
_MAX_READING_GAP = 12
#: 河合 利夫（カワイ トシオ）: a reading in brackets right after a name.
_BRACKETED_READING = re.compile(r"[ 　]?[(（]([ァ-ヺー]+(?:[ 　・][ァ-ヺー]+)?)[)）]")


def _readings(names: list[NameMatch], norm: str) -> set[int]:
    """Indexes of the kana names that give the reading of the kanji name right before them."""
    out: set[int] = set()
    for k in range(1, len(names)):
        before, match = names[k - 1], names[k]
        gap = norm[before.end : match.start]
        if (is_kana_key(name_key(match.name)) and not is_kana_key(name_key(before.name))
                and len(gap) <= _MAX_READING_GAP and _READING_GAP.fullmatch(gap)):
            out.add(k)
    return out


def analyze(document: Document, keymaker: KeyMaker, scope: str) -> Analysis:
    """Find personal data in *document*; *scope* (the item path) bounds name-only identities."""
    out = _Collector(keymaker, scope)
    for table in document.tables:
        if is_form(table):
            _text(form_text(table), table.location, out)
            continue
        layout = classify(table)
        rows = table_people(table, layout, keymaker, scope, out.category).records
        out.records.extend(rows)
        role = table_role(table, layout) if rows else ""
        if role:
            out.roles.update(dict.fromkeys(rows, role))
    for block in document.blocks:
        _text(block.text, block.location, out)
    records = tuple(dict.fromkeys(out.records))
    if not records:
        # Categories without a person (a facility's phone, a bare address) are not personal data.
        return Analysis({}, 0, (), ())
    people = DistinctPeople()
    people.add_all(records)
    by_role: dict[str, list[tuple[bytes, ...]]] = {}
    for record, role in out.roles.items():
        by_role.setdefault(role, []).append(record)
    return Analysis(out.categories, people.count, records, tuple(out.samples),
                    tuple((role, tuple(keys)) for role, keys in sorted(by_role.items())))
