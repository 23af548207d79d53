"""The audit page says what happened in sentences, in the city's time zone, without Python dicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from guard_helpers import World, approve, submit

from mamori.audit import AuditEvent
from mamori.guard.auditlog.sentences import ACTIONS, sentence, when


def test_audit_page_reads_as_sentences(world: World, home: Path, as_user: Any) -> None:
    request = submit(world.alice, world)
    approve(world.head_a, request)
    page = as_user(world.auditor).get("/audit/").content.decode()
    assert f"head_a が 申請#{request.pk} を承認" in page and f"alice が 申請#{request.pk} を提出" in page
    assert "{'" not in page and "+00:00" not in page  # no dict syntax, no raw UTC time stamps
    english = as_user(world.auditor)
    english.cookies["mamori_lang"] = "en"
    assert f"head_a approved request #{request.pk}" in english.get("/audit/").content.decode()


def test_unknown_actions_still_show_their_code() -> None:
    event = AuditEvent(actor="system", action="future.thing", object_type="widget", object_id="7", details={})
    assert sentence(event, "ja") == "システム：future.thing widget 7"
    assert sentence(event, "en") == "system: future.thing widget 7"


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_sentence_formats_without_its_details(action: str) -> None:
    event = AuditEvent(actor="sato", action=action, object_type="x", object_id="3", details={})
    for lang in ("ja", "en"):
        text = sentence(event, lang)
        assert "{" not in text and text.strip()


def test_times_are_local_to_the_second() -> None:
    event = AuditEvent(actor="a", action="logout", object_type="", object_id="", details={},
                       time="2026-04-01T00:30:15.123456Z")
    assert when(event) == "2026-04-01 09:30:15"
