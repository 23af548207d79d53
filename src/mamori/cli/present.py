"""Terminal presentation of results (Rich)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.progress import ProgressColumn, Task
from rich.table import Table
from rich.text import Text

from mamori.detect.categories import BY_ID
from mamori.i18n import location_label, status_label, t
from mamori.models import ItemResult, ScanSummary
from mamori.report.find.base import COLUMNS, row_values, summary_rows

#: The columns of the terminal table: the human table's without hashes, reasons and samples (see --explain);
#: modified time and owner only where the terminal is wide enough not to fold every cell.
TERMINAL_COLUMNS = ("path", "status", "pii", "categories", "persons", "special_care")
WIDE_COLUMNS = ("modified", "owner")
WIDE_TERMINAL = 120


class ItemRateColumn(ProgressColumn):
    """"1,234 items · 56/s" from the task's ``items`` field."""

    def render(self, task: Task) -> Text:
        items = int(task.fields.get("items", 0))
        elapsed = task.elapsed or 0.0
        rate = items / elapsed if elapsed > 0 else 0.0
        return Text(f"{items:,} items · {rate:,.0f}/s")


def terminal_table(console: Console, results: list[ItemResult], summary: ScanSummary, lang: str) -> None:
    """A table of items and the summary below it."""
    table = Table(show_lines=False, header_style="bold")
    keys = TERMINAL_COLUMNS + (WIDE_COLUMNS if console.width >= WIDE_TERMINAL else ())
    shown = [COLUMNS.index(key) for key in keys]
    for index in shown:
        table.add_column(t(f"col.{COLUMNS[index]}", lang), overflow="fold")
    for r in results:
        style = "red" if r.pii else ("yellow" if r.pii is None else "")
        cells = row_values(r, lang)
        table.add_row(*(str(cells[index]) for index in shown), style=style)
    console.print(table)
    summary_table = Table(title=t("summary.title", lang), show_header=False)
    for label, value in summary_rows(summary, lang):
        summary_table.add_row(label, str(value))
    console.print(summary_table)


def explain(console: Console, result: ItemResult, lang: str) -> None:
    """Why *result* was judged as it was: what was read, categories by confidence, masked samples and where."""
    head = f"{result.path}  [{status_label(result.status.value, lang)}]"
    read_as = " · ".join(x for x in (result.format, result.encoding) if x)
    console.print(Text(head + (f"  ({read_as})" if read_as else ""), style="bold"))
    if result.pii is None:
        console.print("  " + t("explain.not_inspected", lang, reason=result.reason or ""))
        return
    if not result.categories:
        console.print("  " + t("explain.none", lang))
    confidence = dict(result.confidence)
    for category in sorted(result.categories, key=lambda c: -confidence.get(c, 0.0)):
        label = BY_ID[category].label(lang) + (" ⚠" if BY_ID[category].special_care else "")
        console.print("  " + t("explain.category", lang, label=label, conf=confidence.get(category, 0.0)))
        for sample in result.samples:
            if sample.category == category:
                console.print(escape(t("explain.sample", lang, value=sample.masked,
                                       location=location_label(sample.location, lang))))
    if result.persons:
        care = f"  {t('col.special_care', lang)}: {t('pii.true', lang)}" if result.special_care else ""
        console.print(f"  {t('col.persons', lang)}: {result.persons:,}{care}")
    if result.reason:
        console.print(f"  ({result.reason})")
    for problem in result.problems[:5]:
        console.print(f"  ! {problem.message}")
