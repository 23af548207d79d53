"""``DATABASE_URL`` → Django's DATABASES entry (PostgreSQL or SQLite), without extra dependencies."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from mamori.errors import ConfigError

_POSTGRES = ("postgres", "postgresql", "pgsql", "postgresql+psycopg")


def parse_database_url(url: str) -> dict[str, Any]:
    """A Django database dict for ``postgres://user:pass@host:port/name?opt=v`` or ``sqlite:///path``."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"DATABASE_URL is not a valid URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(parts.path)[1:]  # sqlite:///relative.db, sqlite:////absolute.db
        if parts.netloc or not path:
            raise ConfigError("a SQLite DATABASE_URL looks like sqlite:////absolute/path.sqlite3")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(Path(path))}
    if scheme not in _POSTGRES:
        raise ConfigError(f"DATABASE_URL scheme {scheme!r} is not supported: use postgres:// or sqlite://")
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ConfigError("DATABASE_URL names no database (postgres://user:pass@host:5432/NAME)")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": unquote(parts.hostname or ""),
        "PORT": str(port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def sqlite_in(directory: Path) -> dict[str, Any]:
    """The embedded default: SQLite in the guard folder, with a busy timeout for concurrent writers."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(directory / "guard.sqlite3"),
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
    }
