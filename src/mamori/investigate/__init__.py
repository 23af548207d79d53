"""Investigate a leak: evidence + server operation logs + access logs → which files leaked, to whom, how many people.

``investigate(case_path, out_dir)`` is the engine behind ``mamori investigate``; it returns
:class:`~mamori.investigate.findings.Findings` and writes ``findings.json``.
"""

from __future__ import annotations

from mamori.investigate.engine import investigate
from mamori.investigate.findings import Findings, LeakedFile, ServerFile

__all__ = ["Findings", "LeakedFile", "ServerFile", "investigate"]
