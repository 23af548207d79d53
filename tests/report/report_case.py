"""The small generated case every report test shares (a helper module with a unique name, not a test)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mamori.investigate import Findings, investigate
from mamori.investigate.case import Case, load_case
from mamori.synth.case import CaseTruth, write_case


@dataclass(frozen=True)
class Investigated:
    case_dir: Path
    out: Path
    case: Case
    truth: CaseTruth
    findings: Findings


def investigate_small_case(root: Path) -> Investigated:
    """Generate and investigate a 400-voter 2015-like case under *root*."""
    truth = write_case(root / "case", scale=400, seed=11, noise_files=24, access_lines=600)
    findings = investigate(root / "case" / "CASE.toml", root / "out")
    return Investigated(root / "case", root / "out", load_case(root / "case" / "CASE.toml"), truth, findings)
