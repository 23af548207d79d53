"""One item (and everything inside it) → ItemResults. Never raises for bad input."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from mamori import errors
from mamori.detect.categories import is_special_care, ordered
from mamori.detect.engine import Analysis, analyze
from mamori.evidence.archives import expand, is_archive
from mamori.evidence.limits import ExpansionBudget, Limits
from mamori.extract.ocr import OcrOptions, ocr_document
from mamori.extract.registry import choose
from mamori.i18n import Said, said
from mamori.models import Document, Item, ItemResult, Problem, Sample, Status, gap_status
from mamori.people.dedupe import DistinctPeople
from mamori.people.keys import KeyMaker
from mamori.scan.columnar import read_columnar, wants_columnar

# Which status an extraction error means; the order matters (most specific first).
_STATUS_OF_ERROR: tuple[tuple[type[errors.MamoriError], Status], ...] = (
    (errors.Encrypted, Status.ENCRYPTED),
    (errors.NeedsOCR, Status.NEEDS_OCR),
    (errors.UnsupportedFormat, Status.UNSUPPORTED),
    (errors.TooLarge, Status.TOO_LARGE),
    (errors.CorruptFile, Status.UNREADABLE),
    (errors.DecodingError, Status.UNREADABLE),
)


#: Findings in text read by OCR keep this share of their confidence (misread names and digits are common).
OCR_CONFIDENCE = 0.7


def status_of(error: BaseException) -> Status:
    """The item status an error during extraction stands for."""
    for cls, status in _STATUS_OF_ERROR:
        if isinstance(error, cls):
            return status
    return Status.ERROR


def not_inspected(results: Iterable[ItemResult]) -> int:
    """How many of *results* were not read in full, each counted on its own: a container's members and a
    mail's attachments count, so a readable zip holding one encrypted member counts one (guard's policy
    and find's summary use this)."""
    return sum(1 for result in results if not result.status.inspected)


def reason_of(error: BaseException) -> str:
    if isinstance(error, errors.MamoriError):
        first = error.args[0] if error.args else None
        if isinstance(first, Said):  # the engine's structured message: keep its key for the reader's language
            return first
        return str(error) or type(error).__name__
    if isinstance(error, MemoryError):
        return ("ran out of memory while reading this item (the inspecting process's memory limit, "
                "Limits.worker_memory_bytes, or the machine's); it was not inspected")
    return f"internal error ({type(error).__name__}: {error}); please report it with this file's type"


