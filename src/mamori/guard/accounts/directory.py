"""Directory log-in settings (LDAP / Active Directory): read from the environment or a TOML file.

The server's environment wins over the file (``MAMORI_LDAP_CONFIG``, default ``HOME/guard/directory.toml``)::

    [ldap]
    uri = "ldap://dc1.city.example"          # MAMORI_LDAP_URI; several servers separated by spaces
    start_tls = true                         # MAMORI_LDAP_START_TLS=1
    ca_file = "/etc/ssl/certs/city-ca.pem"   # MAMORI_LDAP_CA_FILE
    bind_dn = "cn=mamori,ou=services,dc=city,dc=example"   # MAMORI_LDAP_BIND_DN
    bind_password = "…"                      # MAMORI_LDAP_BIND_PASSWORD (or _FILE: a file holding it)
    user_base = "ou=people,dc=city,dc=example"             # MAMORI_LDAP_USER_BASE
    user_filter = "(uid=%(user)s)"           # MAMORI_LDAP_USER_FILTER; AD: "(sAMAccountName=%(user)s)"
    group_base = "ou=groups,dc=city,dc=example"            # MAMORI_LDAP_GROUP_BASE
    group_type = "groupOfNames"              # MAMORI_LDAP_GROUP_TYPE: groupOfNames, nested, posix, ad
    require_group = ""                       # MAMORI_LDAP_REQUIRE_GROUP: only its members log in
    [ldap.role_groups]                       # MAMORI_LDAP_ROLE_GROUPS="section_head=cn=…;auditor=cn=…"
    section_head = "cn=kacho,ou=groups,dc=city,dc=example"
    [ldap.department_groups]                 # MAMORI_LDAP_DEPARTMENT_GROUPS="A100=cn=…;B200=cn=…"
    A100 = "cn=shimin,ou=groups,dc=city,dc=example"

Nothing here imports python-ldap: the settings stay importable where the ``ldap`` extra is not installed.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mamori.errors import ConfigError

GROUP_TYPES = ("groupOfNames", "nested", "posix", "ad")
# accounts.models.Role's values (settings.py reads this module before Django's models can be imported).
# The most trusted role wins when someone is in several role groups.
ROLE_ORDER = ("security_admin", "auditor", "section_head", "employee")
_KEYS = ("uri", "bind_dn", "bind_password", "user_base", "user_filter", "group_base", "group_filter",
         "require_group", "ca_file", "name_attr", "mail_attr")


class DirectoryUnavailable(ConfigError):
    """The directory could not be asked (down, unreachable, TLS refused, mamori's own bind refused)."""

    def __init__(self, detail: str, unreachable: bool) -> None:
        super().__init__(detail)
        self.unreachable = unreachable


def normalise_dn(dn: str) -> str:
    """A DN compared the way directories compare them: case-insensitive, no spaces around ',' and '='."""
    parts = [p.strip() for p in dn.split(",")]
    return ",".join("=".join(s.strip() for s in p.split("=", 1)) for p in parts).lower()


@dataclass(frozen=True)
class DirectoryConfig:
    """Where the directory is, how to find people and groups in it, and what its groups mean here."""

    uri: str
    user_base: str
    user_filter: str = "(uid=%(user)s)"
    bind_dn: str = ""
    bind_password: str = ""
    group_base: str = ""
    group_filter: str = ""
    group_type: str = "groupOfNames"
    require_group: str = ""
    start_tls: bool = False
    ca_file: str = ""
    timeout: int = 5
    name_attr: str = "displayName"
    mail_attr: str = "mail"
    role_groups: tuple[tuple[str, str], ...] = field(default=())
    department_groups: tuple[tuple[str, str], ...] = field(default=())

    def role_for(self, group_dns: set[str]) -> str:
        """The role the user's groups give (職員 when none of them is mapped)."""
        mine = {normalise_dn(dn) for dn in group_dns}
        granted = {role for role, dn in self.role_groups if normalise_dn(dn) in mine}
        return next(role for role in ROLE_ORDER if role in granted or role == "employee")

    def department_for(self, group_dns: set[str]) -> str | None:
        """The code of the first mapped department whose group the user is in."""
        mine = {normalise_dn(dn) for dn in group_dns}
        return next((code for code, dn in self.department_groups if normalise_dn(dn) in mine), None)


def _pairs(value: Any, what: str) -> tuple[tuple[str, str], ...]:
    """`key=DN;key=DN` (environment) or a TOML table, as ordered pairs."""
    if isinstance(value, Mapping):
        items = [(str(k), str(v)) for k, v in value.items()]
    else:
        items = []
        for chunk in str(value).replace("\n", ";").split(";"):
            if chunk.strip():
                key, sep, dn = chunk.partition("=")
                if not sep or not dn.strip():
                    raise ConfigError(f"{what}: '{chunk.strip()}' is not KEY=DN (separate entries with ';')")
                items.append((key.strip(), dn.strip()))
    return tuple((k.strip(), v.strip()) for k, v in items)


def _from_file(path: Path) -> dict[str, Any]:
    try:
        loaded = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"the directory settings file {path} cannot be read ({exc}); fix it or remove it") from None
    section = loaded.get("ldap", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [ldap] must be a table")
    return section


def load(environ: Mapping[str, str], home_guard_dir: Path) -> DirectoryConfig | None:
    """The directory settings, or None when no directory is configured (local accounts only)."""
    path = Path(environ.get("MAMORI_LDAP_CONFIG") or home_guard_dir / "directory.toml")
    raw: dict[str, Any] = _from_file(path) if path.is_file() else {}
    for key in (*_KEYS, "group_type", "start_tls", "timeout", "role_groups", "department_groups"):
        value = environ.get(f"MAMORI_LDAP_{key.upper()}")
        if value is not None and value.strip():
            raw[key] = value.strip()
    secret_file = environ.get("MAMORI_LDAP_BIND_PASSWORD_FILE")
    if secret_file:
        raw["bind_password"] = Path(secret_file).read_text(encoding="utf-8").strip()
    if not raw.get("uri"):
        return None
    if not raw.get("user_base"):
        raise ConfigError("MAMORI_LDAP_USER_BASE (user_base) is needed: where the directory keeps its people")
    group_type = str(raw.get("group_type", "groupOfNames"))
    if group_type not in GROUP_TYPES:
        raise ConfigError(f"MAMORI_LDAP_GROUP_TYPE is one of {', '.join(GROUP_TYPES)}, not {group_type!r}")
    roles = _pairs(raw.get("role_groups", ""), "MAMORI_LDAP_ROLE_GROUPS")
    unknown = [role for role, _ in roles if role not in ROLE_ORDER]
    if unknown:
        raise ConfigError(f"MAMORI_LDAP_ROLE_GROUPS: unknown role {unknown[0]!r}; use {', '.join(ROLE_ORDER)}")
    timeout = str(raw.get("timeout", "5"))
    return DirectoryConfig(
        **{key: str(raw[key]) for key in _KEYS if key in raw},
        group_type=group_type,
        start_tls=str(raw.get("start_tls", "")).lower() in ("1", "true", "yes", "on"),
        timeout=int(timeout) if timeout.isdigit() and int(timeout) > 0 else 5,
        role_groups=roles,
        department_groups=_pairs(raw.get("department_groups", ""), "MAMORI_LDAP_DEPARTMENT_GROUPS"),
    )
