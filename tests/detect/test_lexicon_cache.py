"""The name lexicon's disk cache: loaded lazily, the same as built, rebuilt when missing or damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from mamori.cache import write_checked
from mamori.detect.names import lexicon as lex

ENTRIES = {"高橋": lex.SURNAME | lex.FREQUENT_SURNAME, "タカハシ": lex.SURNAME, "花子": lex.GIVEN | lex.FREQUENT_GIVEN,
           "ハナコ": lex.GIVEN, "高": lex.SURNAME | lex.COMMON, "山田": lex.SURNAME}


@pytest.fixture
def builds(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A small lexicon for ``build`` (each build counted in the list), cached in a fresh folder."""
    calls: list[int] = []

    def build() -> lex.Lexicon:
        calls.append(1)
        return lex.Lexicon(lex.Words(dict(ENTRIES)), frozenset({"高橋花"}))

    monkeypatch.setattr(lex, "build", build)
    return calls


def _fresh() -> lex.Lexicon:
    lex.lexicon.cache_clear()
    return lex.lexicon()


def test_the_loaded_lexicon_is_the_built_one(builds: list[int]) -> None:
    _fresh()
    loaded = _fresh()
    assert len(builds) == 1  # the second came from the cache
    assert loaded.flags("高橋") == ENTRIES["高橋"] and loaded.words["ハナコ"] == ENTRIES["ハナコ"]
    assert loaded.flags("高") == ENTRIES["高"] and loaded.flags("高木") == 0 and loaded.flags("") == 0
    with pytest.raises(KeyError):
        loaded.words["鈴木"]
    assert dict(loaded.words.items()) == ENTRIES and loaded.blocked == {"高橋花"}


def test_entries_are_parsed_only_for_the_first_characters_looked_up(builds: list[int]) -> None:
    _fresh()
    words = _fresh().words
    assert words.get("山田") == ENTRIES["山田"]
    assert set(words._words) == {"山田"}  # 高…, タ…, 花…, ハ… still unparsed
    assert words.get("高橋") and set(words._words) == {"山田", "高橋", "高"}


@pytest.mark.parametrize("damage", [
    lambda blob: blob[: len(blob) // 2],  # cut short
    lambda blob: blob[:-3] + bytes([blob[-3] ^ 1]) + blob[-2:],  # a flipped bit
    lambda blob: b"",
])
def test_a_damaged_cache_is_built_again(builds: list[int], damage: object) -> None:
    _fresh()
    path = lex._cache_path()
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert dict(_fresh().words.items()) == ENTRIES
    assert len(builds) == 2
    assert dict(_fresh().words.items()) == ENTRIES and len(builds) == 2  # written back whole


@pytest.mark.parametrize("text", ["B\tx\nnot a lexicon line", "1\t高橋 タカハシ", "B\t", "B\tx\n高\tone\t高橋"])
def test_a_checked_cache_of_another_layout_is_built_again(builds: list[int], text: str) -> None:
    write_checked(lex._cache_path(), text.encode("utf-8"))
    words = _fresh().words
    assert dict(words.items()) == ENTRIES and len(builds) == 1