@dataclass
class Inspector:
    """Inspects items with one set of limits and one identity-key secret."""

    limits: Limits
    keymaker: KeyMaker
    ocr: OcrOptions | None = None
    """When set, items that need OCR (scanned PDFs, images) are read by Tesseract."""

    def inspect(self, item: Item, budget: ExpansionBudget | None = None) -> list[ItemResult]:
        """Results for *item* first, then for every member/attachment inside it, depth first."""
        results = self._inspect(item, budget)
        if item.origin is not None and results:
            results[0] = recovered(results[0], item)
        return results

    def _inspect(self, item: Item, budget: ExpansionBudget | None = None) -> list[ItemResult]:
        if item.status is not None:
            return [_not_inspected(item, item.status, item.reason or item.status.value)]
        if item.size == 0:
            return [_result(item, Status.EMPTY, None, Analysis({}), [])]
        budget = budget or ExpansionBudget(self.limits)
        try:
            head = item.read_head()
            extractor = choose(item, head, generic=False)
            if extractor is None and is_archive(item, head):
                return self._archive(item, budget)
            if extractor is None:
                extractor = choose(item, head, generic=True)
            if extractor is None:
                raise errors.UnsupportedFormat("not a format mamori reads (binary data of an unknown kind)")
            document = read_columnar(item) if wants_columnar(item, extractor.name) else None
            if document is None:
                with item.open() as stream:
                    document = extractor.extract(stream, item)
        except Exception as error:  # noqa: BLE001 - a scan goes on whatever one file does
            if isinstance(error, errors.NeedsOCR) and self.ocr is not None:
                return self._ocr(item, budget, self.ocr)
            return [_not_inspected(item, status_of(error), reason_of(error))]
        try:
            return self._document(item, document, budget)
        except Exception as error:  # noqa: BLE001 - detection failing (MemoryError included) is this item's error
            return [_not_inspected(item, status_of(error), reason_of(error))]

    def _ocr(self, item: Item, budget: ExpansionBudget, options: OcrOptions) -> list[ItemResult]:
        try:
            document = ocr_document(item, options)
        except Exception as error:  # noqa: BLE001 - OCR failing leaves the item needing OCR, never clean
            return [_not_inspected(item, status_of(error), reason_of(error))]
        try:
            results = self._document(item, document, budget)
        except Exception as error:  # noqa: BLE001 - as for any document: this item's error
            return [_not_inspected(item, status_of(error), reason_of(error))]
        results[0] = read_by_ocr(results[0], document)
        return results

    def results(self, item: Item, document: Document) -> list[ItemResult]:
        """Results for *item* from its *document*, already extracted (and for what is inside it)."""
        return self._document(item, document, ExpansionBudget(self.limits))

    def _document(self, item: Item, document: Document, budget: ExpansionBudget) -> list[ItemResult]:
        analysis = analyze(document, self.keymaker, item.path)
        children: list[ItemResult] = []
        for attachment in document.attachments:
            children.extend(self.inspect(attachment, budget))
        # One rule for every reader: content left unread (a limit reached, a part skipped or failed)
        # makes the item too_large/unreadable, never ok/empty, whatever was found in the rest.
        status = gap_status(document.problems) or (Status.EMPTY if document.is_empty else Status.OK)
        own = _result(item, status, document, analysis, [])
        return [_combine(own, children, item), *children] if children else [own]

    def _archive(self, item: Item, budget: ExpansionBudget) -> list[ItemResult]:
        children: list[ItemResult] = []
        try:
            for member in expand(item, self.limits, budget):
                # A file on a disk image is a top-level file of that disk: its own archive tree, its own budget.
                tree = self.limits.new_budget() if member.address is not None else budget
                children.extend(self.inspect(member, tree))
        except Exception as error:  # noqa: BLE001
            head = _not_inspected(item, status_of(error), reason_of(error))
            return [_combine(head, children, item, container=True), *children]
        own = _result(item, Status.OK if children else Status.EMPTY, None, Analysis({}), [])
        return [_combine(own, children, item, container=True), *children]


def read_by_ocr(result: ItemResult, document: Document) -> ItemResult:
    """*result* flagged as OCR'd, its confidences lowered (pages over the budget already made it too_large)."""
    lowered = tuple((c, round(v * OCR_CONFIDENCE, 3)) for c, v in result.confidence)
    return replace(result, ocr=True, confidence=lowered)


def recovered(result: ItemResult, item: Item) -> ItemResult:
    """*result* with the disk image's origin; a deleted file in which nothing was found is not clean.

    What is read for a deleted file is whatever its clusters hold now: when it shows personal data
    that is a finding, but when it shows none the clusters may simply have been reused, so the
    verdict is "could not be inspected" (unreadable, pii null) with the reason, never "clean".
    """
    origin = item.origin
    if origin is None:
        return result
    if origin.deleted and result.pii is False:
        return replace(result, status=Status.UNREADABLE, pii=None, origin=origin,
                       reason=said("reason.deleted_not_clean"))
    return replace(result, origin=origin)


def _not_inspected(item: Item, status: Status, reason: str) -> ItemResult:
    return ItemResult(path=item.path, status=status, size=item.size, sha256=item.sha256,
                      pii=None, reason=reason, mtime=item.mtime, owner=item.owner)


