"""Property: whatever limits the readers run under, content left unread is never reported clean.

Each document holds people. Read with random (small) limits, its verdict is ``pii: true`` or ``null``,
never ``false``; and when it says ``ok`` (read in full) it finds exactly what the unlimited read finds.
"""

from __future__ import annotations

import hashlib
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mamori.evidence.limits import Limits
from mamori.extract import delimited, html_tokens, mail, pdf, plaintext, spreadsheet
from mamori.models import Item, ItemResult
from mamori.people.keys import KeyMaker
from mamori.scan.inspect import Inspector
from mamori.synth import hostile

SECRET = b"k" * 32


@cache
def documents() -> dict[str, bytes]:
    lines = [hostile.person_line(r) for r in hostile.people(6)]
    return {
        "people.pdf": hostile._pdf([lines[:2], lines[2:4], lines[4:]]),
        "deep.eml": hostile.mail_deep(4),
        "people.txt": "\n\n".join(lines).encode(),
        "people.csv": "\n".join([hostile.CSV_HEADER, *hostile.csv_rows(hostile.people(6))]).encode(),
        "nested.html": hostile.html_nested(300),
    }


def _inspect(name: str, data: bytes) -> ItemResult:
    item = Item(name, len(data), hashlib.sha256(data).hexdigest(), data=data)
    return Inspector(Limits(), KeyMaker(SECRET)).inspect(item)[0]


@cache
def full(name: str) -> ItemResult:
    return _inspect(name, documents()[name])


LIMITS = st.fixed_dictionaries({
    (pdf, "MAX_PAGES"): st.integers(1, 4),
    (pdf, "MAX_PAGE_CHARS"): st.sampled_from([5, 60, 200, 10**6]),
    (mail, "MAX_DEPTH"): st.integers(0, 6),
    (plaintext, "MAX_TEXT_CHARS"): st.integers(1, 2_000),
    (delimited, "MAX_LINE_CHARS"): st.sampled_from([8, 30, 60, 10**6]),
    (delimited, "MAX_ROW_FIELDS"): st.integers(1, 6),
    (html_tokens, "MAX_CHARS"): st.integers(1, 2_000),
})


def _check(name: str, limits: dict[tuple[object, str], int]) -> None:
    whole = full(name)
    assert whole.pii is True and whole.status.value == "ok", whole
    with pytest.MonkeyPatch.context() as patch:
        for (module, attr), value in limits.items():
            patch.setattr(module, attr, value)
        got = _inspect(name, documents()[name])
    assert got.pii is not False, (got.status, got.problems)
    if got.status.inspected:
        assert (got.pii, got.persons, got.categories) == (whole.pii, whole.persons, whole.categories), got.problems
    else:
        assert got.partial == (got.pii is True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(documents())), limits=LIMITS)
def test_random_limits_never_yield_clean(name: str, limits: dict[tuple[object, str], int]) -> None:
    _check(name, limits)


@settings(max_examples=15, deadline=None)
@given(cells=st.integers(1, 120))
def test_no_cell_budget_and_either_sheet_reading_gives_the_same_verdict(cells: int) -> None:
    """Sheets are read whole (no budget to spend); kept row-wise or column-wise, they say the same."""
    data = hostile.xlsx_numbers_then_people(10, 6)
    whole = _inspect("book.xlsx", data)
    assert whole.pii is True and whole.status.value == "ok"
    assert not hasattr(spreadsheet, "MAX_CELLS")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(spreadsheet, "BIG_SHEET_CELLS", cells)
        got = _inspect("book.xlsx", data)
    assert (got.status, got.pii, got.persons, got.categories) == (whole.status, whole.pii, whole.persons,
                                                                  whole.categories)
