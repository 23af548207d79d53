"""Why the agent refused or failed an export: a code, and its sentence from the catalogue."""

from __future__ import annotations

from mamori.errors import WorkflowError
from mamori.i18n import t

# The refusal codes; the sentences are the catalogue's ``agent.refused.<code>`` (mamori.i18n).
CODES: tuple[str, ...] = (
    "forged", "expired", "used", "other_medium", "medium_unknown", "file_changed", "file_added", "file_missing",
    "server_key_changed", "destination_exists", "medium_removed", "disk_full", "verify_failed", "write_failed",
    "not_enrolled", "grant_unavailable",
)


class ExportRefused(WorkflowError):
    """An export the agent refused or abandoned; nothing is left on the medium."""

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in CODES:
            raise ValueError(f"unknown refusal code {code}")
        self.code = code
        self.detail = detail
        super().__init__(self.message("ja") + " / " + self.message("en"))

    def message(self, lang: str = "ja") -> str:
        """The sentence for a person, in `lang` (ja or en), with the detail."""
        text = t(f"agent.refused.{self.code}", lang)
        return f"{text} ({self.detail})" if self.detail else text


class AgentError(WorkflowError):
    """The agent cannot do what was asked (not enrolled, bad home, server answer it cannot use)."""
