"""Meta-test: every command and sub-command of ``mamori`` answers --help."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.core import TyperGroup

from mamori.cli import app


def _paths(command: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    if isinstance(command, TyperGroup):
        ctx = typer.Context(command)
        for name in sorted(command.list_commands(ctx)):
            paths.extend(_paths(command.get_command(ctx, name), (*prefix, name)))
    return paths


COMMANDS = _paths(typer.main.get_command(app))


def test_the_tree_is_complete() -> None:
    names = {" ".join(p) for p in COMMANDS}
    assert {"find", "demo", "investigate", "synth corpus", "audit verify", "guard init", "guard serve"} <= names


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "mamori")
def test_help(args: tuple[str, ...]) -> None:
    out = subprocess.run([sys.executable, "-m", "mamori", *args, "--help"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "Usage" in out.stdout


def test_help_and_find_import_neither_the_engine_of_cases_nor_the_server() -> None:
    """`mamori --help` and `mamori find` stay fast: DuckDB, Django, WeasyPrint and investigate load only when used."""
    heavy = ("duckdb", "django", "weasyprint", "mamori.investigate", "mamori.guard")
    probe = (
        "import sys; from mamori.cli import app, COMMANDS; import typer; "
        "group = typer.main.get_command(app); group.get_command(typer.Context(group), 'find'); "
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in {'duckdb', 'django', 'weasyprint'} "
        "or m.startswith(('mamori.investigate', 'mamori.guard')))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert not [m for m in out.stdout.split() if m.startswith(heavy)], out.stdout
    helped = subprocess.run([sys.executable, "-X", "importtime", "-m", "mamori", "--help"], capture_output=True,
                            text=True, timeout=60)
    assert helped.returncode == 0
    imported = {line.split("|")[-1].strip() for line in helped.stderr.splitlines() if "|" in line}
    assert not {m for m in imported if m.startswith(("mamori.scan", "polars", *heavy))}


#: What a scan of one small CSV must not load: column-wise keying (Polars, numpy), the report writers it was not
#: asked for (XlsxWriter, Jinja2), PDF reading, the push (urllib) and the cache it was not asked for,
#: the cluster, and everything the cases and the server need.
SMALL_SCAN_NEVER = ("polars", "numpy", "xlsxwriter", "jinja2", "pypdfium2", "duckdb", "django", "weasyprint",
                    "mamori.scan.parts", "mamori.scan.links", "mamori.people.frame", "mamori.investigate",
                    "mamori.guard", "urllib.request", "mamori.report.find.push",
                    "mamori.scan.incremental", "mamori.scan.cluster_tasks", "distributed", "dask")


def test_find_on_a_small_file_loads_none_of_the_heavy_modules(tmp_path: Path) -> None:
    tiny = tmp_path / "tiny.csv"
    tiny.write_text("氏名,電話\n山田 太郎,090-1234-5678\n", encoding="utf-8")
    report = tmp_path / "out.jsonl"
    probe = (
        "import sys; from mamori.cli import main; "
        f"sys.argv = ['mamori', 'find', {str(tiny)!r}, '--format', 'jsonl', '--output', {str(report)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    loaded = out.stderr.split()
    assert not [m for m in loaded if m.startswith(SMALL_SCAN_NEVER)], out.stderr[-2000:]
    lines = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["pii"] is True and lines[0]["persons"] == 1 and set(lines[0]["categories"]) == {"name", "phone"}
    assert lines[-1]["unique_persons"] == 1


def test_the_trait_role_prefix_is_one() -> None:
    from mamori.detect.column_people import TRAIT_ROLE
    from mamori.people.frame import TRAIT_ROLE as FRAME_TRAIT_ROLE

    assert TRAIT_ROLE == FRAME_TRAIT_ROLE
