"""Corpus writer over whatever renderers are registered, and the streaming voter list."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from mamori.synth.corpus import manifest_path_for, write_corpus, write_voter_list
from mamori.synth.manifest import read_manifest
from mamori.synth.render.base import renderers

HAVE_RENDERERS = len(renderers()) > 0


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _content(data: bytes) -> object:
    """Bytes, or for zip-based formats the members (zip entry times and creation stamps vary by clock)."""
    if not data.startswith(b"PK"):
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


@pytest.mark.skipif(not HAVE_RENDERERS, reason="no renderer registered yet")
def test_corpus_is_deterministic_and_its_truth_matches_the_tree(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "corpus", tmp_path / "b" / "corpus"
    manifest = write_corpus(a, n_files=40, seed=3, people=300, rows=(3, 15))
    write_corpus(b, n_files=40, seed=3, people=300, rows=(3, 15))
    tree_a, tree_b = _tree(a), _tree(b)
    assert tree_a.keys() == tree_b.keys()
    for rel, data in tree_a.items():
        assert _content(data) == _content(tree_b[rel]), rel
    assert manifest_path_for(a).read_bytes() == manifest_path_for(b).read_bytes()
    assert not list(a.rglob("*.json"))  # the truth is beside the tree, not inside it
    assert set(_tree(a)) == set(manifest.by_path())
    assert 40 <= len(manifest.files) <= 41
    assert read_manifest(manifest_path_for(a)) == manifest
    data = json.loads(manifest_path_for(a).read_text(encoding="utf-8"))
    assert data["unique_persons"] == manifest.unique_persons > 0
    some = next(iter(data["files"].values()))
    assert {"pii", "person_ids", "persons", "categories", "special_care"} <= set(some)


@pytest.mark.skipif(not HAVE_RENDERERS, reason="no renderer registered yet")
def test_corpus_mixes_formats_folders_positives_and_negatives(tmp_path: Path) -> None:
    manifest = write_corpus(tmp_path / "c", n_files=80, seed=1, people=150, rows=(3, 10))
    files = manifest.files
    assert len({f.format for f in files}) >= min(4, len(renderers()))
    assert any(f.pii for f in files) and any(not f.pii for f in files)
    assert len({f.path.split("/")[0] for f in files}) >= 5
    # A small pool makes people recur across files: the de-duplication case.
    assert manifest.unique_persons < sum(f.persons for f in files)


@pytest.mark.skipif("csv" not in renderers(), reason="csv renderer not registered")
def test_csv_only_corpus_uses_japanese_encodings(tmp_path: Path) -> None:
    manifest = write_corpus(tmp_path / "c", n_files=40, seed=2, people=200, formats=["csv"])
    assert {f.format for f in manifest.files} == {"csv"}
    assert {f.kind for f in manifest.files}.isdisjoint({"letter", "case_notes", "council_minutes"})
    encodings = [f.encoding for f in manifest.files]
    assert encodings.count("cp932") > len(encodings) / 3
    for f in manifest.files:
        (tmp_path / "c" / f.path).read_bytes().decode(str(f.encoding))


def test_no_files_asked_writes_an_empty_manifest(tmp_path: Path) -> None:
    manifest = write_corpus(tmp_path / "c", n_files=0, seed=0, people=5)
    assert manifest.files == () and manifest.unique_persons == 0
    assert manifest_path_for(tmp_path / "c").exists()


def test_voter_list_streams_cp932(tmp_path: Path) -> None:
    path = tmp_path / "選挙人名簿.csv"
    truth = write_voter_list(path, 2000, seed=4)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("cp932"), newline="")))
    assert rows[0][:3] == ["名簿番号", "投票区", "氏名"]
    assert len(rows) == 2001 == truth.persons + 1
    assert len(set(truth.person_ids)) == 2000
    assert write_voter_list(tmp_path / "again.csv", 2000, seed=4) == truth.__class__(
        "again.csv", *[getattr(truth, f) for f in ("kind", "format", "encoding", "person_ids", "categories",
                                                  "special_care", "status")])
    assert (tmp_path / "again.csv").read_bytes() == path.read_bytes()
