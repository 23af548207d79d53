"""The export policy: what needs a security administrator too, and what may never leave.

Defaults follow the city's measures; a deployment overrides them in HOME/guard/policy.json, e.g.
``{"admin_if_persons_over": 50, "forbidden_categories": ["criminal_record"]}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from mamori.detect.categories import CATEGORY_IDS
from mamori.errors import ConfigError
from mamori.guard.exports.scanning import ScanOutcome


@dataclass(frozen=True)
class Policy:
    """Thresholds and lists that decide the approvals an export needs."""

    admin_if_special_care: bool = True
    admin_if_persons_over: int = 100
    admin_if_my_number: bool = True
    admin_if_not_inspected: bool = True
    forbidden_categories: tuple[str, ...] = ()
    max_days: int = 30


@dataclass(frozen=True)
class PolicyDecision:
    """What the policy says about one scan outcome."""

    forbidden: tuple[str, ...]
    needs_admin: bool
    reasons: tuple[str, ...]


def load_policy(home: Path) -> Policy:
    """Defaults overridden by HOME/guard/policy.json when it exists."""
    path = Path(home) / "guard" / "policy.json"
    if not path.exists():
        return Policy()
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not readable JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: must hold a JSON object")
    known = {f.name: f.type for f in fields(Policy)}
    unknown = set(raw) - set(known)
    if unknown:
        raise ConfigError(f"{path}: unknown keys {sorted(unknown)}; known: {sorted(known)}")
    overrides: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
    try:
        policy = replace(Policy(), **overrides)
    except TypeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    bad = set(policy.forbidden_categories) - set(CATEGORY_IDS)
    if bad:
        raise ConfigError(f"{path}: forbidden_categories has unknown categories {sorted(bad)}")
    return policy


def evaluate(policy: Policy, outcome: ScanOutcome) -> PolicyDecision:
    """Which categories are forbidden, and whether (and why) a security administrator must approve too."""
    forbidden = tuple(c for c in outcome.categories if c in policy.forbidden_categories)
    reasons: list[str] = []
    if policy.admin_if_special_care and outcome.special_care:
        reasons.append("special_care")
    if outcome.persons > policy.admin_if_persons_over:
        reasons.append("persons_over_limit")
    if policy.admin_if_my_number and outcome.has_my_number:
        reasons.append("my_number")
    if policy.admin_if_not_inspected and outcome.not_inspected:
        reasons.append("not_inspected")
    return PolicyDecision(forbidden, bool(reasons), tuple(reasons))
