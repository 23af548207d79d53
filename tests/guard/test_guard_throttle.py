"""Log-in throttling: back-off per source and per name, no hard lock of anyone, no user enumeration, audited."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from guard_helpers import World, audit_actions, fresh_code

from mamori.guard.accounts import throttle
from mamori.guard.accounts.models import LoginThrottle

# A long base wait so that a back-off started in a test is still running when the test looks at it.
THROTTLE = {"MAMORI_THROTTLE_FREE": 3, "MAMORI_THROTTLE_BASE_SECONDS": 300, "MAMORI_THROTTLE_MAX_SECONDS": 3600}


def attempt(ip: str, username: str, password: str) -> tuple[int, str]:
    response = Client(REMOTE_ADDR=ip).post("/login/", {"username": username, "password": password})
    found = re.search(r'class="err"[^>]*>([^<]*)<', response.content.decode())
    return response.status_code, found.group(1).strip() if found else ""


@pytest.mark.parametrize(("failures", "wait"), [(0, 0), (2, 0), (3, 300), (4, 600), (5, 1200), (6, 2400),
                                                 (7, 3600), (60, 3600)])
@override_settings(**THROTTLE)
def test_backoff_doubles_after_free_failures_and_is_capped(failures: int, wait: int) -> None:
    waited = throttle.backoff_seconds(failures)  # a computed back-off, not a measured time
    assert waited == wait


@override_settings(**THROTTLE)
def test_source_backs_off_and_the_right_password_waits_too(world: World, home: Path) -> None:
    for _ in range(3):
        assert attempt("10.0.0.9", "alice", "wrong")[0] == 401
    status, message = attempt("10.0.0.9", "alice", world.passwords["alice"])
    assert status == 429 and "秒待って" in message  # the page's language: Japanese
    assert attempt("10.0.0.10", "alice", world.passwords["alice"])[0] == 302  # alice at her own desk
    actions = audit_actions(home)
    assert actions.count("login.failed") == 3 and "login.throttled" in actions


@override_settings(**THROTTLE)
def test_unknown_names_get_the_same_answers_as_real_ones(world: World) -> None:
    def story(name: str, ips: tuple[str, str]) -> list[tuple[int, str]]:
        # Two sources share the guessing, then the first (failed) source and a third, clean one try again.
        seen = [attempt(ips[k % 2], name, "wrong") for k in range(4)]
        seen.append(attempt(ips[0], name, "wrong"))
        return seen

    real = story("alice", ("10.1.0.1", "10.1.0.2"))
    made_up = story("nobody-here", ("10.2.0.1", "10.2.0.2"))
    assert real == made_up
    assert real[-1][0] == 429  # the name's back-off binds a source that has failed itself


@override_settings(**THROTTLE)
def test_attacker_cannot_lock_the_security_administrator_out(world: World, home: Path) -> None:
    for _ in range(12):
        assert attempt("203.0.113.7", "admin", "guess")[0] in (401, 429)
    assert attempt("203.0.113.7", "admin", world.passwords["admin"])[0] == 429
    client = Client(REMOTE_ADDR="10.0.0.2")
    response = client.post("/login/", {"username": "admin", "password": world.passwords["admin"]})
    assert response.status_code == 302 and response["Location"] == "/login/totp/"
    assert client.post("/login/totp/", {"code": fresh_code(world.admin)}).status_code == 302
    assert "login.succeeded" in audit_actions(home)


@override_settings(**THROTTLE)
def test_wrong_second_factor_codes_back_off(world: World) -> None:
    client = Client(REMOTE_ADDR="10.0.0.3")
    assert client.post("/login/", {"username": "head_a", "password": world.passwords["head_a"]}).status_code == 302
    statuses = [client.post("/login/totp/", {"code": "000000"}).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]


@override_settings(**THROTTLE)
def test_success_clears_the_counters(world: World) -> None:
    for _ in range(2):
        attempt("10.0.0.4", "alice", "wrong")
    assert LoginThrottle.objects.count() == 2
    assert attempt("10.0.0.4", "alice", world.passwords["alice"])[0] == 302
    assert not LoginThrottle.objects.filter(key__in=(throttle.source_key("10.0.0.4"),
                                                     throttle.account_key("alice"))).exists()


def test_name_keys_fold_case_and_width_and_hide_the_name() -> None:
    assert throttle.account_key("ＡＬＩＣＥ ") == throttle.account_key("alice")
    assert "alice" not in throttle.account_key("alice")


@override_settings(**THROTTLE)
def test_failures_past_the_window_are_forgotten(world: World) -> None:
    attempt("10.0.0.5", "ghost-1", "x")
    LoginThrottle.objects.update(last_failure_at=timezone.now() - timedelta(days=1))
    attempt("10.0.0.6", "ghost-2", "x")
    assert sorted(LoginThrottle.objects.values_list("key", flat=True)) == sorted(
        [throttle.source_key("10.0.0.6"), throttle.account_key("ghost-2")])
