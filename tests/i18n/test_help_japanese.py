"""Every command's and option's --help has Japanese in the catalogue; Japanese by default, English with --lang en."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import typer
from babel.messages.pofile import read_po

from mamori.cli import COMMANDS, app
from mamori.cli.help_text import help_key
from mamori.i18n import LOCALE_DIR


def _texts(command: typer.core.TyperCommand, path: list[str]) -> Iterator[tuple[str, str]]:
    if command.help:
        yield help_key(path), command.help
    for param in command.params:
        if getattr(param, "help", None) and not getattr(param, "hidden", False) and param.name:
            yield help_key(path, param.name), str(param.help)  # type: ignore[attr-defined]
    for name, sub in getattr(command, "commands", {}).items():
        yield from _texts(sub, [*path, name])


def every_help() -> dict[str, str]:
    found = dict(_texts(typer.main.get_command(app), []))
    for name, entry in COMMANDS.items():
        found[help_key([name]) + ".short"] = entry.short_help
        found.update(_texts(entry.load(name), [name]))
    return found


def test_every_help_text_has_japanese() -> None:
    with (LOCALE_DIR / "ja" / "LC_MESSAGES" / "django.po").open("rb") as handle:
        ja = read_po(handle)
    texts = every_help()
    assert len(texts) > 100
    missing = sorted(key for key in texts if key not in ja or not ja[key].string)
    assert not missing, f"help texts without Japanese (add them to the catalogue): {missing}"


def run(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "mamori", *args], capture_output=True, text=True, timeout=120,
                          check=True, env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"}).stdout


def test_help_in_japanese_and_english() -> None:
    top = run("--help")
    assert "ファイルとフォルダの個人情報を検査します。" in top and "コマンド" in top
    find = run("find", "--help")
    assert "検査するファイルまたはフォルダ" in find and "…" not in find and "Files or folders" not in find
    english = run("find", "--help", "--lang", "en")
    assert "Files or folders to scan" in english and "検査する" not in english
