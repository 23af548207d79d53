"""What every command shares: languages, error presentation, exit codes."""

from __future__ import annotations

import os
import sys
from enum import StrEnum

import typer

from mamori.errors import MamoriError
from mamori.i18n import message_of, t

EXIT_PII_FOUND = 1
EXIT_ERROR = 2
EXIT_NOT_INSPECTED = 3  # --fail-on-pii: some item could not be inspected (encrypted, unreadable, too large…)


class Lang(StrEnum):
    ja = "ja"
    en = "en"


def handle_errors(app: typer.Typer) -> int:
    """Run *app*; a MamoriError becomes one clear line and exit code 2 (traceback with --debug)."""
    debug = "--debug" in sys.argv or bool(os.environ.get("MAMORI_DEBUG"))
    if "--debug" in sys.argv:
        sys.argv.remove("--debug")
    lang = "en" if "--lang=en" in sys.argv or (
        "--lang" in sys.argv and sys.argv[sys.argv.index("--lang") + 1:][:1] == ["en"]) else "ja"
    try:
        app()
    except MamoriError as error:
        if debug:
            raise
        typer.echo(f"mamori: {t('error.prefix', lang)}: {message_of(error, lang)}", err=True)
        return EXIT_ERROR
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else EXIT_ERROR)
    return 0
