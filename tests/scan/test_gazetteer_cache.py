"""The place gazetteer is cached on disk: loaded the same as built, rebuilt when the cache is bad or missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from mamori.detect import places


def _fresh() -> places.Gazetteer:
    places.gazetteer.cache_clear()
    return places.gazetteer()


def test_the_cached_gazetteer_is_the_built_one(cache_home: Path) -> None:
    built = _fresh()
    path = places.cache_path()
    assert path.is_relative_to(cache_home) and path.exists()
    assert built.towns and built.municipalities
    assert _fresh() == built
    assert places.town_at("堺市堺区南瓦町3番1号", 4) == 7  # lookups work on the loaded sets


@pytest.mark.parametrize("damage", [
    lambda text: text[: len(text) // 2],  # cut short
    lambda text: text.replace("堺", "界", 1),  # edited: the checksum no longer fits
    lambda text: "",
    lambda text: "not a gazetteer",
])
def test_a_damaged_cache_is_rebuilt(cache_home: Path, damage: object) -> None:
    built = _fresh()
    path = places.cache_path()
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    assert _fresh() == built
    assert _fresh() == built  # and written back whole


def test_an_unwritable_cache_directory_still_gives_the_gazetteer(cache_home: Path) -> None:
    (cache_home / "mamori").write_text("a file where the directory should be")
    built = _fresh()
    assert built.towns and not places.cache_path().exists()
