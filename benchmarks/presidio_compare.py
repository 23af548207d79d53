"""Presidio beside mamori: its own venv, the same extracted text, and its verdicts per file.

The venv (``~/.cache/mamori-bench/presidio-venv`` by default, reused when it already imports) holds
presidio-analyzer and GiNZA (``ja-ginza`` ships its spaCy model as a wheel, so nothing is downloaded
at run time). mamori's extractors turn each corpus file into text; ``presidio_worker.py`` runs in the
venv over a JSON-lines file of those texts and answers with the entities it found.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mamori.errors import MamoriError
from mamori.extract.registry import choose
from mamori.models import Document, Item

VENV = Path.home() / ".cache" / "mamori-bench" / "presidio-venv"
PACKAGES = ("presidio-analyzer==2.2.366", "ja-ginza==5.2.0")
WORKER = Path(__file__).with_name("presidio_worker.py")

#: Presidio entities that make a file "personal data" on their own: a person's name or a direct contact or
#: card identifier. LOCATION, DATE_TIME, AGE, URL alone do not (every facility list and schedule has them).
PERSONAL_ENTITIES = frozenset({"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE"})
#: mamori category → the Presidio entity that stands for it, for the side-by-side category table.
CATEGORY_ENTITY = {"name": "PERSON", "address": "LOCATION", "phone": "PHONE_NUMBER", "email": "EMAIL_ADDRESS",
                   "credit_card": "CREDIT_CARD", "age": "AGE"}


@dataclass(frozen=True)
class PresidioRun:
    """Per relative path the entity texts by type, and the times."""

    entities: dict[str, dict[str, list[str]]]
    seconds: float  # analysis only, summed over documents (model loading excluded)
    load_seconds: float
    text_chars: int


class PresidioUnavailable(Exception):
    """The venv could not be made or the worker failed; the message says which step and why."""


def _python(venv: Path) -> Path:
    return venv / "bin" / "python"


def _imports(venv: Path) -> bool:
    if not _python(venv).exists():
        return False
    probe = subprocess.run([str(_python(venv)), "-c", "import presidio_analyzer, ja_ginza, spacy"],
                           capture_output=True, timeout=300)
    return probe.returncode == 0


def ensure_venv(venv: Path = VENV, log: Path | None = None) -> Path:
    """The venv's python, creating the venv and installing PACKAGES when it does not import them yet."""
    if _imports(venv):
        return _python(venv)
    venv.parent.mkdir(parents=True, exist_ok=True)
    steps = ([sys.executable, "-m", "venv", str(venv)],
             [str(_python(venv)), "-m", "pip", "install", "--quiet", *PACKAGES])
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, timeout=3600)
        if log is not None:
            log.write_text(done.stdout + done.stderr, encoding="utf-8")
        if done.returncode != 0:
            tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
            raise PresidioUnavailable(f"`{' '.join(step)}` failed: " + " | ".join(tail))
    if not _imports(venv):
        raise PresidioUnavailable(f"{venv} was made but does not import presidio_analyzer and ja_ginza")
    return _python(venv)


def _texts(document: Document, depth: int = 0) -> list[str]:
    parts = [document.all_text()]
    for attachment in document.attachments if depth < 3 else ():
        parts.extend(_texts_of(attachment, depth + 1))
    return parts


def _texts_of(item: Item, depth: int = 0) -> list[str]:
    head = item.read_head()
    extractor = choose(item, head, generic=False) or choose(item, head, generic=True)
    if extractor is None:
        return []
    try:
        with item.open() as stream:
            return _texts(extractor.extract(stream, item), depth)
    except MamoriError:
        return []


def extract_text(path: Path) -> str:
    """Everything mamori's extractors read from *path* (attachments included), as one string."""
    data = path.read_bytes()
    item = Item(path=str(path), size=len(data), sha256="", data=data)
    return "\n".join(_texts_of(item))


def run_presidio(python: Path, root: Path, rel_paths: Iterable[str]) -> PresidioRun:
    """Extract every file's text with mamori, analyze it with Presidio in the venv, collect the answers."""
    with tempfile.TemporaryDirectory(prefix="mamori-presidio-") as tmp:
        source, target = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        chars = 0
        with source.open("w", encoding="utf-8") as out:
            for rel in rel_paths:
                text = extract_text(root / rel)
                chars += len(text)
                out.write(json.dumps({"path": rel, "text": text}, ensure_ascii=False) + "\n")
        started = time.perf_counter()
        done = subprocess.run([str(python), str(WORKER), str(source), str(target)], capture_output=True,
                              text=True, timeout=6 * 3600)
        if done.returncode != 0:
            tail = done.stderr.strip().splitlines()[-5:]
            raise PresidioUnavailable("the Presidio worker failed: " + " | ".join(tail))
        wall = time.perf_counter() - started
        entities: dict[str, dict[str, list[str]]] = {}
        seconds, load = 0.0, 0.0
        for line in target.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if "load_seconds" in row:
                load = float(row["load_seconds"])
                continue
            entities[row["path"]] = row["entities"]
            seconds += float(row["seconds"])
    return PresidioRun(entities, seconds or wall, load, chars)


def presidio_verdict(entities: dict[str, list[str]]) -> tuple[bool, set[str], int]:
    """(personal data?, mamori categories it stands for, distinct PERSON texts) for one file."""
    pii = any(entities.get(e) for e in PERSONAL_ENTITIES)
    cats = {c for c, e in CATEGORY_ENTITY.items() if entities.get(e)}
    people = {"".join(t.split()) for t in entities.get("PERSON", [])}
    return pii, cats, len(people)
