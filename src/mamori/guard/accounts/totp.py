"""TOTP (RFC 6238) second factor with replay protection: each time step is accepted once per user."""

from __future__ import annotations

import hmac
import time

import pyotp

from mamori.guard.accounts.models import User

ISSUER = "mamori"
DRIFT_STEPS = 1  # accept the previous and next 30-second code too (clock drift)


def new_secret() -> str:
    """A fresh base32 TOTP secret."""
    return pyotp.random_base32()


def provisioning_uri(user: User) -> str:
    """The otpauth:// URI an authenticator app enrols from."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code `code` is (within the drift window), or None."""
    code = code.strip().replace(" ", "")
    if not secret or len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // totp.interval)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def consume(user: User, code: str, now: float | None = None) -> bool:
    """Accept `code` for `user` once: True only if it is valid and its step is newer than any used before."""
    step = matching_step(user.totp_secret, code, now)
    if step is None:
        return False
    # A conditional UPDATE is atomic on every database: two requests with one code cannot both win.
    won = User.objects.filter(pk=user.pk, totp_last_step__lt=step).update(totp_last_step=step) == 1
    if won:
        user.totp_last_step = step
    return won


def qr_svg(uri: str) -> str:
    """The provisioning URI as an inline SVG QR code (scanned by the authenticator app; no image request)."""
    import segno

    return str(segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff"))


def enrol(user: User, secret: str, code: str) -> bool:
    """Make `secret` the user's second factor if `code` is a current code of it (proof the app holds it)."""
    step = matching_step(secret, code)
    if step is None:
        return False
    User.objects.filter(pk=user.pk).update(totp_secret=secret, totp_last_step=step)
    user.totp_secret, user.totp_last_step = secret, step
    return True
