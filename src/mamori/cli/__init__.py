"""The ``mamori`` command: parse, call the engine, present. Thin on purpose."""

from __future__ import annotations

import sys

import typer

from mamori import __version__
from mamori.cli import agent_cmd, audit_cmd, demo_cmd, find_cmd, guard_cmd, investigate_cmd, synth_cmd
from mamori.cli.common import handle_errors

app = typer.Typer(
    name="mamori",
    help="mamori (守り): find personal data, investigate leaks, guard exports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("find")(find_cmd.find)
app.command("demo")(demo_cmd.demo)
app.command("investigate")(investigate_cmd.investigate)
app.add_typer(synth_cmd.app, name="synth")
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(guard_cmd.app, name="guard")
app.add_typer(agent_cmd.app, name="agent")


@app.command("version")
def version() -> None:
    """Print mamori's version."""
    typer.echo(__version__)


def main() -> None:
    """Entry point of the ``mamori`` script."""
    sys.exit(handle_errors(app))
