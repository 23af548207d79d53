"""Names in running text without honorifics (the CRF model beside the rules), on synthetic sentences
shaped like encyclopedic and municipal prose: subjects, quotations, katakana names, surname mentions."""

from __future__ import annotations

import random

import pytest

from mamori.detect.names.prose import find_person_names
from mamori.detect.names.tagger import anchors, windows
from mamori.synth.residents import generate_residents

PEOPLE = generate_residents(60, seed=31)
TEMPLATES = (
    "{name}は、日本の政治家である。",
    "この点について{name}は次のように述べた。",
    "…と{name}は述べた。",
    "翌年、{name}が理事に就任した。",
    "{name}の長男として生まれる。",
)
#: Katakana given and family names (not people: parts drawn at random and joined with ・).
GIVEN = ("トーマス", "ジョン", "マリア", "アンナ", "ロバート", "エリザベス", "ミハイル", "ジャン")
FAMILY = ("フリードマン", "スミス", "ジョンソン", "ミラー", "イワノフ", "デュボワ", "シュミット", "ロペス")


def _found(text: str) -> set[str]:
    return {m.name.replace(" ", "") for m in find_person_names(text) if not m.refers_to}


@pytest.mark.parametrize("template", TEMPLATES)
def test_kanji_names_without_honorifics(template: str) -> None:
    people = PEOPLE[:30]
    hits = sum(f"{p.family_name}{p.given_name}" in _found(template.format(name=p.family_name + p.given_name))
               for p in people)
    assert hits >= 0.8 * len(people)


def test_katakana_names() -> None:
    rng = random.Random(3)
    names = {f"{rng.choice(GIVEN)}・{rng.choice(FAMILY)}" for _ in range(30)}
    hits = sum(name in _found(rng.choice(TEMPLATES).format(name=name)) for name in names)
    assert hits >= 0.8 * len(names)


def test_family_name_alone_refers_to_the_full_name() -> None:
    p = PEOPLE[40]
    text = f"{p.family_name}{p.given_name}社長は記者会見を開いた。{p.family_name}社長によると、新工場は来年稼働する。"
    found = find_person_names(text)
    assert {m.name for m in found if not m.refers_to} == {p.family_name + p.given_name}
    assert [m.refers_to for m in found if m.refers_to] == [p.family_name + p.given_name]


def test_katakana_family_name_refers_to_the_full_name() -> None:
    text = "トーマス・フリードマンは著書でこう論じた。フリードマンによれば、世界はフラットである。"
    found = find_person_names(text)
    assert [m.refers_to for m in found if m.name == "フリードマン"] == ["トーマス・フリードマン"]


@pytest.mark.parametrize("text", [
    "先日、西野にお住まいの方から問い合わせがあった。",  # a place that is also a surname
    "『{name}』は二〇〇一年に刊行された。",  # a whole title names a work
    "株式会社{family}商事と契約を結んだ。",
    "{family}",  # a family name alone, nothing said of it
])
def test_not_people(text: str) -> None:
    p = PEOPLE[50]
    assert not _found(text.format(name=p.family_name + p.given_name, family=p.family_name))


def test_windows_cover_the_anchors() -> None:
    text = "会議ではトーマス・フリードマンの著書が紹介された。その後、徳富蘇峰の評論を読んだ。"
    spans = anchors(text)
    assert spans
    for start, end in spans:
        assert any(lo <= start and end <= hi for lo, hi in windows(text, spans))


@pytest.mark.parametrize("sep", [" ", "\u3000"])
@pytest.mark.parametrize("seed", range(8))
def test_list_lines_with_single_spaces_keep_every_row(sep: str, seed: int) -> None:
    # A PDF's text layer: 「関 栄子 京都府… 075-…」; a row with a one-character surname or without a phone
    # was lost now and then (4 of 5).
    people = generate_residents(8, seed=seed)
    lines = [f"{p.family_name}{sep}{p.given_name}{sep}{p.address}{sep}{p.phone if i % 3 else ''}"
             for i, p in enumerate(people)]
    found = _found("名簿\n" + "\n".join(lines) + "\n")
    assert {f"{p.family_name}{p.given_name}" for p in people} <= {n.replace("\u3000", "") for n in found}
