"""Documents: deterministic, truthful (every person in the truth is in the text), hard negatives empty."""

from __future__ import annotations

import re
import unicodedata

import jaconv
import pytest

from mamori.detect.categories import CATEGORY_IDS, SPECIAL_CARE
from mamori.synth import mynumber
from mamori.synth.documents import DOC_KINDS, make_document
from mamori.synth.model import Resident, SynthDoc
from mamori.synth.residents import generate_residents, household_of

VOCABULARY = frozenset(CATEGORY_IDS)
PEOPLE = generate_residents(600, seed=5)
# Household lists add made-up relatives of pool residents, with ids of their own.
BY_ID = {m.id: m for p in PEOPLE for _, m in household_of(p)}
KINDS = [k.name for k in DOC_KINDS]


def _text(doc: SynthDoc) -> str:
    cells = "\n".join("\t".join(r) for r in doc.table_rows())
    raw = unicodedata.normalize("NFKC", cells + "\n" + "\n".join(doc.paragraphs))
    return str(jaconv.hira2kata(raw))


def _mentions(text: str, person: Resident) -> bool:
    return person.family_name in text or person.family_kana in text


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_truth_is_consistent(kind: str, seed: int) -> None:
    doc = make_document(kind, PEOPLE, rows=12, seed=seed)
    truth = doc.truth
    assert truth.categories <= VOCABULARY
    assert truth.special_care == bool(truth.categories & SPECIAL_CARE)
    assert bool(truth.person_ids) == bool(truth.categories)
    text = _text(doc)
    for pid in truth.person_ids:
        assert _mentions(text, BY_ID[pid]), (kind, pid)
    if doc.rows and truth.person_ids:
        assert len(doc.rows) == len(truth.person_ids)


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_same_document(kind: str) -> None:
    assert make_document(kind, PEOPLE, rows=8, seed=9) == make_document(kind, PEOPLE, rows=8, seed=9)


@pytest.mark.parametrize("kind", [k.name for k in DOC_KINDS if not k.positive])
def test_negatives_have_no_people(kind: str) -> None:
    for seed in range(5):
        doc = make_document(kind, PEOPLE, rows=10, seed=seed)
        assert not doc.truth.pii and not doc.truth.categories
        assert doc.rows or doc.paragraphs


@pytest.mark.parametrize("kind", [k.name for k in DOC_KINDS if k.positive])
def test_positives_have_people(kind: str) -> None:
    assert make_document(kind, PEOPLE, rows=10, seed=4).truth.pii


def test_invoice_numbers_fail_the_my_number_check() -> None:
    numbers = [r[0] for s in range(5) for r in make_document("invoice_list", PEOPLE, rows=40, seed=s).rows]
    assert numbers and all(re.fullmatch(r"\d{12}", n) for n in numbers)
    assert not any(mynumber.is_valid(n) for n in numbers)


def test_my_number_lists_hold_valid_numbers_of_their_people() -> None:
    doc = make_document("my_number_list", PEOPLE, rows=20, seed=1)
    found = {c for r in doc.rows for c in r if mynumber.is_valid(c)}
    assert found == {BY_ID[pid].my_number for pid in doc.truth.person_ids}


def test_special_care_kinds() -> None:
    for kind, category in [("care_need_list", "care_need"), ("disability_list", "disability"),
                           ("health_check", "health"), ("case_notes", "health"),
                           ("criminal_register", "criminal_record")]:
        truth = make_document(kind, PEOPLE, rows=10, seed=2).truth
        assert truth.special_care and category in truth.categories


def test_row_count_follows_the_hint() -> None:
    assert len(make_document("voter_list", PEOPLE, rows=300, seed=1).rows) == 300
    assert len(make_document("population", PEOPLE, rows=5, seed=1).rows) == 5
