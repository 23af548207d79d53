"""``mamori synth``: write synthetic corpora (tests, demos, benchmarks)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Generate synthetic residents' files with their ground truth.", no_args_is_help=True)


@app.command("corpus")
def corpus(
    out: Annotated[Path, typer.Argument(help="Folder to write the corpus into.")],
    files: Annotated[int, typer.Option(help="Number of files.")] = 200,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same bytes).")] = 0,
) -> None:
    """Write a varied municipal-style corpus and its truth manifest."""
    from mamori.synth.corpus import write_corpus

    manifest = write_corpus(out, n_files=files, seed=seed)
    typer.echo(f"{out}: {len(manifest.files)} files")
