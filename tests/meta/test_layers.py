"""The packages of mamori import downwards only, in the stage order of DESIGN.md; no package imports the CLI.

A package may import those of a lower layer; two packages of one layer do not import each other. A new package
must be placed here on purpose (the test names it when it is missing).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "mamori"

LAYERS: dict[str, int] = {
    # foundations: the vocabulary every stage shares
    "__init__": 0, "errors": 0,
    "models": 1, "registry": 1, "cache": 1,
    "i18n": 2,
    # stages, in the order of the data flow
    "normalize": 3, "logs": 3, "audit": 3, "evidence": 3,
    "extract": 4,
    # identity (keys, resolution, distinct people) sits below detect because detectors key what they find
    "people": 5,
    "detect": 6,
    "scan": 7,
    "investigate": 8,
    "report": 9,
    # the faces and their edges
    "guard": 10,
    "agent": 11,
    "synth": 11,
    "cli": 12,
    "__main__": 13,
}


def _package(path: Path) -> str:
    return path.relative_to(SRC).parts[0].removesuffix(".py")


def _imported(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        names = [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [])
        for name in names:
            parts = name.split(".")
            if parts[0] == "mamori":
                found.add(parts[1] if len(parts) > 1 else "__init__")
    return found


def _edges() -> set[tuple[str, str, str]]:
    edges = set()
    for path in SRC.rglob("*.py"):
        source = _package(path)
        for target in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            if target != source:
                edges.add((source, target, str(path.relative_to(SRC))))
    return edges


def test_every_package_has_a_layer() -> None:
    packages = {_package(p) for p in SRC.rglob("*.py")}
    assert not packages - set(LAYERS), f"place these packages in LAYERS: {sorted(packages - set(LAYERS))}"


def test_imports_go_down_only() -> None:
    upward = sorted(f"{where}: {source} (layer {LAYERS.get(source)}) imports {target} (layer {LAYERS.get(target)})"
                    for source, target, where in _edges() if LAYERS.get(target, 99) >= LAYERS.get(source, -1))
    assert not upward, "\n".join(upward)


def test_the_checker_sees_an_upward_import() -> None:
    tree = ast.parse("from mamori.cli.find_cmd import find\nimport mamori.scan.runner\nfrom . import sibling\n")
    assert _imported(tree) == {"cli", "scan"}
