"""HTML report rendered with Jinja2 (autoescaped; file names are untrusted input)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, TextIO

from mamori.i18n import t
from mamori.models import ItemResult, ScanSummary
from mamori.report.base import StreamReport, headers, row_values, summary_rows
from mamori.report.templating import environment


class HtmlReport(StreamReport):
    """Keeps rows (without identity keys) until the end, then renders one self-contained page."""

    name: ClassVar[str] = "html"

    def __init__(self, stream: TextIO, lang: str = "ja") -> None:
        super().__init__(stream, lang)
        self.rows: list[tuple[ItemResult, list[object]]] = []

    def add(self, result: ItemResult) -> None:
        self.rows.append((result, row_values(result, self.lang)))

    def finish(self, summary: ScanSummary) -> None:
        template = environment().get_template("find.html.j2")
        self.stream.write(template.render(
            lang=self.lang,
            title=t("report.title", self.lang),
            generated=datetime.now().astimezone().isoformat(timespec="seconds"),
            generated_label=t("report.generated", self.lang),
            note=t("report.note_masked", self.lang),
            summary=summary_rows(summary, self.lang),
            headers=headers(self.lang),
            rows=self.rows,
        ))
        self.stream.flush()
