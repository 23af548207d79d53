"""A person's name found in text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NameMatch:
    """A person's name found in text: its span in the NFKC-normalised text, the name, a confidence."""

    start: int
    end: int
    name: str
    confidence: float
    refers_to: str = ""  # the full name a family name alone stands for in this text (和田 → 和田一郎)
