"""Every detector: find() never raises on arbitrary text; validate() and cell checks never raise."""

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.detect import (
    address,
    age,
    bank_account,
    birth_date,
    care_need,
    corporate_number,
    credit_card,
    criminal_record,
    disability,
    drivers_license,
    email_address,
    gender,
    health,
    insurance_number,
    my_number,
    passport,
    pension_number,
    phone,
    postal_code,
    resident_code,
    salary,
    school,
)
from mamori.detect.base import PatternDetector
from mamori.detect.registry import BUILTIN_DETECTORS, detectors
from mamori.models import Location
from mamori.normalize.text import nfkc

CELL_CHECKS: tuple[Callable[[str], object], ...] = (
    phone.is_valid_phone, postal_code.is_valid_postal_code, address.looks_like_address,
    birth_date.birth_date_value, age.is_age_value, gender.is_gender_value, email_address.is_email,
    my_number.is_valid_my_number, resident_code.is_resident_code, drivers_license.is_valid_drivers_license,
    passport.is_passport_number, corporate_number.is_valid_corporate_number, credit_card.is_valid_credit_card,
    bank_account.is_bank_account_value, insurance_number.is_insurance_number_value,
    insurance_number.is_valid_insurer_number, pension_number.is_pension_number,
    disability.is_disability_value, care_need.is_care_need_value, health.is_health_term,
    salary.is_salary_value, school.is_school_value, salary.amount_yen, bank_account.is_bank_account_cell,
    insurance_number.is_symbol_number, criminal_record.is_criminal_record_value,
)
# Text made of what detectors look for, so generated cases reach past the first character.
_PIECES = st.sampled_from(
    ["0", "1", "3", "7", "9", "-", "ー", "(", ")", " ", "+81", "〒", "年", "月", "日", "昭和", "S.", "歳", "級", "号",
     "丁目", "番地", "堺市", "堺区", "大阪府", "町", "電話", "個人番号", "法人番号", "口座番号", "普通", "性別", "男",
     "要介護", "既往歴", "様", "糖尿病", "小学校", "年2組", "基本給", "円", ",", "@", ".", "T", "A", "旅券",
     "銀行", "支店", "当座", "記号", "堺", "懲役", "窃盗", "逮捕", "氏", "万円", "¥", "会長", "　"]
)
JAPANESEY = st.lists(_PIECES, max_size=40).map("".join)
ANY_TEXT = st.one_of(st.text(max_size=200), JAPANESEY)


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT)
def test_find_never_raises(text: str) -> None:
    for detector in detectors():
        for finding in detector.find(nfkc(text), Location()):
            assert finding.value and 0.5 <= finding.confidence <= 1.0
        list(detector.find(text, Location()))  # un-normalised text too


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT)
def test_validate_and_cell_checks_never_raise(value: str) -> None:
    for detector in detectors():
        if isinstance(detector, PatternDetector):
            detector.validate(value)
    for check in CELL_CHECKS:
        check(value)


@pytest.mark.parametrize("cls", BUILTIN_DETECTORS, ids=lambda c: c.name)
def test_every_builtin_detector_has_a_table_test(cls: type) -> None:
    tests = " ".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_det_*.py"))
    assert f"{cls.__name__}()" in tests, f"{cls.__name__} has no table test"
    assert cls.__doc__, f"{cls.__name__} has no docstring"


@given(st.integers(min_value=1000, max_value=999_999_999), st.sampled_from(("{:,}", "¥{:,}", "{:,}円", "¥{}", "{}円")))
def test_amount_yen_reads_back_what_was_written(yen: int, style: str) -> None:
    assert salary.amount_yen(nfkc(style.format(yen))) == yen


@given(st.integers(min_value=1, max_value=999_999), st.sampled_from(("{:,}千円", "{}千円", "{} 千円")))
def test_amount_yen_reads_thousands(thousands: int, style: str) -> None:
    assert salary.amount_yen(nfkc(style.format(thousands))) == thousands * 1000


@given(st.integers(min_value=1000, max_value=9_999_999))
def test_a_bare_number_is_no_amount(n: int) -> None:
    assert salary.amount_yen(str(n)) is None


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT)
def test_strip_role_is_idempotent_and_keeps_a_suffix(value: str) -> None:
    from mamori.detect.names.cell import strip_role

    once = strip_role(value)
    assert value.strip().endswith(once) and strip_role(once) == strip_role(strip_role(once))
