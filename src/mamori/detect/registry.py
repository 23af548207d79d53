"""The detector registry: built-ins listed once, third parties via the ``mamori.detectors`` group."""

from __future__ import annotations

from functools import lru_cache

from mamori.detect.address import Address
from mamori.detect.age import Age
from mamori.detect.bank_account import BankAccount
from mamori.detect.base import Detector
from mamori.detect.birth_date import BirthDate
from mamori.detect.care_need import CareNeed
from mamori.detect.corporate_number import CorporateNumber
from mamori.detect.credit_card import CreditCard
from mamori.detect.criminal_record import CriminalRecord
from mamori.detect.disability import Disability
from mamori.detect.drivers_license import DriversLicense
from mamori.detect.email_address import EmailAddress
from mamori.detect.gender import Gender
from mamori.detect.health import Health
from mamori.detect.insurance_number import InsuranceNumber
from mamori.detect.my_number import MyNumber
from mamori.detect.passport import Passport
from mamori.detect.pension_number import PensionNumber
from mamori.detect.phone import PhoneJp
from mamori.detect.postal_code import PostalCode
from mamori.detect.resident_code import ResidentCode
from mamori.detect.salary import Salary
from mamori.detect.school import School
from mamori.registry import Registry

BUILTIN_DETECTORS: tuple[type[Detector], ...] = (
    EmailAddress, PhoneJp, MyNumber, PostalCode, Address, BirthDate, Age, Gender, ResidentCode,
    DriversLicense, Passport, CorporateNumber, CreditCard, BankAccount, InsuranceNumber, PensionNumber,
    Disability, CareNeed, Health, CriminalRecord, Salary, School,
)


@lru_cache(maxsize=1)
def detectors() -> Registry[Detector]:
    """Every detector, built-in and plugged in."""
    registry: Registry[Detector] = Registry("detector", (cls() for cls in BUILTIN_DETECTORS))
    from importlib.metadata import entry_points

    for ep in entry_points(group="mamori.detectors"):
        registry.add(ep.load()())
    return registry
