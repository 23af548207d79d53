"""The realistic list shapes: households, 様 labels, extension lists, ages, representatives, 備考, workbooks."""

from __future__ import annotations

import io
import random
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from mamori.synth.corpus import write_corpus
from mamori.synth.doc_common import DocContext, memo_column
from mamori.synth.documents import make_document
from mamori.synth.residents import HOUSEHOLD_ID_BASE, generate_residents, household_of
from mamori.synth.workbook import multi_sheet_workbook, render_workbook

PEOPLE = generate_residents(400, seed=8)


@pytest.mark.parametrize("head", PEOPLE[:60], ids=lambda p: str(p.id))
def test_households_share_surname_address_and_have_stable_ids(head: object) -> None:
    members = household_of(head)  # type: ignore[arg-type]
    assert members[0] == ("世帯主", head)
    assert members == household_of(head)  # type: ignore[arg-type]
    ids = [m.id for _, m in members]
    assert len(set(ids)) == len(ids)
    for word, m in members[1:]:
        assert m.id > HOUSEHOLD_ID_BASE and m.family_name == members[0][1].family_name
        assert m.address == members[0][1].address and m.birth_date.year <= 2010
        assert word in {"妻", "夫", "長男", "二男", "三男", "長女", "二女", "三女", "母"}


def test_household_list_rows_are_members() -> None:
    doc = make_document("household_list", PEOPLE, rows=15, seed=3)
    assert doc.header is None or "続柄" in doc.header
    relations = {r[doc.header.index("続柄")] for r in doc.rows} if doc.header else set()
    assert not doc.header or "世帯主" in relations
    assert any(pid > HOUSEHOLD_ID_BASE for pid in doc.truth.person_ids)


@pytest.mark.parametrize("seed", range(6))
def test_mailing_labels_write_names_with_an_honorific(seed: int) -> None:
    doc = make_document("mailing_labels", PEOPLE, rows=8, seed=seed)
    names = [r[3] for r in doc.rows]
    assert all(n.endswith(("　様", "　殿")) for n in names)
    assert doc.truth.categories == {"name", "address", "postal_code"}


@pytest.mark.parametrize(("kind", "categories"), [
    ("staff_directory", {"name"}),  # 内線 and the section's direct line are not the person's phone
    ("org_contacts", {"name", "address", "postal_code", "phone"}),
])
def test_fixed_category_kinds(kind: str, categories: set[str]) -> None:
    for seed in range(5):
        assert make_document(kind, PEOPLE, rows=8, seed=seed).truth.categories == categories


def test_applicants_have_ages_not_birth_dates() -> None:
    for seed in range(8):
        truth = make_document("applicants_by_age", PEOPLE, rows=10, seed=seed).truth
        assert {"name", "age", "gender"} <= truth.categories and "birth_date" not in truth.categories


@pytest.mark.parametrize("kind", ["age_statistics", "attendance_by_title", "org_directory"])
def test_new_negatives_name_no_one(kind: str) -> None:
    doc = make_document(kind, PEOPLE, rows=10, seed=1)
    text = "".join("".join(r) for r in doc.rows)
    assert not doc.truth.pii and not any(p.family_name + p.given_name in text for p in PEOPLE)


def test_memo_phone_category_only_when_a_number_is_written() -> None:
    seen_phone = seen_plain = False
    for seed in range(40):
        people = PEOPLE[:12]
        column, cats = memo_column(DocContext(random.Random(seed), PEOPLE, 12, date(2023, 4, 1)), people)
        notes = [column.value(p, i) for i, p in enumerate(people)]
        has_number = any("-" in n and n.startswith("不在時") for n in notes)
        assert ("phone" in cats) == has_number
        seen_phone |= has_number
        seen_plain |= any(notes) and not has_number
    assert seen_phone and seen_plain


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
@pytest.mark.parametrize("with_people", [True, False])
def test_workbook_has_one_people_sheet_at_most(fmt: str, with_people: bool) -> None:
    ctx = DocContext(random.Random(5), PEOPLE, 10, date(2020, 6, 1))
    sheet = make_document("resident_list", PEOPLE, rows=10, seed=5) if with_people else None
    book = multi_sheet_workbook(ctx, sheet)
    assert book.truth == (sheet.truth if sheet else book.truth) and book.truth.pii == with_people
    names = CalamineWorkbook.from_filelike(io.BytesIO(render_workbook(book, fmt))).sheet_names
    assert names[0] == "表紙" and "集計" in names and names[-1] == "凡例"
    assert len(names) == (4 if with_people else 3)


def test_corpus_holds_workbooks_and_the_new_kinds(tmp_path: Path) -> None:
    manifest = write_corpus(tmp_path / "c", n_files=160, seed=4, people=300, rows=(3, 8))
    kinds = {f.kind for f in manifest.files}
    assert any(k.startswith("multi_sheet_") for k in kinds)
    assert len(kinds & {"household_list", "mailing_labels", "staff_directory", "applicants_by_age",
                        "org_contacts", "age_statistics", "attendance_by_title", "org_directory"}) >= 5
