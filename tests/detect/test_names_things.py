"""The model's names that are organisations, products or places by their own words (made-up names)."""

from __future__ import annotations

import pytest

from mamori.detect.names.prose import find_person_names
from mamori.detect.names.things import is_thing


@pytest.mark.parametrize(("text", "name"), [
    ("1990年、ヴァルデン・コミックは新雑誌を創刊した。", "ヴァルデン・コミック"),
    ("先にオルセン社を設立していた。", "オルセン"),
    ("最後のブレナード製機関車は1925年に輸入された。", "ブレナード"),
    ("同年、ザ・ルミナスのドラマーとなった。", "ザ・ルミナス"),
    ("医療当局QRTは声明を出した。", "QRT"),
    ("一行は鳴沢館に泊まった。", "鳴沢館"),
    ("久野プロダクションに所属した。", "久野"),
])
def test_things(text: str, name: str) -> None:
    end = text.index(name) + len(name)
    assert is_thing(name, text, end)


@pytest.mark.parametrize(("text", "name"), [
    ("ビル・ハートマンは続けて優勝した。", "ビル・ハートマン"),
    ("鳴沢館長が見舞いに訪れた。", "鳴沢館"),  # 館 of 館長: a person with a title
    ("宇野博教授と共同で開発した。", "宇野博"),
    ("エドガー・ロウランドは述べた。", "エドガー・ロウランド"),
])
def test_people(text: str, name: str) -> None:
    end = text.index(name) + len(name)
    assert not is_thing(name, text, end)


def test_a_foreign_name_in_no_lexicon_is_looked_at() -> None:
    # A single katakana word the lexicon does not know is shown to the model (the windows cover it).
    found = {m.name for m in find_person_names("1930年、ツヴォルキンはラジオ会社に雇われた。")}
    assert "ツヴォルキン" in found
