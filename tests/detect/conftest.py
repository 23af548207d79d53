"""Fixtures of the detection tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mamori.detect import column_people
from mamori.detect.engine import Analysis, analyze
from mamori.models import Document
from mamori.people.keys import KeyMaker

BothPaths = Callable[[Document, str], tuple[Analysis, Analysis]]


@pytest.fixture
def both_paths(monkeypatch: pytest.MonkeyPatch) -> BothPaths:
    """Analyse a document row by row and column-wise (the big-table path); the two must agree on keys."""
    keymaker = KeyMaker(b"p" * 32)

    def run(document: Document, name: str) -> tuple[Analysis, Analysis]:
        small = analyze(document, keymaker, name)
        with monkeypatch.context() as patch:
            patch.setattr(column_people, "VECTOR_ROWS", 1)
            big = analyze(document, keymaker, name)
        assert set(big.person_keys) == set(small.person_keys)
        assert big.categories == small.categories
        return small, big

    return run
