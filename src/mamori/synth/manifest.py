"""The ground truth of a written corpus: per file what a correct scan says, plus distinct people."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from mamori.errors import ConfigError


@dataclass(frozen=True)
class FileTruth:
    """What a correct scan must report for one file of the corpus."""

    path: str  # relative to the corpus root, "/"-separated
    kind: str
    format: str
    encoding: str | None
    person_ids: tuple[int, ...]
    categories: tuple[str, ...]
    special_care: bool
    status: str = "ok"  # what a scan should say: "needs_ocr" for image-only PDFs (then pii is null)

    @property
    def pii(self) -> bool:
        return bool(self.person_ids)

    @property
    def persons(self) -> int:
        return len(self.person_ids)


@dataclass(frozen=True)
class Manifest:
    """Every file's truth and the number of distinct people over the whole corpus."""

    files: tuple[FileTruth, ...]

    @property
    def unique_persons(self) -> int:
        return len({pid for f in self.files for pid in f.person_ids})

    def by_path(self) -> dict[str, FileTruth]:
        """Files keyed by relative path."""
        return {f.path: f for f in self.files}

    def to_json(self) -> str:
        """``{"files": {path: {pii, persons, person_ids, categories, special_care, kind, format, encoding,
        status}}, "unique_persons": N}``; ``pii`` is the content's truth even when ``status`` says a
        scan cannot read it."""
        files: dict[str, Any] = {}
        for f in self.files:
            entry = asdict(f)
            entry.pop("path")
            entry["person_ids"] = list(f.person_ids)
            entry["categories"] = list(f.categories)
            files[f.path] = {"pii": f.pii, "persons": f.persons, **entry}
        return json.dumps({"files": files, "unique_persons": self.unique_persons}, ensure_ascii=False, indent=1)

    def write(self, path: Path) -> None:
        """Write ``to_json()`` to *path* (UTF-8)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json(), encoding="utf-8")


def read_manifest(path: Path) -> Manifest:
    """Read a manifest written by ``Manifest.write``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = tuple(
            FileTruth(p, e["kind"], e["format"], e["encoding"], tuple(e["person_ids"]),
                      tuple(e["categories"]), bool(e["special_care"]), e.get("status", "ok"))
            for p, e in data["files"].items()
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"cannot read corpus manifest {path}: {exc}") from exc
    return Manifest(files)
