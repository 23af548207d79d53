"""Django settings of mamori guard, driven by the environment (the CLI sets MAMORI_HOME from ``--home``).

- ``MAMORI_HOME``: the mamori home folder (database, keys, uploads, audit log); default ``~/.mamori``.
- ``DATABASE_URL``: PostgreSQL (``postgres://…``); without it SQLite in HOME/guard. Tests use
  ``MAMORI_TEST_DATABASE_URL`` instead (see tests/guard/conftest.py).
- ``MAMORI_ALLOWED_HOSTS`` (comma-separated), ``MAMORI_SECURE_COOKIES=1`` behind HTTPS,
  ``MAMORI_DEBUG=1`` only for development, ``MAMORI_IDLE_MINUTES`` / ``MAMORI_ABSOLUTE_HOURS``,
  ``MAMORI_THROTTLE_FREE`` / ``MAMORI_THROTTLE_MAX_SECONDS``, ``MAMORI_AUDIT_FSYNC=0`` (tests only).
- ``MAMORI_LDAP_*`` or HOME/guard/directory.toml: directory log-in (accounts/directory.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mamori.guard.dburl import parse_database_url, sqlite_in
from mamori.guard.home import guard_dir, private_dir, secret_key
from mamori.i18n.catalogue import LOCALE_DIR, ensure_compiled


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else default


MAMORI_HOME = Path(os.environ.get("MAMORI_HOME") or Path.home() / ".mamori").resolve()
GUARD_DIR = guard_dir(MAMORI_HOME)

SECRET_KEY = os.environ.get("MAMORI_SECRET_KEY") or secret_key(MAMORI_HOME)
DEBUG = _flag("MAMORI_DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("MAMORI_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
                 if h.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "mamori.guard.ui",
    "mamori.guard.accounts",
    "mamori.guard.media",
    "mamori.guard.exports",
    "mamori.guard.auditlog",
    "mamori.guard.api",
    "mamori.guard.incidents",
    "mamori.guard.notices",
    "mamori.guard.organisation",
    "mamori.guard.register",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mamori.guard.ui.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mamori.guard.ui.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mamori.guard.ui.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mamori.guard.urls"
WSGI_APPLICATION = "mamori.guard.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mamori.guard.ui.context.guard",
            ],
        },
    },
]

_test_url = os.environ.get("MAMORI_TEST_DATABASE_URL") if os.environ.get("MAMORI_TESTING") else None
_url = _test_url or os.environ.get("DATABASE_URL")
DATABASES: dict[str, dict[str, Any]] = {"default": parse_database_url(_url) if _url else sqlite_in(GUARD_DIR)}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/login/"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Server-side sessions; the absolute lifetime is the cookie age, the idle limit is enforced by middleware.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
MAMORI_IDLE_SECONDS = _int("MAMORI_IDLE_MINUTES", 30) * 60
MAMORI_ABSOLUTE_SECONDS = _int("MAMORI_ABSOLUTE_HOURS", 12) * 3600
SESSION_COOKIE_AGE = MAMORI_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_NAME = "mamori_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
_secure = _flag("MAMORI_SECURE_COOKIES")
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_SSL_REDIRECT = _secure and _flag("MAMORI_SSL_REDIRECT")
SECURE_HSTS_SECONDS = 31536000 if _secure else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _flag("MAMORI_BEHIND_PROXY") else None
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("MAMORI_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Log-in throttling (accounts/throttle.py): free failures per source and per name, then a doubling wait.
MAMORI_THROTTLE_FREE = _int("MAMORI_THROTTLE_FREE", _int("MAMORI_LOCKOUT_ATTEMPTS", 5))
MAMORI_THROTTLE_BASE_SECONDS = _int("MAMORI_THROTTLE_BASE_SECONDS", 2)
MAMORI_THROTTLE_MAX_SECONDS = _int("MAMORI_THROTTLE_MAX_SECONDS", 15 * 60)
MAMORI_AUDIT_FSYNC = _flag("MAMORI_AUDIT_FSYNC", True)
MAMORI_MAX_UPLOAD_BYTES = _int("MAMORI_MAX_UPLOAD_MB", 512) * 1024 * 1024
MAMORI_MAX_FILES = _int("MAMORI_MAX_FILES", 50)
# Background scans (exports/jobs.py, exports/worker.py). INLINE scans inside the request: tests only.
MAMORI_SCAN_INLINE = _flag("MAMORI_SCAN_INLINE")
MAMORI_SCAN_ATTEMPTS = _int("MAMORI_SCAN_ATTEMPTS", 2)
MAMORI_SCAN_STALE_SECONDS = _int("MAMORI_SCAN_STALE_SECONDS", 120)
MAMORI_SCAN_SECONDS = _int("MAMORI_SCAN_SECONDS", 3600)
MAMORI_SCAN_MEMORY_MB = _int("MAMORI_SCAN_MEMORY_MB", 4096)
# Request bodies (asgi.py): the whole body within BODY_SECONDS plus one second per BODY_MIN_KBPS KiB.
MAMORI_BODY_SECONDS = _int("MAMORI_BODY_SECONDS", 60)
MAMORI_BODY_MIN_KBPS = _int("MAMORI_BODY_MIN_KBPS", 64)
MAMORI_BODY_IDLE_SECONDS = _int("MAMORI_BODY_IDLE_SECONDS", 30)

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
USE_I18N = True
# The one catalogue of the server, the command and the reports (keys as msgids; see mamori.i18n).
LOCALE_PATHS = [str(LOCALE_DIR)]
ensure_compiled()
TIME_ZONE = os.environ.get("MAMORI_TIME_ZONE", "Asia/Tokyo")
USE_TZ = True

STATIC_URL = "/static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FILE_UPLOAD_TEMP_DIR = str(private_dir(GUARD_DIR / "tmp"))
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_NUMBER_FILES = 200
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": os.environ.get("MAMORI_LOG_LEVEL", "WARNING")}},
}

# E-mail notices: on only when a mail server is named (MAMORI_SMTP_HOST[:MAMORI_SMTP_PORT], optional
# MAMORI_SMTP_USER/MAMORI_SMTP_PASSWORD, MAMORI_SMTP_TLS=1); MAMORI_MAIL_FROM and MAMORI_BASE_URL for links.
EMAIL_HOST = os.environ.get("MAMORI_SMTP_HOST", "")
EMAIL_PORT = _int("MAMORI_SMTP_PORT", 25)
EMAIL_HOST_USER = os.environ.get("MAMORI_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("MAMORI_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _flag("MAMORI_SMTP_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("MAMORI_MAIL_FROM", "mamori@localhost")
MAMORI_NOTICES = bool(EMAIL_HOST)
MAMORI_BASE_URL = os.environ.get("MAMORI_BASE_URL", "")

# Directory log-in (accounts/directory.py): on when MAMORI_LDAP_URI or HOME/guard/directory.toml names a server.
# Local accounts (a usable password here) still log in first: the break-glass administrator needs no directory.
from mamori.guard.accounts.directory import load as _load_directory  # noqa: E402

MAMORI_DIRECTORY = _load_directory(os.environ, GUARD_DIR)
if MAMORI_DIRECTORY is not None:
    from mamori.guard.accounts.ldap_settings import auth_ldap_settings

    globals().update(auth_ldap_settings(MAMORI_DIRECTORY))
