"""What a find-report writer is, and the registry of formats."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol, TextIO

from mamori.i18n import category_label, localize, location_label, pii_label, status_label, t
from mamori.models import ItemResult, ScanSummary, modified_iso


class FindReport(Protocol):
    """Receives results one by one (streaming formats write at once), then the summary."""

    name: ClassVar[str]
    binary: ClassVar[bool]  # needs a file path rather than a text stream

    def add(self, result: ItemResult) -> None: ...

    def finish(self, summary: ScanSummary) -> None: ...


def category_labels(categories: tuple[str, ...], lang: str) -> str:
    # English tables keep the ids (what scripts filter on); Japanese ones the catalogue's labels.
    return "、".join(category_label(c, lang) for c in categories) if lang == "ja" else ", ".join(categories)


COLUMNS = ("path", "status", "pii", "categories", "persons", "special_care", "size", "sha256", "reason", "samples",
           "modified", "owner")


NOT_COUNTED = "—"


def persons_cell(result: ItemResult) -> int | str:
    """The people count, or a dash for an item that was not inspected (0 would read as "nobody")."""
    return NOT_COUNTED if result.pii is None else result.persons


def row_values(result: ItemResult, lang: str) -> list[object]:
    """One result as the cells of a human table (CSV, XLSX, HTML), in COLUMNS order."""
    samples = " / ".join(f"{s.masked} [{location_label(s.location, lang)}]" for s in result.samples)
    return [
        result.path,
        status_label(result.status.value, lang),
        pii_label(result.pii, lang),
        category_labels(result.categories, lang),
        persons_cell(result),
        t("pii.true", lang) if result.special_care else "",
        result.size,
        result.sha256,
        localize(result.reason, lang),
        samples,
        modified_iso(result.mtime)[:19].replace("T", " ") if result.mtime is not None else "",
        result.owner or "",
    ]


def headers(lang: str) -> list[str]:
    return [t(f"col.{c}", lang) for c in COLUMNS]


def summary_rows(summary: ScanSummary, lang: str) -> list[tuple[str, object]]:
    return [
        (t("summary.items", lang), summary.items),
        (t("summary.pii_items", lang), summary.pii_items),
        (t("summary.not_inspected", lang), summary.not_inspected),
        (t("summary.unique_persons", lang), summary.unique_persons),
        (t("summary.elapsed", lang), round(summary.elapsed_s, 2)),
    ]


@dataclass(frozen=True)
class ScanContext:
    """What a report says about the scan itself: where, with which options, by which version of mamori."""

    roots: tuple[str, ...] = ()
    version: str = ""
    options: tuple[tuple[str, str], ...] = ()

    def rows(self, lang: str) -> list[tuple[str, str]]:
        """The parameters as (label, value) rows for a human report."""
        out = [(t("report.roots", lang), ", ".join(self.roots))] if self.roots else []
        out.extend(self.options)
        if self.version:
            out.append((t("report.version", lang), self.version))
        return out

    def top_folder(self, path: str, lang: str) -> str:
        """The first folder below the scanned root that holds `path` (a 課's folder on a share)."""
        outer = path.split("!", 1)[0]
        for root in self.roots:
            base = root.rstrip("/\\")
            if outer == base:
                return base.replace("\\", "/").rsplit("/", 1)[-1] or base
            if outer.startswith(base + "/") or outer.startswith(base + "\\"):
                rest = outer[len(base) + 1:].replace("\\", "/")
                return rest.split("/", 1)[0] if "/" in rest else t("report.top_level", lang)
        return t("report.top_level", lang)


class StreamReport:
    """Base for formats written to a text stream."""

    binary: ClassVar[bool] = False

    def __init__(self, stream: TextIO, lang: str = "ja") -> None:
        self.stream = stream
        self.lang = lang
