"""``mamori demo``: generate a leak case modelled on 2015 and investigate it, end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from mamori.cli.common import Lang
from mamori.cli.investigate_cmd import print_summary, run_case
from mamori.errors import ConfigError
from mamori.i18n import t

DEFAULT_VOTERS = 20_000


def _scale(value: str) -> int | str:
    if value == "full":
        return value
    try:
        voters = int(value.replace(",", "").replace("_", ""))
    except ValueError:
        raise ConfigError(f"--scale must be a number of voters or 'full'; got {value!r}") from None
    if voters < 1:
        raise ConfigError("--scale must be at least 1 voter")
    return voters


def demo(
    out: Annotated[Path, typer.Option(help="Folder for the generated case and the investigation.")] = Path("demo-out"),
    scale: Annotated[str, typer.Option(help="Voters in the leaked list: a number or 'full' (682,524).")] = str(
        DEFAULT_VOTERS),
    seed: Annotated[int, typer.Option(help="Random seed of the generated case.")] = 2015,
    lang: Annotated[Lang, typer.Option(help="Language of the report.")] = Lang.ja,
    pdf: Annotated[bool, typer.Option(help="Write report.pdf (needs WeasyPrint).")] = True,
    workers: Annotated[int, typer.Option(
        help="Parallel processes for inspecting matched files (default: CPU count).")] = 0,
) -> None:
    """Generate a case like Sakai 2015 (evidence, FTP and access logs), investigate it and write the reports."""
    from mamori.synth.case import FULL_SCALE, write_case

    voters = _scale(scale)
    console = Console(soft_wrap=True)
    case_dir, investigation = out / "case", out / "investigation"
    console.print(t("demo.generating", lang.value, voters=FULL_SCALE if voters == "full" else voters, path=case_dir))
    write_case(case_dir, scale=voters, seed=seed)
    findings, written = run_case(case_dir / "CASE.toml", investigation, previous=None, lang=lang.value,
                                 notification_list=False, workers=workers, log_timezone=None, pdf=pdf)
    print_summary(console, findings, written, lang.value)
    console.print(t("demo.done", lang.value, path=written.html))