def _result(item: Item, status: Status, document: Document | None, analysis: Analysis,
            problems: list[Problem]) -> ItemResult:
    categories = ordered(set(analysis.categories))
    found = analysis.persons > 0
    # Partly read: personal data in what was read is a finding; none found is no answer (null).
    pii = found if status.inspected else (True if found else None)
    return ItemResult(
        path=item.path,
        status=status,
        size=item.size,
        sha256=item.sha256,
        mtime=item.mtime,
        owner=item.owner,
        pii=pii,
        partial=found and not status.inspected,
        categories=tuple(categories),
        persons=analysis.persons,
        special_care=is_special_care(tuple(categories)),
        format=document.format if document else None,
        encoding=document.encoding if document else None,
        confidence=tuple((c, analysis.categories[c]) for c in categories),
        samples=analysis.samples,
        problems=(*(document.problems if document else ()), *problems),
        person_keys=analysis.person_keys,
        roles=_role_counts(analysis.role_keys),
        role_keys=analysis.role_keys,
    )


def _role_counts(role_keys: tuple[tuple[str, tuple[tuple[bytes, ...], ...]], ...]) -> tuple[tuple[str, int], ...]:
    out = []
    for role, keys in role_keys:
        people = DistinctPeople()
        people.add_all(keys)
        out.append((role, people.count))
    return tuple(out)


def _combine(own: ItemResult, children: list[ItemResult], item: Item, container: bool = False) -> ItemResult:
    """The item's result including what its members/attachments hold."""
    people = DistinctPeople()
    people.add_all(own.person_keys)
    by_role: dict[str, list[tuple[bytes, ...]]] = {}
    for result in (own, *children):
        for role, keys in result.role_keys:
            by_role.setdefault(role, []).extend(keys)
    for child in children:
        people.add_all(child.person_keys)
    categories = ordered(set(own.categories).union(*(c.categories for c in children)))
    if own.pii is None:
        pii: bool | None = True if any(c.pii for c in children) else None
    elif own.pii or any(c.pii for c in children):
        pii = True
    elif any(c.pii is None for c in children):
        pii = None  # something inside could not be read: not clean
    else:
        pii = False
    unread = sum(1 for c in children if c.pii is None)
    reason = own.reason
    if unread and not reason:
        reason = said("reason.inside_unread", n=unread)
    return ItemResult(
        path=own.path, status=own.status, size=own.size, sha256=own.sha256, pii=pii,
        categories=tuple(categories), persons=people.count, special_care=is_special_care(tuple(categories)),
        reason=reason, format=own.format, encoding=own.encoding, container=container or own.container,
        confidence=_best_confidence(own, children), samples=_first_samples(own, children),
        problems=own.problems, person_keys=own.person_keys, partial=own.partial, mtime=own.mtime, owner=own.owner,
        roles=_role_counts(tuple((role, tuple(keys)) for role, keys in sorted(by_role.items()))),
        role_keys=own.role_keys,
    )


def _best_confidence(own: ItemResult, children: list[ItemResult]) -> tuple[tuple[str, float], ...]:
    """Per category, the highest confidence of the item or anything inside it (a zip has none of its own)."""
    best: dict[str, float] = {}
    for result in (own, *children):
        for category, value in result.confidence:
            best[category] = max(value, best.get(category, 0.0))
    return tuple(best.items())


_SAMPLES_PER_CATEGORY = 3


def _first_samples(own: ItemResult, children: list[ItemResult]) -> tuple[Sample, ...]:
    """The item's own samples, then members' ones, a few per category, so a container can be explained."""
    kept: list[Sample] = []
    per_category: dict[str, int] = {}
    for sample in (s for result in (own, *children) for s in result.samples):
        if per_category.get(sample.category, 0) < _SAMPLES_PER_CATEGORY:
            per_category[sample.category] = per_category.get(sample.category, 0) + 1
            kept.append(sample)
    return tuple(kept)
