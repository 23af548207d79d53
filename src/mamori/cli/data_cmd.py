"""``mamori data``: the offline data sets mamori uses (the IP-to-ASN table that names providers)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mamori.cli.common import Lang
from mamori.i18n import t

app = typer.Typer(help="Offline data sets: update the IP-to-ASN table that names providers.", no_args_is_help=True)


@app.command("update")
def update(
    url: Annotated[str | None, typer.Option(help="Where to fetch the table (iptoasn.com's TSV format).")] = None,
    dest: Annotated[Path | None, typer.Option(help="Data folder (default: $MAMORI_DATA_DIR or "
                                                   "~/.local/share/mamori).")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the messages.")] = Lang.ja,
) -> None:
    """Download the current IP-to-ASN table (needs the network), check it and install it with its date."""
    from mamori.investigate.provider_update import DEFAULT_URL, update_table

    done = update_table(url or DEFAULT_URL, dest)
    typer.echo(t("cli.data.updated", lang.value, path=done.path, ranges=done.ranges, as_of=done.as_of,
                 source=done.source))


@app.command("status")
def status(lang: Annotated[Lang, typer.Option(help="Language of the messages.")] = Lang.ja) -> None:
    """Which data set names providers now, and its date."""
    from mamori.investigate.providers import load_provider_data

    data = load_provider_data()
    typer.echo(t("cli.data.status", lang.value, source=data.source, as_of=data.as_of) if data
               else t("cli.data.none", lang.value))
