"""Person names in running text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# "山田 太郎 様", "山田太郎殿": a name followed by an honorific.
_HONORIFIC_NAME = re.compile(
    r"(?<![\u4e00-\u9fff々])([\u4e00-\u9fff々]{1,4}[ 　]?[\u4e00-\u9fff々\u3041-\u3096\u30a1-\u30fa]{1,5})"
    r"[ 　]?(?:様|殿|さん|氏)(?![\u4e00-\u9fff])"
)
_NOT_NAMES = ("皆", "各位", "御中", "利用者", "市民", "住民", "関係者", "担当者", "同", "貴")


@dataclass(frozen=True)
class NameMatch:
    """A person's name found in text: its span in the NFKC-normalised text, the name, a confidence."""

    start: int
    end: int
    name: str
    confidence: float


def find_person_names(text: str) -> list[NameMatch]:
    """Names of people in *text* (offsets refer to NFKC-normalised text)."""
    norm = unicodedata.normalize("NFKC", text)
    out: list[NameMatch] = []
    for m in _HONORIFIC_NAME.finditer(norm):
        name = m.group(1)
        if any(word in name for word in _NOT_NAMES):
            continue
        out.append(NameMatch(m.start(1), m.end(1), name, 0.7))
    return out
