"""django-auth-ldap's AUTH_LDAP_* settings built from mamori's DirectoryConfig (needs the `ldap` extra)."""

from __future__ import annotations

from typing import Any

from mamori.errors import ConfigError
from mamori.guard.accounts.directory import DirectoryConfig


def auth_ldap_settings(config: DirectoryConfig) -> dict[str, Any]:
    """The AUTH_LDAP_* names and values for `config` (group search only when a group base is given)."""
    try:
        import ldap
        from django_auth_ldap import config as auth_config
    except ImportError:
        raise ConfigError("directory log-in needs python-ldap and django-auth-ldap: pip install 'mamori[ldap]' "
                          "(Debian: apt-get install libldap-dev libsasl2-dev first)") from None
    options: dict[int, Any] = {ldap.OPT_REFERRALS: 0,  # Active Directory's referrals would need another bind
                               ldap.OPT_NETWORK_TIMEOUT: config.timeout, ldap.OPT_TIMEOUT: config.timeout}
    if config.ca_file:
        options[ldap.OPT_X_TLS_CACERTFILE] = config.ca_file
    if config.uri.startswith("ldaps://") or config.start_tls:
        options[ldap.OPT_X_TLS_REQUIRE_CERT] = ldap.OPT_X_TLS_DEMAND
        options[ldap.OPT_X_TLS_NEWCTX] = 0  # last: applies the TLS options above to this connection
    values: dict[str, Any] = {
        "AUTH_LDAP_SERVER_URI": config.uri,
        "AUTH_LDAP_START_TLS": config.start_tls,
        "AUTH_LDAP_BIND_DN": config.bind_dn,
        "AUTH_LDAP_BIND_PASSWORD": config.bind_password,
        "AUTH_LDAP_CONNECTION_OPTIONS": options,
        "AUTH_LDAP_USER_SEARCH": auth_config.LDAPSearch(config.user_base, ldap.SCOPE_SUBTREE, config.user_filter),
        "AUTH_LDAP_USER_ATTR_MAP": {"display_name": config.name_attr, "email": config.mail_attr},
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_FIND_GROUP_PERMS": False,
        "AUTH_LDAP_CACHE_TIMEOUT": 0,  # a change in the directory counts at the next log-in
    }
    if config.group_base:
        kind = {
            "groupOfNames": (auth_config.GroupOfNamesType, "(objectClass=groupOfNames)"),
            "nested": (auth_config.NestedGroupOfNamesType, "(objectClass=groupOfNames)"),
            "posix": (auth_config.PosixGroupType, "(objectClass=posixGroup)"),
            "ad": (auth_config.NestedActiveDirectoryGroupType, "(objectClass=group)"),
        }[config.group_type]
        values["AUTH_LDAP_GROUP_TYPE"] = kind[0]()
        values["AUTH_LDAP_GROUP_SEARCH"] = auth_config.LDAPSearch(config.group_base, ldap.SCOPE_SUBTREE,
                                                                  config.group_filter or kind[1])
        if config.require_group:
            values["AUTH_LDAP_REQUIRE_GROUP"] = config.require_group
    return values
