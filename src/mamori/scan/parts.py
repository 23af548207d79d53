"""One part of a big delimited file, keyed in a worker; the parts merged into one result in the main process.

Every part reads its rows with the layout the plan classified from the file's head. A part after
the first gets the head's header rows put in front of its own, so header texts are skipped and
row positions line up. What comes back is categories, masked samples, the identity records as a
``KeyBlock`` (two flat arrays: the main process never makes a Python object per key, so its memory
stays flat however long the list) and the frame of linking keys the main process counts people
with (``links``). Given a hand-off directory (the scanner makes one, in memory-backed ``/dev/shm``
where there is one), a worker writes the records and links there and returns only their path:
tens of MB through a file cost a fraction of a pickle through a pipe.
"""

from __future__ import annotations

import gc
import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from mamori.detect.categories import BY_ID, is_special_care, ordered
from mamori.detect.column_people import table_people
from mamori.detect.engine import MAX_SAMPLES, SAMPLES_PER_CATEGORY
from mamori.detect.masking import mask
from mamori.models import ColumnRows, Item, ItemResult, Location, Sample, Status, Table
from mamori.people.keys import KeyMaker
from mamori.scan.columnar import parse_columns
from mamori.scan.links import column_link_frame, joinable_query, joinable_rids, link_frame, resolve_blocks
from mamori.scan.split import SplitPlan

if TYPE_CHECKING:  # numpy is imported only where a block is made or read
    from mamori.people.compact import KeyBlock

_COUNT_CHUNK = 8 << 20
_SUFFIXES = (".keys", ".ends", ".links")


@dataclass(frozen=True)
class PartResult:
    """What one part holds; ``fallback`` says why the file must be read in one piece instead."""

    fallback: str | None = None
    hits: tuple[tuple[str, float, Sample], ...] = ()  # per column: its first person row's value (masked)
    block: KeyBlock | None = None  # the identity records, in row order
    count: int = 0  # how many records ``block`` holds
    links: pl.DataFrame | None = None  # see ``links.link_frame``
    handed_off: str = ""  # records and links are in files (this path + .keys / .ends / .links), not above
    keys_at: str = ""  # the records are still in files (this path + .keys / .ends): links loaded, records not

    def loaded(self) -> PartResult:
        """This part with its links in memory (its records stay in their files until ``merge`` reads
        every part's into one array, once the links are merged and freed)."""
        if not self.handed_off:
            return self
        links = Path(self.handed_off + ".links")
        try:
            frame = pl.read_ipc(links.read_bytes()) if links.exists() else None
        except BaseException:
            self.discard()
            raise
        links.unlink(missing_ok=True)
        return replace(self, links=frame, handed_off="", keys_at=self.handed_off)

    def discard(self) -> None:
        """Remove the hand-off files, if any."""
        for stem in (self.handed_off, self.keys_at):
            if stem:
                for suffix in _SUFFIXES:
                    Path(stem + suffix).unlink(missing_ok=True)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused: the key tuples a worker builds hold no cycles, and the
    full passes it makes over a fresh worker's growing heap while they are built cost ~3 % of a part."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    # Strictly decoded (``_decode``), so valid UTF-8 once encoded: no lossy repair pass needed.
    return parse_columns(text.encode("utf-8", "surrogatepass"), plan.delimiter, plan.width, lossy=False)


def _before(stream: io.BufferedReader, start: int) -> tuple[int, int]:
    """(line ends, quote characters) in the file before *start*."""
    stream.seek(0)
    lines = quotes = 0
    left = start
    buffer = bytearray(_COUNT_CHUNK)  # one buffer read into again and again: no fresh pages per chunk
    while left > 0:
        got = stream.readinto(memoryview(buffer)[: min(left, _COUNT_CHUNK)])
        if not got:
            break
        chunk = buffer if got == len(buffer) else buffer[:got]
        lines += chunk.count(b"\n")
        quotes += chunk.count(b'"')
        left -= got
    return lines, quotes


def key_part(plan: SplitPlan, index: int, secret: bytes, handoff: str | None = None) -> PartResult:
    """Categories and identity records of part *index* of *plan* (runs in a worker).

    With *handoff* (a directory), the records and links are written there (``PartResult.loaded``).
    """
    with no_cycle_collection():
        return _key_part(plan, index, secret, handoff)


def _key_part(plan: SplitPlan, index: int, secret: bytes, handoff: str | None) -> PartResult:
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

    people = table_people(Table(rows=ColumnRows(body, rows), location=where), layout, KeyMaker(secret),
                          plan.path, hit, whole=False)
    found = people.records
    links = column_link_frame(people.hashed) if people.hashed else None
    links = link_frame(found) if links is None else links
    from mamori.people.compact import KeyBlock

    block = KeyBlock.from_records(found)
    if block is None:
        return PartResult("a part made identity keys of another length")
    del found  # the block holds them: not kept twice while the links are written
    result = PartResult(None, tuple(hits), block, len(block), links)
    return _hand_off(result, handoff) if handoff else result


def _hand_off(result: PartResult, directory: str) -> PartResult:
    """*result* with its records and links written to files in *directory* (kept inline if that fails)."""
    try:
        fd, stem = tempfile.mkstemp(prefix="part-", dir=directory)
        os.close(fd)
    except OSError:
        return result
    try:
        if result.block is not None:
            result.block.save(stem)
        if result.links is not None:
            result.links.write_ipc(stem + ".links", compression="uncompressed")
    except OSError:
        for suffix in ("", *_SUFFIXES):
            Path(stem + suffix).unlink(missing_ok=True)
        return result
    Path(stem).unlink(missing_ok=True)
    return replace(result, block=None, links=None, handed_off=stem)


def merge(item: Item, plan: SplitPlan, parts: list[PartResult]) -> ItemResult:
    """The item's result from all its parts (in the main process). *parts* is emptied: each part's
    linking keys are held only until they are merged."""
    from mamori.people.compact import KeyBlock

    loaded = [part.loaded() for part in parts]
    parts.clear()
    # Each column's first value in the file is in the first part that has one; columns in order.
    first: dict[int, tuple[str, float, Sample]] = {}
    for part in loaded:
        for category, confidence, sample in part.hits:
            first.setdefault(sample.location.column or 0, (category, confidence, sample))
    out = _Collector()
    for column in sorted(first):
        out.add(*first[column])
    sources: list[KeyBlock | str] = [part.keys_at or part.block or KeyBlock.empty() for part in loaded]
    query = joinable_query([part.links for part in loaded], [part.count for part in loaded])
    stubs = [replace(part, links=None, block=None) for part in loaded]
    del loaded
    try:
        rids = joinable_rids(query.collect()) if query is not None else None
        del query  # the links are freed before the records are read
        block = KeyBlock.gather(sources)
    finally:
        for stub in stubs:
            stub.discard()
    people, persons = resolve_blocks([block], rids)
    categories = ordered(set(out.categories)) if persons else []
    return ItemResult(
        path=item.path, status=Status.OK, size=item.size, sha256=item.sha256, pii=persons > 0,
        categories=tuple(categories), persons=persons, special_care=is_special_care(tuple(categories)),
        format=plan.format, encoding=plan.encoding, confidence=tuple((c, out.categories[c]) for c in categories),
        samples=tuple(out.samples) if persons else (), problems=plan.problems, person_keys=people,
        mtime=item.mtime, owner=item.owner,
    )
