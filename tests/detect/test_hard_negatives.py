"""Hard negatives: organisations, places, postal rows, facilities and products are no people; a
blood-type column is no disability. Documents are synthetic look-alikes (mamori.synth.hard_negatives)."""

from __future__ import annotations

import hashlib
import random

import pytest

from mamori.evidence.limits import Limits
from mamori.models import Item
from mamori.people.keys import KeyMaker
from mamori.scan.inspect import Inspector
from mamori.synth import hard_negatives
from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render

INSPECTOR = Inspector(Limits(), KeyMaker(b"h" * 32))


def _analyse(doc: SynthDoc, fmt: str, encoding: str | None = None) -> tuple[int, set[str]]:
    data = render(doc, fmt, encoding)
    item = Item(path=f"{doc.kind}.{fmt}", size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)
    result = INSPECTOR.inspect(item)[0]
    assert result.pii is not None, result
    return result.persons, set(result.categories)


@pytest.mark.parametrize("kind", sorted(hard_negatives.NO_PEOPLE))
@pytest.mark.parametrize("fmt,encoding", [("csv", "cp932"), ("xlsx", None), ("docx", None), ("pdf", None), ("txt", "utf-8")])
@pytest.mark.parametrize("seed", [1, 2])
def test_no_people(kind: str, fmt: str, encoding: str | None, seed: int) -> None:
    doc = hard_negatives.NO_PEOPLE[kind](random.Random(seed))
    persons, categories = _analyse(doc, fmt, encoding)
    assert persons == 0, (kind, categories)
    assert not categories & {"name", "name_kana"}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_representative_is_a_person(seed: int) -> None:
    # 代表者氏名 in a corporation list still names people; the company's reading is not theirs.
    doc = hard_negatives.corporation_list(random.Random(seed), rows=20, representative=True)
    persons, categories = _analyse(doc, "csv", "cp932")
    assert persons == len({row[-1] for row in doc.rows})
    assert "name" in categories and "name_kana" not in categories


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_blood_type_is_not_disability(seed: int) -> None:
    doc = hard_negatives.blood_types(random.Random(seed), rows=40)
    persons, categories = _analyse(doc, "csv", "cp932")
    assert persons == len({(row[0], row[3]) for row in doc.rows})
    assert "disability" not in categories


def test_blood_type_column_without_header_is_not_disability() -> None:
    doc = hard_negatives.blood_types(random.Random(5), rows=40)
    headerless = SynthDoc(title=doc.title, kind=doc.kind, header=None, rows=doc.rows)
    _, categories = _analyse(headerless, "csv", "cp932")
    assert "disability" not in categories
