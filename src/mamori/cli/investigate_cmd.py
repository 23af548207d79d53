"""``mamori investigate``: run the case, then write the reports beside ``findings.json`` and sum up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from mamori.cli.common import Lang
from mamori.errors import ConfigError
from mamori.i18n import localize, t
from mamori.investigate import Findings
from mamori.investigate import investigate as run_investigation
from mamori.investigate.case import load_case
from mamori.report.case.reports import WrittenReports, write_reports
from mamori.scan.runner import default_workers

_STAGES = ("importing", "matching", "inspecting", "attributing", "contacts", "reports")


@contextmanager
def stage_progress(console: Console, lang: str) -> Iterator[Callable[[str], None]]:
    """A live line per engine stage (on a terminal); yields the engine's progress callback."""
    if not console.is_terminal:
        yield lambda _message: None
        return
    bar = Progress(SpinnerColumn(), TextColumn("[bold]{task.fields[stage]}"), TextColumn("{task.description}"),
                   TimeElapsedColumn(), console=console, transient=True)
    task = bar.add_task("", stage="", total=None)

    def note(message: str) -> None:
        verb, _, rest = message.partition(" ")
        stage = t(f"inv.stage.{verb}", lang) if verb in _STAGES else verb
        bar.update(task, stage=stage, description=rest[-80:])

    with bar:
        yield note


def print_summary(console: Console, findings: Findings, written: WrittenReports, lang: str) -> None:
    """The findings in a few lines, the time per stage, what was written and any warning."""
    totals, every = findings.access_totals, findings.all_requests
    table = Table(show_header=False, box=None)
    verdict = {True: "true", False: "false"}.get(written.ppc_mandatory, "none")  # type: ignore[arg-type]
    review = len(findings.needs_review)
    rows: list[tuple[str, object]] = [
        ("case", findings.case_name), ("files", len(findings.server_files)),
        ("leaked", len(findings.leaked)), ("persons", f"{findings.unique_persons_leaked:,}"),
        ("accesses", f"{totals.get('external', 0):,} / {totals.get('crawler', 0):,} / {totals.get('owner', 0):,}"),
        ("all", f"{every.get('external', 0):,} / {every.get('crawler', 0):,} / {every.get('owner', 0):,}, "
                f"{every.get('requests', 0):,}"),
        ("crawled", len(findings.crawled_only)),
        ("review", f"[yellow]{review}[/yellow]" if review else "0"),
        ("bad", f"[yellow]{findings.run.bad_lines:,}[/yellow]" if findings.run.bad_lines else "0"),
        ("ppc", t(f"inv.ppc.{verdict}", lang))]
    for key, value in rows:
        table.add_row(f"[bold]{t('inv.summary.' + key, lang)}[/bold]", str(value))
    console.print(table)
    timings = " ".join(f"{_stage(k, lang)} {v:.1f}" for k, v in findings.run.timings.items())
    console.print(f"{t('inv.stages', lang)}: {timings}")
    console.print(f"{t('inv.written', lang)}: " + ", ".join(p.name for p in written.paths))
    for warning in (*findings.log_problems, *written.warnings):
        console.print(f"[yellow]{t('inv.warning', lang)}:[/yellow] {localize(warning, lang)}", markup=True,
                      highlight=False)


def _stage(name: str, lang: str) -> str:
    """A stage's name from the catalogue (``inv.stage.<name>``), the engine's own word when it has none."""
    key = f"inv.stage.{name}"
    text = t(key, lang)
    return name if text == key else text


def run_case(case_file: Path, out: Path, *, previous: Path | None, lang: str, notification_list: bool,
             workers: int, log_timezone: str | None, pdf: bool = True,
             console: Console | None = None) -> tuple[Findings, WrittenReports]:
    """Investigate *case_file* into *out* and write the reports (the CLI's and the demo's shared path)."""
    err = Console(stderr=True) if console is None else console
    if previous is not None and not previous.is_file():
        raise ConfigError(f"--previous {previous}: no such findings file")
    case = load_case(case_file, log_timezone)
    with stage_progress(err, lang) as note:
        findings = run_investigation(case_file, out, previous=previous, workers=workers or default_workers(),
                                     log_timezone=log_timezone, contacts=notification_list, progress=note)
        note("reports report.html …")
        written = write_reports(findings, out, case, lang=lang, notification_list=notification_list, pdf=pdf)
    return findings, written


def investigate(
    case_file: Annotated[Path, typer.Argument(help="The case file (CASE.toml).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the case store, findings.json and reports.")],
    previous: Annotated[Path | None, typer.Option(help="An earlier findings.json: marks rows 新規/既報.")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the report.")] = Lang.ja,
    notification_list: Annotated[bool, typer.Option(
        "--notification-list", help="Also write notification_list.csv (names and addresses; mode 0600).")] = False,
    workers: Annotated[int, typer.Option(
        help="Parallel processes for inspecting matched files (default: CPU count).")] = 0,
    log_timezone: Annotated[str | None, typer.Option(
        help="Zone of log times that carry none (overrides [case] log_timezone), e.g. Asia/Tokyo.")] = None,
    pdf: Annotated[bool, typer.Option(help="Write report.pdf (needs WeasyPrint).")] = True,
) -> None:
    """Investigate a leak: evidence + server logs + access logs → findings.json and the reports."""
    findings, written = run_case(case_file, out, previous=previous, lang=lang.value,
                                 notification_list=notification_list, workers=workers, log_timezone=log_timezone,
                                 pdf=pdf)
    console = Console(soft_wrap=True)
    print_summary(console, findings, written, lang.value)
    console.print(t("inv.done", lang.value, path=written.html))
