"""Django for the guard tests: settings with a temporary home, a test database, per-test rollback.

SQLite (in memory) by default; PostgreSQL when MAMORI_TEST_DATABASE_URL is set (one test database
per xdist worker). Every test gets its own mamori home, so its audit log starts empty.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ["MAMORI_HOME"] = tempfile.mkdtemp(prefix="mamori-guard-test-")
os.environ["MAMORI_TESTING"] = "1"
os.environ["MAMORI_AUDIT_FSYNC"] = "0"
os.environ["MAMORI_SCAN_INLINE"] = "1"  # scans run inside submit(); test_guard_jobs runs the real worker
os.environ["DJANGO_SETTINGS_MODULE"] = "mamori.guard.settings"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import get_hashers  # noqa: E402

# Hashing is argon2 in the real settings (tested); a fast hasher keeps the suite quick.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
get_hashers.cache_clear()
from django.db import connections, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402
from guard_helpers import World, login, make_user  # noqa: E402

from mamori.guard.accounts.models import Department, Role  # noqa: E402
from mamori.guard.media.models import Medium  # noqa: E402

_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = (
    f"test_mamori_guard_{_worker}" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else None)


@pytest.fixture(scope="session")
def django_db_setup() -> Iterator[None]:
    """Create the test database once per process."""
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    yield
    teardown_databases(old, verbosity=0)


@pytest.fixture
def db(django_db_setup: None) -> Iterator[None]:
    """Each test runs in a transaction rolled back afterwards (as Django's TestCase does)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
    for conn in connections.all():
        conn.close_if_unusable_or_obsolete()


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """A fresh mamori home (audit log, keys, uploads) for this test."""
    with override_settings(MAMORI_HOME=tmp_path):
        yield tmp_path


@pytest.fixture
def world(db: None, home: Path) -> World:
    """The standard cast of the guard tests."""
    pw: dict[str, str] = {}
    a = Department.objects.create(code="A100", name="市民課")
    b = Department.objects.create(code="B200", name="選挙管理委員会事務局")
    head_a = make_user("head_a", Role.SECTION_HEAD, a, pw)
    head_b = make_user("head_b", Role.SECTION_HEAD, b, pw)
    a.head, b.head = head_a, head_b
    a.save()
    b.save()
    medium_a = Medium.objects.create(vendor_id="0781", product_id="5581", serial="A-0001", capacity_bytes=32 << 30,
                                     label="市民課USB-1", department=a, encrypted=True)
    medium_b = Medium.objects.create(vendor_id="0781", product_id="5581", serial="B-0001", capacity_bytes=32 << 30,
                                     label="選管USB-1", department=b, encrypted=True)
    return World(a, b, head_a, head_b, make_user("alice", Role.EMPLOYEE, a, pw),
                 make_user("aaron", Role.EMPLOYEE, a, pw), make_user("bob", Role.EMPLOYEE, b, pw),
                 make_user("admin", Role.SECURITY_ADMIN, None, pw), make_user("auditor", Role.AUDITOR, None, pw),
                 medium_a, medium_b, pw)


@pytest.fixture
def as_user() -> Any:
    """`as_user(user)` → a logged-in test client."""
    return lambda user: login(Client(), user)


def pytest_configure(config: pytest.Config) -> None:
    """Markers of the guard's end-to-end tests (pyproject registers 'slow')."""
    config.addinivalue_line("markers", "browser: drives the real server with headless Chromium (Playwright)")


@pytest.fixture(scope="session")
def live_guard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real `mamori guard serve` on loopback with a seeded cast (see guard_live.py), shared by the session."""
    from guard_live import start

    with start(tmp_path_factory.mktemp("live-home"), departments=2) as live:
        yield live
