"""How much a table cell looks like a person's name."""

from __future__ import annotations

import re

_NAME_VALUE = re.compile(
    r"^[\u4e00-\u9fff々〆ヶ\u3040-\u30ffｦ-ﾟ]{1,6}[ 　]?[\u4e00-\u9fff々〆ヶ\u3040-\u30ffｦ-ﾟ]{1,6}$"
)


def name_score(cell: str) -> float:
    """0..1: how likely *cell* is a person's full name (kanji or kana, with or without a space)."""
    return 0.6 if _NAME_VALUE.match(cell.strip()) else 0.0
