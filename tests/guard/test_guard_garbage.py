"""Garbage posted to every form gives 4xx (or a redirect), never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from guard_helpers import World, submit

GARBAGE_FORMS: list[dict[str, Any]] = [
    {}, {"username": "", "password": ""}, {"code": "abcdef"}, {"decision": "maybe", "code": "1" * 50},
    {"medium": "-1", "purpose": "x" * 5000, "expires_at": "not a date"}, {"state": "exploded"},
    {"vendor_id": "zzzz", "product_id": "", "capacity_bytes": "-5", "department": "999"},
    {"role": "god"}, {"month": "2025-13", "department": "abc"}, {"username": "\x00", "password": "\ufffe\x7f𠮷"},
    {"new_password": "short"}, {"lang": "xx", "next": "//evil.example"},
]


def form_urls(world: World) -> list[str]:
    request = submit(world.alice, world)
    return ["/login/", "/login/totp/", "/logout/", "/password/", "/users/", f"/users/{world.bob.pk}/role/",
            "/requests/new/", f"/requests/{request.pk}/decide/", f"/requests/{request.pk}/withdraw/",
            "/media/register/", f"/media/{world.medium_a.pk}/transition/", "/lang/", "/audit/",
            "/reports/monthly/", "/requests/abc/", "/media/0/transition/", "/departments/",
            f"/departments/{world.dept_a.pk}/head/"]


@pytest.mark.parametrize("who", ["alice", "head_a", "admin", "auditor", None])
def test_garbage_never_500(world: World, as_user: Any, who: str | None) -> None:
    client = as_user(getattr(world, who)) if who else Client()
    for url in form_urls(world):
        for data in GARBAGE_FORMS:
            response = client.post(url, data)
            assert response.status_code < 500, (who, url, data, response.status_code)
        assert client.get(url, {"month": "x", "date_from": "y"}).status_code < 500
        if who:  # some garbage (a bad password) may log the user out on the way; log in again
            client = as_user(getattr(world, who))
