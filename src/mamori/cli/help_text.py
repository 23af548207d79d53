"""``--help`` in the reader's language: the code's English, or the catalogue's ``help.<command>[.<param>]``.

Click parses ``--help`` before ``--lang``, so the language comes from the command line as typed
(``--lang en`` / ``--lang=en``) or ``MAMORI_LANG``; Japanese by default, as everywhere.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from typer import _click as click

from mamori.i18n import t

# Typer's own words in its help panels, by the catalogue key that replaces them in Japanese.
_PANELS = {"ARGUMENTS_PANEL_TITLE": "help.panel.arguments", "OPTIONS_PANEL_TITLE": "help.panel.options",
           "COMMANDS_PANEL_TITLE": "help.panel.commands", "REQUIRED_LONG_STRING": "help.panel.required",
           "DEFAULT_STRING": "help.panel.default", "ERRORS_PANEL_TITLE": "help.panel.error"}


def help_lang(argv: Sequence[str] | None = None) -> str:
    """``en`` when the command line or ``MAMORI_LANG`` asks for English, else ``ja``."""
    args = list(sys.argv if argv is None else argv)
    if "--lang=en" in args or any(a == "--lang" and args[i + 1:i + 2] == ["en"] for i, a in enumerate(args)):
        return "en"
    return "en" if os.environ.get("MAMORI_LANG") == "en" else "ja"


def help_key(path: Sequence[str], param: str | None = None) -> str:
    """``help.find`` for a command, ``help.guard.init.admin`` for one of its parameters."""
    return ".".join(["help", *path] if param is None else ["help", *path, param]) if path or param else "help.mamori"


def say(key: str, english: str | None, lang: str) -> str | None:
    """The catalogue's Japanese for *key*; the code's *english* in English or when the catalogue lacks it."""
    if english is None or lang == "en":
        return english
    text = t(key, lang)
    return english if text == key else text


def translate(command: click.Command, path: Sequence[str], lang: str | None = None) -> None:
    """Put *command*'s (and its sub-commands') help into the reader's language, in place, once."""
    lang = lang or help_lang()
    if lang == "en" or getattr(command, "_mamori_help_lang", None) == lang:
        return
    command._mamori_help_lang = lang  # type: ignore[attr-defined]
    command.help = say(help_key(path), command.help, lang)
    command.short_help = say(help_key(path), command.short_help, lang) if command.short_help else None
    for param in command.params:
        if getattr(param, "help", None) and param.name:
            param.help = say(help_key(path, param.name), param.help, lang)  # type: ignore[attr-defined]
    _help_option_in(command, lang)
    for name, sub in getattr(command, "commands", {}).items():
        translate(sub, [*path, name], lang)
    _panels(lang)


def _help_option_in(command: click.Command, lang: str) -> None:
    original: Callable[[click.Context], Any] = command.get_help_option

    def get_help_option(ctx: click.Context) -> Any:
        option = original(ctx)
        if option is not None:
            option.help = t("help.option.help", lang)
        return option

    command.get_help_option = get_help_option  # type: ignore[method-assign]


def _panels(lang: str) -> None:
    from typer import rich_utils

    for name, key in _PANELS.items():
        setattr(rich_utils, name, t(key, lang))
    if not getattr(rich_utils, "_mamori_folded", False):
        rich_utils._mamori_folded = True  # type: ignore[attr-defined]
        rich_utils._get_parameter_help = _folded(rich_utils._get_parameter_help)


def _folded(get_help: Callable[..., Any]) -> Callable[..., Any]:
    """Typer sets an option's help in Columns, which cut a line without spaces (Japanese) with "…";
    one Text that folds keeps every character."""
    from rich.text import Text

    def parameter_help(**kwargs: Any) -> Any:
        columns = get_help(**kwargs)
        parts = list(getattr(columns, "renderables", ()))
        if not parts or not all(isinstance(p, Text) for p in parts):
            return columns
        text = Text("\n").join(parts)
        text.overflow = "fold"
        return text

    return parameter_help
