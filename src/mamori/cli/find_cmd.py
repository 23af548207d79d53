"""``mamori find``: scan paths for personal data and report per item."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)

from mamori import __version__
from mamori.cli import find_extras
from mamori.cli.common import EXIT_NOT_INSPECTED, EXIT_PII_FOUND, Lang
from mamori.cli.present import ItemRateColumn, explain, terminal_table
from mamori.errors import ConfigError
from mamori.evidence.remote import is_url
from mamori.extract.ocr import OcrOptions
from mamori.i18n import t
from mamori.models import ItemResult, ScanSummary
from mamori.report.find.base import FindReport, ScanContext
from mamori.report.find.lines import CsvReport, JsonlReport
from mamori.scan.cluster_address import check_address
from mamori.scan.runner import Scan, ScanOptions, default_workers


class Format(StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"
    xlsx = "xlsx"
    html = "html"


# The file endings --output understands when --format is not given.
_BY_SUFFIX = {".jsonl": Format.jsonl, ".json": Format.jsonl, ".ndjson": Format.jsonl, ".csv": Format.csv,
              ".xlsx": Format.xlsx, ".html": Format.html, ".htm": Format.html}


def output_format(fmt: Format | None, output: Path | None) -> Format:
    """The format asked for, else the one --output's ending names; a table when neither says."""
    if fmt is not None:
        return fmt
    if output is None:
        return Format.table
    try:
        return _BY_SUFFIX[output.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(_BY_SUFFIX))
        raise ConfigError(f"--output {output}: cannot tell the format from the ending '{output.suffix}'; "
                          f"use one of {known} or give --format") from None


def check_writable(output: Path) -> None:
    """Fail before scanning when --output cannot be written (a scan may take hours)."""
    if output.is_dir():
        raise ConfigError(f"--output {output}: is a folder; give a file name")
    existed = output.exists()
    try:
        with output.open("ab"):
            pass
    except OSError as exc:
        raise ConfigError(f"--output {output}: cannot be written ({exc.strerror}); "
                          "choose a folder you can write to") from None
    if not existed:
        output.unlink(missing_ok=True)


def _open_report(fmt: Format, output: Path | None, lang: str, stack: ExitStack,
                 context: ScanContext) -> FindReport | None:
    if fmt is Format.table:
        return None
    if fmt is Format.xlsx:
        if output is None:
            raise ConfigError("--format xlsx writes a file: add --output FILE.xlsx")
        from mamori.report.find.workbook import XlsxReport  # XlsxWriter only when asked for

        return XlsxReport(output, lang)
    stream: TextIO = sys.stdout
    if output is not None:
        # utf-8-sig for CSV so that Excel shows Japanese correctly.
        encoding = "utf-8-sig" if fmt is Format.csv else "utf-8"
        stream = stack.enter_context(output.open("w", encoding=encoding, newline="" if fmt is Format.csv else None))
    if fmt is Format.jsonl:
        return JsonlReport(stream, lang)
    if fmt is Format.csv:
        return CsvReport(stream, lang)
    from mamori.report.find.page import HtmlReport  # Jinja2 only when asked for

    return HtmlReport(stream, lang, context)


