"""My Number (個人番号) check digits, per the official rule (総務省令 第5条)."""

from __future__ import annotations

import random

from mamori.errors import ConfigError

#: Qn for n = 1..11 (n counted from the right of the 11-digit body).
_WEIGHTS = tuple(n + 1 if n <= 6 else n - 5 for n in range(1, 12))


def check_digit(body: str) -> int:
    """Check digit for the first 11 digits of a My Number.

    With Pn the n-th digit counted from the right of *body* and Qn = n+1 (n ≤ 6) or n−5
    (n ≥ 7): 11 − (Σ Pn×Qn mod 11), and 0 when that is 10 or 11.
    """
    if len(body) != 11 or not body.isascii() or not body.isdigit():
        raise ConfigError(f"a My Number body is 11 ASCII digits, got {body!r}")
    total = sum(int(ch) * q for ch, q in zip(reversed(body), _WEIGHTS, strict=True))
    result = 11 - total % 11
    return 0 if result >= 10 else result


def is_valid(number: str) -> bool:
    """True when *number* is 12 ASCII digits whose last digit is the right check digit."""
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        return False
    return check_digit(number[:11]) == int(number[11])


def generate(rng: random.Random) -> str:
    """A random valid My Number (the first digit is never 0, as issued numbers look)."""
    body = str(10**10 + int(rng.random() * 9 * 10**10))
    return body + str(check_digit(body))


def generate_invalid(rng: random.Random) -> str:
    """A 12-digit number that looks like a My Number but fails the check digit."""
    body = str(rng.randrange(10**10, 10**11))
    wrong = (check_digit(body) + rng.randrange(1, 10)) % 10
    return body + str(wrong)
