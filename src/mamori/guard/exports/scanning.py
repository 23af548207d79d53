"""Run the find engine over a request's stored files; keep verdicts and masked samples, never raw values."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mamori.detect.categories import is_special_care, ordered
from mamori.evidence.files import FileRef, load_file
from mamori.evidence.limits import Limits
from mamori.models import ItemResult
from mamori.people.dedupe import DistinctPeople
from mamori.people.keys import KeyMaker
from mamori.scan.inspect import Inspector, not_inspected

MAX_SAMPLES_PER_FILE = 12
MY_NUMBER_ID = "my_number"


@dataclass(frozen=True)
class FileVerdict:
    """What the engine found in one uploaded file (its members included)."""

    status: str
    pii: bool | None
    categories: tuple[str, ...]
    persons: int
    special_care: bool
    samples: tuple[dict[str, Any], ...]
    reason: str
    not_inspected: int = 1  # items in it (members included) not read in full


@dataclass(frozen=True)
class ScanOutcome:
    """The verdict per file and over the whole request (people counted once across files)."""

    files: tuple[FileVerdict, ...]
    categories: tuple[str, ...]
    persons: int
    special_care: bool
    not_inspected: int
    #: The identity keys (keyed hashes) of the people across the files, for distinct counts over exports.
    person_records: tuple[tuple[bytes, ...], ...] = field(default=(), repr=False, compare=False)

    @property
    def has_my_number(self) -> bool:
        """True when any file holds a My Number (個人番号)."""
        return MY_NUMBER_ID in self.categories

    def summary(self) -> dict[str, Any]:
        """The request-level figures as JSON (audit details)."""
        return {"categories": list(self.categories), "persons": self.persons, "special_care": self.special_care,
                "not_inspected": self.not_inspected}


def _samples(results: list[ItemResult]) -> tuple[dict[str, Any], ...]:
    out: list[dict[str, Any]] = []
    for result in results:
        inner = result.path.split("!", 1)[1] if "!" in result.path else ""
        for sample in result.samples:
            where = sample.location.describe()
            loc = {k: v for k, v in asdict(sample.location).items() if v is not None}  # said in the reader's language
            out.append({"category": sample.category, "masked": sample.masked,
                        "where": f"{inner} {where}".strip() if inner else where, "inner": inner, "loc": loc})
            if len(out) >= MAX_SAMPLES_PER_FILE:
                return tuple(out)
    return tuple(out)


def scan_files(files: Sequence[tuple[Path, str]], limits: Limits | None = None,
               progress: Callable[[int], None] | None = None, secret: bytes | None = None) -> ScanOutcome:
    """Inspect (path on disk, display name) pairs; never raises for bad content.

    `progress(k)` is called before file k is inspected and with len(files) at the end. `secret` keys the
    people found (the guard's, so that exports can be counted together); a fresh one when not given.
    """
    limits = limits or Limits()
    inspector = Inspector(limits, KeyMaker(secret or secrets.token_bytes(32)))
    records: list[tuple[bytes, ...]] = []
    people = DistinctPeople()
    verdicts: list[FileVerdict] = []
    for position, (path, name) in enumerate(files):
        if progress is not None:
            progress(position)
        try:
            results = inspector.inspect(load_file(FileRef(path, name), limits))
        except Exception as error:  # noqa: BLE001 - a fault in the engine must not lose the request
            verdicts.append(FileVerdict("error", None, (), 0, False, (), f"the scan failed: {type(error).__name__}"))
            continue
        for result in results:
            people.add_all(result.person_keys)
            records.extend(result.person_keys)
        top = results[0]
        unread = sum(1 for r in results if r.pii is None)
        verdicts.append(FileVerdict(
            status=top.status.value, pii=top.pii, categories=top.categories, persons=top.persons,
            special_care=top.special_care, samples=_samples(results),
            reason=_short(top.reason) if unread else "", not_inspected=not_inspected(results)))
    if progress is not None:
        progress(len(files))
    categories = tuple(ordered({c for v in verdicts for c in v.categories}))
    return ScanOutcome(
        files=tuple(verdicts), categories=categories, persons=people.count,
        special_care=is_special_care(categories), not_inspected=sum(v.not_inspected for v in verdicts),
        person_records=tuple(records))


def _short(reason: str | None) -> str:
    """The reason, cut to 1000 characters only when longer (a cut would lose its catalogue key)."""
    reason = reason or ""
    return reason if len(reason) <= 1000 else reason[:1000]