def find(
    paths: Annotated[list[str], typer.Argument(
        help="Files or folders to scan (archives are opened); with --cluster also fsspec URLs (file://, s3://).")],
    fmt: Annotated[Format | None, typer.Option(
        "--format", "-f", help="Output format (default: from --output's ending, else a table).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here.")] = None,
    workers: Annotated[int, typer.Option(help="Parallel processes (default: CPU count).")] = 0,
    fail_on_pii: Annotated[bool, typer.Option(
        "--fail-on-pii", help="Exit 1 when personal data is found, 3 when some item could not be inspected.")] = False,
    accept_not_inspected: Annotated[bool, typer.Option(
        "--accept-not-inspected", help="With --fail-on-pii: do not fail on items not inspected.")] = False,
    explain_items: Annotated[bool, typer.Option(
        "--explain", help="Say why each item was judged so (table); masked samples and confidence (jsonl).")] = False,
    lang: Annotated[Lang, typer.Option(help="Language of the report.")] = Lang.ja,
    progress: Annotated[bool, typer.Option(help="Show a progress bar on stderr.")] = True,
    ocr: Annotated[bool, typer.Option("--ocr", help="Read scanned PDFs and images with Tesseract OCR "
                                      "(jpn, jpn_vert); their findings are marked ocr and less certain.")] = False,
    cluster: Annotated[str | None, typer.Option(
        help="Inspect on a Dask cluster: the scheduler's address (tcp://host:8786) or local:N for N processes "
             "here. Results come as files finish.")] = None,
    resume: Annotated[Path | None, typer.Option(
        help="With --cluster: keep finished files in this state file; run again with it to go on after a stop.",
    )] = None,
    push: Annotated[str | None, typer.Option(help="Send per-file results (no values) to this guard's register.")
                    ] = None,
    token: Annotated[str | None, typer.Option(envvar="MAMORI_PUSH_TOKEN", help="Scanner token for --push.")] = None,
    incremental: Annotated[bool, typer.Option(help="Do not read again files unchanged since the last scan.")
                           ] = False,
    hash_check: Annotated[bool, typer.Option(help="With --incremental: also compare each file's SHA-256.")] = False,
) -> None:
    """Scan PATHS for personal data; one line per file, archive member and attachment."""
    check_sources(paths, cluster, resume)
    fmt = output_format(fmt, output)
    if output is not None:
        check_writable(output)
    # Explaining is a way of printing the table; the other formats carry samples and confidence already.
    explain_items = explain_items and fmt is Format.table
    if cluster is not None and incremental:
        raise ConfigError("--incremental cannot be used with --cluster yet: run the incremental scan on one machine")
    local = [Path(p) for p in paths]  # URLs need --cluster, which neither pushes nor keeps a cache yet
    pusher = find_extras.open_pusher(push, token, local)
    cache = find_extras.open_cache(local, incremental, hash_check, ocr)
    options = ScanOptions(workers=workers or default_workers(), ocr=OcrOptions() if ocr else None, cluster=cluster,
                          resume=resume)
    scan = Scan(list(paths), replace(options, secret=cache.secret) if cache else options, cache=cache)
    console = Console(stderr=True)
    found_pii = False
    table_rows: list[ItemResult] = []
    with ExitStack() as stack:
        context = ScanContext(roots=tuple(str(p) for p in paths), version=__version__,
                              options=((t("report.workers", lang.value),
                                        cluster or str(workers or default_workers())),))
        report = _open_report(fmt, output, lang.value, stack, context)
        bar = _progress(console, lang.value) if progress and console.is_terminal else None
        task = bar.add_task(t("progress.scanning", lang.value), total=None, items=0) if bar else None
        if bar:
            stack.enter_context(bar)
        done_items = done_bytes = 0
        for result in scan.results():
            found_pii = found_pii or bool(result.pii)
            if pusher is not None:
                pusher.add(result)
            if bar is not None and task is not None:
                done_items += 1
                done_bytes += result.size if "!" not in result.path else 0
                bar.update(task, completed=done_bytes, items=done_items)
            if explain_items:
                explain(console_out(), result, lang.value)
            elif report is not None:
                report.add(result)
            else:
                table_rows.append(result)
        summary = scan.summary
        assert summary is not None
        if cache is not None:
            cache.close(complete=True)
        if pusher is not None:
            pusher.finish(summary)
        if report is not None and not explain_items:
            report.finish(summary)
    if fmt is Format.table and not explain_items:
        terminal_table(console_out(), table_rows, summary, lang.value)
    elif output is not None or explain_items:
        _print_summary(console, summary, lang.value)
    if fail_on_pii and found_pii:
        raise typer.Exit(EXIT_PII_FOUND)
    if fail_on_pii and summary.not_inspected and not accept_not_inspected:
        # A pre-export check must not pass what it could not read.
        raise typer.Exit(EXIT_NOT_INSPECTED)


def check_sources(paths: list[str], cluster: str | None, resume: Path | None) -> None:
    """ConfigError for a path that is not there, a URL without --cluster, or --resume without it."""
    if resume is not None and cluster is None:
        raise ConfigError("--resume works with --cluster; a local scan is started again instead")
    if cluster is not None:
        check_address(cluster)
    for given in paths:
        if is_url(given):
            if cluster is None:
                raise ConfigError(f"{given}: a URL is read by cluster workers; add --cluster local:N or "
                                  "--cluster tcp://scheduler:8786")
            continue
        path = Path(given)
        if not path.exists() and not path.is_symlink():
            raise ConfigError(f"{path}: no such file or folder; check the path")


def console_out() -> Console:
    return Console(soft_wrap=True)


def _progress(console: Console, lang: str) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        ItemRateColumn(lang),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _print_summary(console: Console, summary: ScanSummary, lang: str) -> None:
    parts = [f"{t('summary.' + k, lang)}: {v}" for k, v in
             (("items", summary.items), ("pii_items", summary.pii_items),
              ("not_inspected", summary.not_inspected), ("unique_persons", summary.unique_persons))]
    console.print(" / ".join(parts))
