"""One part of a big delimited file, keyed in a worker; the parts merged into one result in the main process.

Every part reads its rows with the layout the plan classified from the file's head. A part after
the first gets the head's header rows put in front of its own, so header texts are skipped and
row positions line up. What comes back is small: categories, masked samples, the identity records
as one ``marshal`` blob (no pickle memo: ten times faster for a million tuples) and the frame of
linking keys the main process counts people with (``links``).
"""

from __future__ import annotations

import io
import marshal
from dataclasses import dataclass

import polars as pl

from mamori.detect.categories import BY_ID, is_special_care, ordered
from mamori.detect.column_people import table_people
from mamori.detect.engine import MAX_SAMPLES, SAMPLES_PER_CATEGORY
from mamori.detect.masking import mask
from mamori.models import ColumnRows, Item, ItemResult, Location, Sample, Status, Table
from mamori.people.keys import KeyMaker
from mamori.scan.columnar import parse_columns
from mamori.scan.links import count_records, link_frame
from mamori.scan.split import SplitPlan

_COUNT_CHUNK = 8 << 20
_MARSHAL_VERSION = 2  # no back-references: fastest to write and read; both ends run the same Python


@dataclass(frozen=True)
class PartResult:
    """What one part holds; ``fallback`` says why the file must be read in one piece instead."""

    fallback: str | None = None
    hits: tuple[tuple[str, float, Sample], ...] = ()  # per column: its first person row's value (masked)
    records: bytes = b""  # marshal of the list of key tuples, in row order
    links: pl.DataFrame | None = None  # see ``links.link_frame``


class _Collector:
    """Categories and masked samples, kept the way the engine's collector keeps them."""

    def __init__(self) -> None:
        self.categories: dict[str, float] = {}
        self.samples: list[Sample] = []

    def add(self, category: str, confidence: float, sample: Sample) -> None:
        if category not in BY_ID:
            return
        if confidence > self.categories.get(category, 0.0):
            self.categories[category] = confidence
        same = sum(1 for s in self.samples if s.category == category)
        if len(self.samples) < MAX_SAMPLES and same < SAMPLES_PER_CATEGORY and all(
                s.masked != sample.masked for s in self.samples):
            self.samples.append(sample)


def _decode(data: bytes, plan: SplitPlan, first: bool) -> str:
    codec = "utf-8" if plan.encoding == "utf-8-sig" and not first else plan.encoding
    return data.decode(codec)  # strict: a part that does not decode sends the file down the ordinary path


def _columns(text: str, plan: SplitPlan) -> list[pl.Series] | None:
    return parse_columns(io.BytesIO(text.encode("utf-8", "surrogatepass")), plan.delimiter, plan.width)


def _before(stream: io.BufferedReader, start: int) -> tuple[int, int]:
    """(line ends, quote characters) in the file before *start*."""
    stream.seek(0)
    lines = quotes = 0
    left = start
    while left > 0:
        chunk = stream.read(min(left, _COUNT_CHUNK))
        if not chunk:
            break
        lines += chunk.count(b"\n")
        quotes += chunk.count(b'"')
        left -= len(chunk)
    return lines, quotes


def key_part(plan: SplitPlan, index: int, secret: bytes) -> PartResult:
    """Categories and identity records of part *index* of *plan* (runs in a worker)."""
    start, end = plan.ranges[index]
    try:
        with open(plan.fs_path, "rb") as stream:
            lines = 0
            if index:
                lines, quotes = _before(stream, start)
                if quotes % 2:
                    return PartResult("a quoted field spans a part boundary")
            stream.seek(start)
            body = _columns(_decode(stream.read(end - start), plan, not index), plan)
    except (OSError, UnicodeDecodeError) as error:
        return PartResult(f"part {index} did not read cleanly ({type(error).__name__})")
    if body is None:
        return PartResult("a part does not read column-wise")
    layout = plan.layout
    rows = len(body[0])
    width = len(layout.columns)
    body = [body[i] if i < len(body) else pl.repeat("", rows, eager=True, dtype=pl.String) for i in range(width)]
    if index:  # the head's header rows in front, so the layout's row numbers hold
        top = [pl.Series(values, dtype=pl.String) for values in zip(*plan.header, strict=True)] if plan.header else []
        body = [pl.concat([top[i], b], rechunk=False) for i, b in enumerate(body)] if top else body
        rows += len(plan.header)
    where = Location(row=lines + 1 - layout.first_row) if index else Location()
    hits: list[tuple[str, float, Sample]] = []

    def hit(category: str, confidence: float, value: str, location: Location) -> None:
        hits.append((category, confidence, Sample(category, mask(value, category), location)))

    found = table_people(Table(rows=ColumnRows(body, rows), location=where), layout, KeyMaker(secret),
                         plan.path, hit).records
    return PartResult(None, tuple(hits), marshal.dumps(found, _MARSHAL_VERSION), link_frame(found))


def merge(item: Item, plan: SplitPlan, parts: list[PartResult]) -> ItemResult:
    """The item's result from all its parts (in the main process)."""
    # Each column's first value in the file is in the first part that has one; columns in order.
    first: dict[int, tuple[str, float, Sample]] = {}
    for part in parts:
        for category, confidence, sample in part.hits:
            first.setdefault(sample.location.column or 0, (category, confidence, sample))
    out = _Collector()
    for column in sorted(first):
        out.add(*first[column])
    people, persons = count_records([marshal.loads(part.records) for part in parts], [part.links for part in parts])
    categories = ordered(set(out.categories)) if persons else []
    return ItemResult(
        path=item.path, status=Status.OK, size=item.size, sha256=item.sha256, pii=persons > 0,
        categories=tuple(categories), persons=persons, special_care=is_special_care(tuple(categories)),
        format=plan.format, encoding=plan.encoding, confidence=tuple((c, out.categories[c]) for c in categories),
        samples=tuple(out.samples) if persons else (), problems=plan.problems, person_keys=tuple(people),
    )
