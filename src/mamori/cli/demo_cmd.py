"""``mamori demo``: the main job on an embedded synthetic default."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mamori.cli.common import Lang
from mamori.cli.present import terminal_table
from mamori.i18n import t
from mamori.report.page import HtmlReport
from mamori.scan.runner import Scan, ScanOptions, default_workers


def demo(
    out: Annotated[Path, typer.Option(help="Folder for the corpus and the report.")] = Path("demo-out"),
    files: Annotated[int, typer.Option(help="Number of synthetic files.")] = 120,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 2015,
    lang: Annotated[Lang, typer.Option(help="Language of the report.")] = Lang.ja,
) -> None:
    """Generate a synthetic municipal file share, scan it and write an HTML report."""
    from rich.console import Console

    from mamori.synth.corpus import write_corpus

    corpus_dir = out / "corpus"
    write_corpus(corpus_dir, n_files=files, seed=seed)
    scan = Scan([corpus_dir], ScanOptions(workers=default_workers()))
    report_path = out / "report.html"
    results = []
    with report_path.open("w", encoding="utf-8") as stream:
        report = HtmlReport(stream, lang.value)
        for result in scan.results():
            report.add(result)
            results.append(result)
        assert scan.summary is not None
        report.finish(scan.summary)
    console = Console(soft_wrap=True)
    terminal_table(console, results, scan.summary, lang.value)
    console.print(t("demo.done", lang.value, path=report_path))
