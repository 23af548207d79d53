"""A command group whose commands are imported only when one is run or its own help is asked for.

``mamori --help`` and ``mamori find`` must not pay for importing the investigation engine, DuckDB or
Django; each command module is named here with its one-line help and loaded on first use.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, ClassVar

import typer

# Typer ≥ 0.29 carries its own copy of Click; its groups take that copy's types, not the `click` package's.
from typer import _click as click
from typer.core import TyperCommand, TyperGroup

from mamori.cli.help_text import help_key, help_lang, say, translate


@dataclass(frozen=True)
class LazyCommand:
    """Where a command lives (``module:attribute``, a Typer app or a command function) and its short help."""

    target: str
    short_help: str

    def load(self, name: str) -> click.Command:
        module_name, attribute = self.target.split(":")
        obj: Any = getattr(importlib.import_module(module_name), attribute)
        command: click.Command
        if isinstance(obj, typer.Typer):
            obj._add_completion = False  # a sub-command never installs shell completion itself
            command = typer.main.get_group(obj)  # a group even when it has one command (synth corpus)
        else:
            single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
            single.command(name)(obj)
            command = typer.main.get_command(single)
        command.name = name
        return command


class LazyGroup(TyperGroup):
    """Lists commands from their LazyCommand entries; imports a command module when it is used."""

    lazy: ClassVar[dict[str, LazyCommand]] = {}
    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.commands, *(name for name in self.lazy if name not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = self.lazy.get(cmd_name)
        if cmd_name not in self.commands and entry is not None:
            if self._listing:
                # The group's own help shows names and one line each: no import needed for that.
                line = say(help_key([cmd_name]) + ".short", entry.short_help, help_lang())
                return TyperCommand(cmd_name, help=line, short_help=line)
            self.commands[cmd_name] = entry.load(cmd_name)
            translate(self.commands[cmd_name], [cmd_name])
        return self.commands.get(cmd_name)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        translate(self, [])
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def lazy_group(commands: dict[str, LazyCommand]) -> type[LazyGroup]:
    """A LazyGroup class that knows `commands` (Typer takes the group as a class)."""
    return type("MamoriGroup", (LazyGroup,), {"lazy": commands})
