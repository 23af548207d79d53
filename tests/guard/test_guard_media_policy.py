"""GET /api/media-policy: signed with the grant key, versioned on every register change, per department."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from guard_helpers import World

from mamori.agent.policy import Targets, apply_envelope, update
from mamori.agent.rulesyntax import parse_rules
from mamori.guard.api.services import create_endpoint
from mamori.guard.exports.grants import grant_verifier
from mamori.guard.media import services
from mamori.guard.media.models import Medium, MediumState
from mamori.guard.media.policy_document import PolicyInvalid, verify_policy


def fetch(client: Client, home: Path) -> dict[str, object]:
    response = client.get("/api/media-policy")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    policy = verify_policy(response.content, grant_verifier(home))
    return {"version": policy.version, "media": {m.serial: m for m in policy.media}, "raw": response.content}


@pytest.fixture
def agent_a(world: World) -> Client:
    _, token = create_endpoint(None, "pc-a-01", world.dept_a)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_needs_a_token(world: World) -> None:
    assert Client().get("/api/media-policy").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer mep_wrong").get("/api/media-policy").status_code == 403
    _, token = create_endpoint(None, "pc", world.dept_a)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").post("/api/media-policy").status_code == 405


def test_signed_department_media_only(world: World, home: Path, agent_a: Client) -> None:
    got = fetch(agent_a, home)
    media = got["media"]
    assert isinstance(media, dict) and set(media) == {"A-0001"}
    medium = media["A-0001"]
    assert (medium.vendor_id, medium.product_id, medium.interfaces, medium.allowed) == (
        "0781", "5581", ("08:*:*",), True)
    _, token = create_endpoint(None, "shared-pc", None)
    unbound = fetch(Client(HTTP_AUTHORIZATION=f"Bearer {token}"), home)["media"]
    assert isinstance(unbound, dict) and set(unbound) == {"A-0001", "B-0001"}


def test_version_grows_on_every_register_change(world: World, home: Path, agent_a: Client) -> None:
    first = fetch(agent_a, home)["version"]
    assert first == fetch(agent_a, home)["version"], "no change, no new version"
    services.register(world.admin, vendor_id="0x0951", product_id="1666", serial="A-0002", capacity_bytes=1,
                      label="市民課USB-2", department=world.dept_a, encrypted=False)
    second = fetch(agent_a, home)
    assert isinstance(first, int) and isinstance(second["version"], int) and second["version"] > first
    services.transition(world.admin, world.medium_a, MediumState.LOST)
    third = fetch(agent_a, home)
    assert isinstance(third["version"], int) and third["version"] > second["version"]
    media = third["media"]
    assert isinstance(media, dict) and media["A-0001"].allowed is False and media["A-0002"].allowed is True
    # A change behind the services' back (bulk update: no signal) is still versioned on the next request.
    Medium.objects.filter(serial="A-0002").update(state=MediumState.RETIRED)
    fourth = fetch(agent_a, home)
    assert isinstance(fourth["version"], int) and fourth["version"] > third["version"]


def test_tampered_policy_does_not_verify(world: World, home: Path, agent_a: Client) -> None:
    raw = fetch(agent_a, home)["raw"]
    assert isinstance(raw, bytes)
    envelope = json.loads(raw)
    envelope["policy"]["media"][0]["serial"] = "SOMEONE-ELSES"
    with pytest.raises(PolicyInvalid, match="does not verify"):
        verify_policy(json.dumps(envelope), grant_verifier(home))
    envelope = json.loads(raw)
    envelope["policy"]["version"] += 1
    with pytest.raises(PolicyInvalid):
        verify_policy(json.dumps(envelope), grant_verifier(home))


def test_agent_applies_what_the_server_signs(world: World, home: Path, agent_a: Client, tmp_path: Path) -> None:
    """Server → agent without HTTP: the served envelope verifies with the grant key, renders, and USBGuard's
    parser (when installed) accepts the rules; a lost medium becomes a block rule."""
    services.transition(world.admin, world.medium_a, MediumState.LENT, holder=world.alice)
    where = Targets(rules_file=tmp_path / "rules.conf", base_rules=None, udev_rules=tmp_path / "99.rules",
                    daemon_conf=None, reload=False)
    result = apply_envelope(agent_a.get("/api/media-policy").content, grant_verifier(home), tmp_path / "state", where)
    assert result.status == "applied", result.reason
    text = (tmp_path / "rules.conf").read_text(encoding="utf-8")
    assert 'allow id 0781:5581 serial "A-0001" with-interface equals { 08:*:* }' in text and "B-0001" not in text
    services.transition(world.admin, world.medium_a, MediumState.LOST)
    result = apply_envelope(agent_a.get("/api/media-policy").content, grant_verifier(home), tmp_path / "state", where)
    assert result.status == "applied"
    rules = parse_rules((tmp_path / "rules.conf").read_text(encoding="utf-8"))
    assert [(r.target, r.attributes["serial"][1]) for r in rules if "serial" in r.attributes] == [
        ("block", ("A-0001",))]


@pytest.mark.slow
def test_live_server_to_agent_over_http(live_guard: Any, tmp_path: Path) -> None:
    """A real `mamori guard serve`: the agent pins the key from /api/grant-key, fetches and applies."""
    dept = live_guard.cast["departments"][0]
    request = urllib.request.Request(f"{live_guard.url}/api/grant-key",
                                     headers={"Authorization": f"Bearer {dept['token']}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        pinned = json.loads(response.read())["key"]
    where = Targets(rules_file=tmp_path / "rules.conf", base_rules=None, udev_rules=None, daemon_conf=None,
                    reload=False)
    result = update(live_guard.url, dept["token"], pinned, tmp_path / "state", where)
    assert result.status == "applied" and result.version is not None and result.version >= 1, result.reason
    assert f'serial "{dept["medium_identity"]["serial"]}"' in (tmp_path / "rules.conf").read_text(encoding="utf-8")
    again = update(live_guard.url, "mep_not_a_token", pinned, tmp_path / "state", where)
    assert again.status == "kept" and again.version == result.version and "403" in again.reason
