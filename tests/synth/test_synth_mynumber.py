"""My Number check digits against hand-computed examples."""

from __future__ import annotations

import random

import pytest

from mamori.errors import MamoriError
from mamori.synth import mynumber

# Worked by hand: Σ Pn×Qn over the body read from the right, Qn = 2..7 then 2..6.
#   12345678901: 1·2+0·3+9·4+8·5+7·6+6·7+5·2+4·3+3·4+2·5+1·6 = 212; 212 mod 11 = 3; 11−3 = 8
#   11111111111: Σ Qn = 47; 47 mod 11 = 3 → 8
#   99999999999: 9·47 = 423; 423 mod 11 = 5 → 6
#   00000000000: 0 → 11 → 0 (≥ 10 gives 0)
#   00000000001: P1=1, Q1=2 → 2 → 9
#   00000000050: P2=5, Q2=3 → 15 mod 11 = 4 → 7
#   50000000000: P11=5, Q11=6 → 30 mod 11 = 8 → 3
#   00000000005: 10 mod 11 = 10 → 1
#   00000000600: P3=6, Q3=4 → 24 mod 11 = 2 → 9
#   00000000010: P2=1,Q2=3 → 3 → 8;  "10000000000": Q11=6 → 6 → 5
VALID = ["123456789018", "111111111118", "999999999996", "000000000000", "000000000019",
         "000000000507", "500000000003", "000000000051", "000000006009", "000000000108",
         "100000000005"]


@pytest.mark.parametrize("number", VALID)
def test_hand_computed_numbers_are_valid(number: str) -> None:
    assert mynumber.is_valid(number)
    assert mynumber.check_digit(number[:11]) == int(number[11])


@pytest.mark.parametrize("number", ["123456789012", "12345678901", "1234567890188", "12345678901８",
                                    "abcdefghijkl", "", "１２３４５６７８９０１８"])
def test_wrong_or_malformed_numbers_are_invalid(number: str) -> None:
    assert not mynumber.is_valid(number)


def test_generated_numbers_valid_and_invalid_ones_fail() -> None:
    rng = random.Random(7)
    assert all(mynumber.is_valid(mynumber.generate(rng)) for _ in range(2000))
    assert not any(mynumber.is_valid(mynumber.generate_invalid(rng)) for _ in range(2000))


def test_bad_body_raises_mamori_error() -> None:
    with pytest.raises(MamoriError):
        mynumber.check_digit("12345")
