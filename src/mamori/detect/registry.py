"""The detector registry: built-ins listed once, third parties via the ``mamori.detectors`` group."""

from __future__ import annotations

from functools import lru_cache

from mamori.detect.base import Detector
from mamori.detect.email_address import EmailAddress
from mamori.detect.my_number import MyNumber
from mamori.detect.phone import PhoneJp
from mamori.detect.postal_code import PostalCode
from mamori.registry import Registry

BUILTIN_DETECTORS: tuple[type[Detector], ...] = (EmailAddress, PhoneJp, MyNumber, PostalCode)


@lru_cache(maxsize=1)
def detectors() -> Registry[Detector]:
    """Every detector, built-in and plugged in."""
    registry: Registry[Detector] = Registry("detector", (cls() for cls in BUILTIN_DETECTORS))
    from importlib.metadata import entry_points

    for ep in entry_points(group="mamori.detectors"):
        registry.add(ep.load()())
    return registry
