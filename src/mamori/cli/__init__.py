"""The ``mamori`` command: parse, call the engine, present. Thin on purpose.

Command modules are imported only when their command runs (see `mamori.cli.lazy`), so ``mamori --help``
and a scan of one small file start fast.
"""

from __future__ import annotations

import sys

import typer

from mamori import __version__
from mamori.cli.common import handle_errors
from mamori.cli.lazy import LazyCommand, lazy_group

COMMANDS = {
    "find": LazyCommand("mamori.cli.find_cmd:find", "Scan files and folders for personal data."),
    "investigate": LazyCommand("mamori.cli.investigate_cmd:investigate",
                               "Investigate a leak: evidence + server logs → findings and reports."),
    "demo": LazyCommand("mamori.cli.demo_cmd:demo", "Write and investigate a synthetic 2015-style case."),
    "synth": LazyCommand("mamori.cli.synth_cmd:app", "Generate synthetic residents' files with their truth."),
    "audit": LazyCommand("mamori.cli.audit_cmd:app", "Check the tamper-evident audit log and receipts."),
    "guard": LazyCommand("mamori.cli.guard_cmd:app", "The export-control server (Django)."),
}

app = typer.Typer(
    name="mamori",
    help="mamori (守り): find personal data, investigate leaks, guard exports.",
    cls=lazy_group(COMMANDS),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def mamori() -> None:
    """mamori (守り): find personal data, investigate leaks, guard exports."""


@app.command("version")
def version() -> None:
    """Print mamori's version."""
    typer.echo(__version__)


def main() -> None:
    """Entry point of the ``mamori`` script."""
    sys.exit(handle_errors(app))
