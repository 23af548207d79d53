"""JSON Lines: the public contract of ``mamori find --format jsonl``, and CSV."""

from __future__ import annotations

import csv as csv_module
import json
from typing import ClassVar, TextIO

from mamori.models import ItemResult, ScanSummary
from mamori.report.find.base import StreamReport, headers, row_values


class JsonlReport(StreamReport):
    """One JSON object per item as soon as it is known, then the summary line."""

    name: ClassVar[str] = "jsonl"

    def add(self, result: ItemResult) -> None:
        self.stream.write(json.dumps(result.contract(), ensure_ascii=False) + "\n")
        self.stream.flush()

    def finish(self, summary: ScanSummary) -> None:
        self.stream.write(json.dumps(summary.contract(), ensure_ascii=False) + "\n")
        self.stream.flush()


class CsvReport(StreamReport):
    """A CSV that Excel opens (UTF-8 with BOM is written by the caller when it is a file)."""

    name: ClassVar[str] = "csv"

    def __init__(self, stream: TextIO, lang: str = "ja") -> None:
        super().__init__(stream, lang)
        self.writer = csv_module.writer(stream)
        self.writer.writerow(headers(lang))

    def add(self, result: ItemResult) -> None:
        self.writer.writerow(row_values(result, self.lang))

    def finish(self, summary: ScanSummary) -> None:
        self.stream.flush()
