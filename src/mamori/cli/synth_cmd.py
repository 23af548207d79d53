"""``mamori synth``: write synthetic corpora (tests, demos, benchmarks) — the one command line for synthetic data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mamori.cli.common import Lang
from mamori.i18n import t

app = typer.Typer(help="Generate synthetic residents' files with their ground truth.", no_args_is_help=True)


@app.command("corpus")
def corpus(
    out: Annotated[Path, typer.Argument(help="Folder to write the corpus into.")],
    files: Annotated[int, typer.Option(help="Number of files.")] = 200,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same bytes).")] = 0,
    people: Annotated[int, typer.Option(help="Size of the resident pool.")] = 2000,
    max_rows: Annotated[int, typer.Option(help="Most rows in one list.")] = 60,
    formats: Annotated[str | None, typer.Option(
        help="Comma-separated renderer names (default: all registered).")] = None,
    manifest: Annotated[Path | None, typer.Option(help="Where to write the truth (default: OUT.truth.json).")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the messages.")] = Lang.ja,
) -> None:
    """Write a varied municipal-style corpus and its truth manifest."""
    from mamori.synth.corpus import manifest_path_for, write_corpus

    written = write_corpus(out, n_files=files, seed=seed, formats=formats.split(",") if formats else None,
                           people=people, rows=(3, max(3, max_rows)), manifest_path=manifest)
    where = manifest or manifest_path_for(out)
    typer.echo(t("cli.synth.corpus", lang.value, out=out, files=len(written.files), people=written.unique_persons,
                 truth=where))


@app.command("voters")
def voters(
    path: Annotated[Path, typer.Argument(help="The CSV file to write.")],
    rows: Annotated[int, typer.Option(help="Number of voters.")] = 682_524,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    encoding: Annotated[str, typer.Option(help="Text encoding of the file.")] = "cp932",
    lang: Annotated[Lang, typer.Option(help="Language of the messages.")] = Lang.ja,
) -> None:
    """Write one big voter-list CSV (CP932 by default), as benchmarks use."""
    from mamori.synth.corpus import write_voter_list

    truth = write_voter_list(path, rows, seed, encoding)
    typer.echo(t("cli.synth.voters", lang.value, voters=truth.persons, path=path))
