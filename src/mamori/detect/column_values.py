"""What a sample of a column's values holds, by the detectors' per-cell checks."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from mamori.detect.address import looks_like_address
from mamori.detect.age import is_age_value
from mamori.detect.bank_account import is_bank_account_cell
from mamori.detect.care_need import is_care_need_value
from mamori.detect.corporate_number import is_valid_corporate_number
from mamori.detect.credit_card import is_valid_credit_card
from mamori.detect.criminal_record import is_criminal_record_value
from mamori.detect.disability import is_disability_value
from mamori.detect.email_address import is_email
from mamori.detect.gender import is_gender_value
from mamori.detect.health import is_health_term
from mamori.detect.my_number import is_valid_my_number
from mamori.detect.names.cell import name_score
from mamori.detect.phone import is_valid_phone
from mamori.detect.postal_code import is_valid_postal_code
from mamori.detect.school import is_school_value
from mamori.normalize.wareki import parse_cell_date

#: A column of dates: birth dates or event dates, decided by the table (``columns``).
DATE = "date"
CORPORATE = "corporate_number"
MIN_VALUES = 3
#: A two-row list (a register with two entries) is judged too, but every value must pass.
SMALL_VALUES = 2

_KANA_NAME = re.compile(r"[ァ-ヺーぁ-ゖ]{1,12}[ 　]?[ァ-ヺーぁ-ゖ]{1,12}")
_AGE_MARK = re.compile(r"[歳才]")
#: 基礎年金番号 as written: four digits, a hyphen, six digits (never a phone number's grouping).
_PENSION = re.compile(r"\d{4}[-‐－]\d{6}")


def _kana_name(v: str) -> bool:
    return bool(_KANA_NAME.fullmatch(unicodedata.normalize("NFKC", v).strip())) and len(v.strip()) >= 3


def _age(v: str) -> bool:
    return is_age_value(v) and bool(_AGE_MARK.search(v))


def _date(v: str) -> bool:
    return len(v) <= 24 and parse_cell_date(v) is not None


#: (kind, check, share needed), in order: the first kind whose share is reached wins.
CHECKS: tuple[tuple[str, Callable[[str], bool], float], ...] = (
    ("email", is_email, 0.8),
    (CORPORATE, is_valid_corporate_number, 0.8),
    ("my_number", is_valid_my_number, 0.8),
    ("credit_card", is_valid_credit_card, 0.8),
    ("pension_number", lambda v: bool(_PENSION.fullmatch(v)), 0.8),
    ("phone", is_valid_phone, 0.8),
    ("postal_code", is_valid_postal_code, 0.8),
    (DATE, _date, 0.8),
    ("gender", is_gender_value, 0.9),
    ("age", _age, 0.8),
    ("care_need", is_care_need_value, 0.6),
    ("disability", is_disability_value, 0.6),
    ("health", is_health_term, 0.6),
    ("criminal_record", is_criminal_record_value, 0.8),
    ("bank_account", is_bank_account_cell, 0.8),  # 三井住友銀行 堺支店 普通 1234567
    ("school", is_school_value, 0.8),  # 堺市立浜寺中学校 starts like an address
    ("address", lambda v: looks_like_address(v) >= 0.6, 0.7),
    ("name_kana", _kana_name, 0.8),
    ("name", lambda v: name_score(v) >= 0.5, 0.6),
)
_BY_KIND = {kind: check for kind, check, _ in CHECKS}
_BY_KIND["birth_date"] = _date


def value_kind(values: Sequence[str]) -> tuple[str, float]:
    """The kind most of *values* have (by shape and checks), with the share that passed."""
    sample = [v.strip() for v in values if v.strip()]
    if len(sample) < SMALL_VALUES:
        return "", 0.0
    for kind, check, share_needed in CHECKS:
        needed = share_needed if len(sample) >= MIN_VALUES else 1.0
        passed = 0
        for i, v in enumerate(sample):
            passed += check(v)
            # Give up on a kind as soon as it cannot reach its share any more.
            if (passed + len(sample) - i - 1) < needed * len(sample):
                break
        else:
            share = passed / len(sample)
            if share >= needed:
                return (kind if kind != CORPORATE else ""), share
    return "", 0.0


def value_share(kind: str, values: Sequence[str]) -> float:
    """Share of *values* that pass the check of *kind* (1.0 when the kind has no check)."""
    check = _BY_KIND.get(kind)
    sample = [v.strip() for v in values if v.strip()]
    if check is None or not sample:
        return 1.0
    return sum(1 for v in sample if check(v)) / len(sample)
