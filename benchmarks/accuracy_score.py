"""Scoring a tool's per-file verdicts against a synth corpus's truth (used by ``accuracy.py``).

File level: recall and precision of "holds personal data" over the files a scan can inspect (truth
status ``ok``). Category level: per category, a file counts as a true positive when both truth and
tool name the category. Person counts: the share of truly personal files whose count is within 1 %.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from mamori.synth.manifest import FileTruth

PERSON_TOLERANCE = 0.01


@dataclass(frozen=True)
class Verdict:
    """What a tool said about one file."""

    pii: bool | None
    categories: frozenset[str] = frozenset()
    persons: int = 0
    status: str = "ok"
    special_care: bool = False


@dataclass(frozen=True)
class FileError:
    """One file where the tool and the truth disagree, and how."""

    path: str
    kind: str
    format: str
    encoding: str | None
    what: str  # "FN", "FP", "not inspected", "categories", "count"
    missed: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    truth_persons: int = 0
    got_persons: int = 0
    status: str = "ok"


@dataclass(frozen=True)
class CategoryScore:
    category: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp + self.fp + self.fn else 1.0


@dataclass
class Score:
    """Everything the report prints for one tool."""

    files: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    not_inspected: int = 0
    counts_within: int = 0
    counts_total: int = 0
    special_care_right: int = 0
    categories: list[CategoryScore] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def count_share(self) -> float:
        return self.counts_within / self.counts_total if self.counts_total else 1.0

    def worst_counts(self, n: int = 10) -> list[FileError]:
        """The files whose person count is furthest off, relative to the truth."""
        counts = [e for e in self.errors if e.what == "count"]
        counts.sort(key=lambda e: (-abs(e.got_persons - e.truth_persons) / max(1, e.truth_persons), e.path))
        return counts[:n]


def within(got: int, truth: int) -> bool:
    """True when *got* is within PERSON_TOLERANCE of *truth* (exact for fewer than 100 people)."""
    return abs(got - truth) <= PERSON_TOLERANCE * truth


def score(truths: Iterable[FileTruth], verdicts: Mapping[str, Verdict], *, categories: Iterable[str] | None = None,
          count_persons: bool = True) -> Score:
    """Score *verdicts* (by relative path) against *truths*; files the truth says are unreadable are skipped.

    *categories* limits the category table (default: every category seen in truth or verdicts).
    """
    out = Score()
    tally: dict[str, list[int]] = {}
    for t in truths:
        if t.status != "ok":
            continue
        v = verdicts.get(t.path, Verdict(None, status="missing"))
        out.files += 1
        base = (t.path, t.kind, t.format, t.encoding)
        if v.pii is None:
            out.not_inspected += 1
            out.fn += t.pii
            out.errors.append(FileError(*base, "not inspected", missed=t.categories, status=v.status))
            continue
        truth_cats, got_cats = set(t.categories), set(v.categories)
        missed, extra = tuple(sorted(truth_cats - got_cats)), tuple(sorted(got_cats - truth_cats))
        if t.pii and v.pii:
            out.tp += 1
        elif t.pii:
            out.fn += 1
            out.errors.append(FileError(*base, "FN", missed, extra, t.persons, v.persons))
        elif v.pii:
            out.fp += 1
            out.errors.append(FileError(*base, "FP", missed, extra, t.persons, v.persons))
        else:
            out.tn += 1
        if (t.pii == bool(v.pii)) and (missed or extra):
            out.errors.append(FileError(*base, "categories", missed, extra, t.persons, v.persons))
        out.special_care_right += t.special_care == v.special_care
        if t.pii and count_persons:
            out.counts_total += 1
            if within(v.persons, t.persons):
                out.counts_within += 1
            else:
                out.errors.append(FileError(*base, "count", truth_persons=t.persons, got_persons=v.persons))
        for c in truth_cats | got_cats:
            row = tally.setdefault(c, [0, 0, 0])
            row[0 if c in truth_cats and c in got_cats else 1 if c in got_cats else 2] += 1
    wanted = list(categories) if categories is not None else sorted(tally)
    out.categories = [CategoryScore(c, *tally.get(c, [0, 0, 0])) for c in wanted]
    return out
