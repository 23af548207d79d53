"""The shared-strings guard counts entries as well as bytes: millions of empty strings are refused by the memory
a reader would need for them, before the reader is called."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mamori.errors import TooLarge
from mamori.extract import sheet_guard
from mamori.synth.hostile import write_xlsx_shared_strings


@given(st.lists(st.sampled_from([b"<si>", b"<si/>", b"<x:si>", b"<t>a</t>", b"</si>", b"<sst>", b"s", b"<"]),
                max_size=60), st.lists(st.integers(0, 400), max_size=8))
def test_tags_split_anywhere_are_counted_once(pieces: list[bytes], cuts: list[int]) -> None:
    text = b"".join(pieces)
    tags = sheet_guard._Tags(b"si")
    start = 0
    for cut in sorted(c for c in cuts if c <= len(text)):
        tags.feed(text[start:cut])
        start = cut
    tags.feed(text[start:])
    assert tags.count == text.count(b"<si") + text.count(b":si")


def test_many_empty_entries_are_refused_by_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bomb.xlsx"
    write_xlsx_shared_strings(path, 200_000)
    with zipfile.ZipFile(path) as archive:
        sheet_guard.check_shared_strings(archive)  # 2.6 MB of XML, ~7 MiB to load: read
        monkeypatch.setattr(sheet_guard, "MAX_SHARED_STRINGS_MEMORY", 4 << 20)
        with pytest.raises(TooLarge, match="200,000 entries"):
            sheet_guard.check_shared_strings(archive)
