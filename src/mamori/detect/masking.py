"""Masked samples: enough to recognise a finding, not enough to read the value (山田 太●)."""

from __future__ import annotations

MASK = "●"
_LEVELS = frozenset({"care_need", "disability"})


def mask(value: str, category: str) -> str:
    """Mask *value* as fits its category: names keep all but the last character of each part."""
    value = value.strip()
    if not value:
        return value
    if category in ("name", "name_kana"):
        parts = value.replace("\u3000", " ").split(" ")
        return " ".join(p[:-1] + MASK if len(p) > 1 else MASK for p in parts if p)
    if category == "email":
        local, _, domain = value.partition("@")
        return (local[:1] + MASK * 3) + ("@" + domain if domain else "")
    if category in _LEVELS:
        # 要介護3, 身体障害者手帳2級: the kind of level stays readable, its number does not.
        masked = "".join(MASK if ch.isdigit() else ch for ch in value)
        return masked if masked != value else value[:2] + MASK * max(1, min(6, len(value) - 2))
    if category == "address":
        keep = max(3, len(value) // 2)
        return value[:keep] + MASK * min(6, len(value) - keep)
    keep = min(3, len(value) // 3)
    return value[:keep] + MASK * max(1, min(8, len(value) - keep))
