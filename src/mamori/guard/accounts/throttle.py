"""Log-in throttling per source address and per account name, with exponential back-off and no hard lock.

Two counters are kept for every failed step: one for the peer address and one for the *name typed*
(a keyed hash of it, so unknown names are counted, answered and timed exactly like real ones and no
list of guessed names is kept in clear). After `free` failures a key waits 2, 4, 8 … seconds (at most
`max_seconds`) before its next attempt is even checked.

An account's back-off never shuts out a source that has not failed itself (fewer than
`SOURCE_GRACE` recent failures): an attacker elsewhere can slow their own guesses down but cannot
lock the security administrator out of their own PC. Password guessing against privileged roles
still meets the per-source back-off and their mandatory second factor.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from mamori.guard.accounts.models import LoginThrottle

SOURCE_GRACE = 2


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is not even checked: which key waits, and for how many more seconds."""

    kind: str
    seconds: int


def account_key(username: str) -> str:
    """The throttle key of a typed name (HMAC with the server's secret; case- and width-folded)."""
    folded = unicodedata.normalize("NFKC", username).strip().casefold()
    digest = hmac.new(settings.SECRET_KEY.encode(), folded.encode(), hashlib.sha256).hexdigest()
    return f"account:{digest[:40]}"


def source_key(ip: str) -> str:
    """The throttle key of a peer address."""
    return f"source:{ip[:64] or 'unknown'}"


def _window() -> timedelta:
    # Failures older than the longest back-off plus an hour are forgotten.
    return timedelta(seconds=int(settings.MAMORI_THROTTLE_MAX_SECONDS) + 3600)


def backoff_seconds(failures: int) -> int:
    """Seconds to wait after `failures` failures: none up to the free ones, then doubling, capped."""
    free = int(settings.MAMORI_THROTTLE_FREE)
    if failures < free:
        return 0
    base = int(settings.MAMORI_THROTTLE_BASE_SECONDS)
    return int(min(int(settings.MAMORI_THROTTLE_MAX_SECONDS), base * 2 ** min(30, failures - free)))


def _live(key: str, now: datetime) -> LoginThrottle | None:
    row = LoginThrottle.objects.filter(key=key).first()
    if row is None or now - row.last_failure_at > _window():
        return None
    return row


def check(ip: str, username: str) -> Refusal | None:
    """A refusal when the source, or the name (for a source that has failed itself), must still wait."""
    now = timezone.now()
    source = _live(source_key(ip), now)
    if source is not None and source.blocked_until and source.blocked_until > now:
        return Refusal("source", _remaining(source.blocked_until, now))
    account = _live(account_key(username), now)
    until = account.blocked_until if account is not None else None
    if until is not None and until > now and source is not None and source.failures >= SOURCE_GRACE:
        return Refusal("account", _remaining(until, now))
    return None


def _remaining(until: datetime, now: datetime) -> int:
    return max(1, int((until - now).total_seconds() + 0.999))


def fail(ip: str, username: str) -> dict[str, int]:
    """Count a failure for the source and the name; the back-off (seconds) each now has."""
    now = timezone.now()
    waits: dict[str, int] = {}
    for kind, key in (("source", source_key(ip)), ("account", account_key(username))):
        waits[kind] = _bump(key, now)
    # Forget what is past the window, so that spraying made-up names cannot grow the table without end.
    LoginThrottle.objects.filter(last_failure_at__lt=now - _window()).delete()
    return waits


def _bump(key: str, now: datetime) -> int:
    for _ in range(3):  # two first failures of one key at once: the loser of the insert retries the update
        try:
            with transaction.atomic():
                row = LoginThrottle.objects.select_for_update().filter(key=key).first()
                if row is None:
                    row = LoginThrottle(key=key, failures=0, last_failure_at=now)
                elif now - row.last_failure_at > _window():
                    row.failures = 0
                row.failures += 1
                row.last_failure_at = now
                wait = backoff_seconds(row.failures)
                row.blocked_until = now + timedelta(seconds=wait) if wait else None
                row.save()
                return wait
        except IntegrityError:
            continue
    return 0


def succeeded(ip: str, username: str) -> None:
    """A completed log-in clears its source's and its name's counters."""
    LoginThrottle.objects.filter(key__in=(source_key(ip), account_key(username))).delete()
