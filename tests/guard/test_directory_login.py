"""Directory log-in against a real OpenLDAP server (Debian slapd) holding a synthetic city.

People log in with their directory password; their role and department come from the directory's groups each
time; local accounts (the break-glass administrator) log in whether the directory answers or not; a directory
that is down, refuses TLS or refuses mamori's service account gives a clear Japanese page, not 'wrong password'.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from guard_helpers import World, audit_actions
from guard_live import free_port

from mamori.errors import ConfigError
from mamori.guard.accounts import directory, services
from mamori.guard.accounts.directory import DirectoryConfig, DirectoryUnavailable
from mamori.guard.accounts.models import Department, Role, User
from mamori.guard.organisation.models import Level, Placement

ldap_city = pytest.importorskip("ldap_city")
pytest.importorskip("django_auth_ldap", reason="the ldap extra is not installed (pip install 'mamori[ldap]')")
pytestmark = pytest.mark.skipif(not ldap_city.SLAPD.exists(), reason="Debian slapd is not installed")

from mamori.guard.accounts.ldap_settings import auth_ldap_settings  # noqa: E402


@pytest.fixture(scope="module")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with ldap_city.running(tmp_path_factory.mktemp("slapd"), ldap_city.city()) as server:
        yield server


@pytest.fixture(scope="module")
def slapd_tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with ldap_city.running(tmp_path_factory.mktemp("slapd-tls"), ldap_city.city(seed=8), tls=True) as server:
        yield server


def config_for(server: Any, **changes: Any) -> DirectoryConfig:
    values: dict[str, Any] = {
        "uri": server.uri, "user_base": ldap_city.PEOPLE, "bind_dn": ldap_city.SERVICE_DN,
        "bind_password": server.city.service_password, "group_base": ldap_city.GROUPS,
        "role_groups": (("section_head", ldap_city.group_dn("mamori-heads")),
                        ("security_admin", ldap_city.group_dn("mamori-admins")),
                        ("auditor", ldap_city.group_dn("mamori-auditors"))),
        "department_groups": tuple((code, ldap_city.group_dn(f"dept-{code}")) for code, *_ in ldap_city.DEPARTMENTS),
    }
    values.update(changes)
    return DirectoryConfig(**values)


@pytest.fixture
def use_directory(world: World) -> Iterator[Any]:
    """The city's 部/課 in mamori's organisation, and `use(config)` to switch directory log-in on."""
    made: dict[str, Department] = {}
    for code, name, level, parent in ldap_city.DEPARTMENTS:
        made[code] = Department.objects.create(code=code, name=name)
        Placement.objects.create(department=made[code], level=Level(level), parent=made.get(parent))
    stack: list[Any] = []

    def use(config: DirectoryConfig) -> dict[str, Department]:
        switch = override_settings(MAMORI_DIRECTORY=config, **auth_ldap_settings(config))
        switch.enable()
        stack.append(switch)
        return made

    yield use
    for switch in reversed(stack):
        switch.disable()


def test_people_are_created_from_the_directory_with_role_and_department(slapd: Any, use_directory: Any,
                                                                        home: Path) -> None:
    departments = use_directory(config_for(slapd))
    before = audit_actions(home)
    kacho = slapd.city.person("kacho1")
    user = services.check_password("kacho1", kacho.password, "127.0.0.1")
    assert (user.role, user.department, user.display_name, user.email) == (
        Role.SECTION_HEAD, departments["1100"], kacho.display_name, "kacho1@city.example")
    assert not user.has_usable_password()  # the directory keeps the password, never mamori
    assert Department.objects.get(code="1100").head == user  # an unheaded 課 gets its 課長
    staff = services.check_password("staff1", slapd.city.person("staff1").password)
    assert (staff.role, staff.department) == (Role.EMPLOYEE, departments["1100"])
    assert services.check_password("johokanri", slapd.city.person("johokanri").password).role == Role.SECURITY_ADMIN
    assert services.check_password("kansa", slapd.city.person("kansa").password).role == Role.AUDITOR
    bucho = services.check_password("bucho", slapd.city.person("bucho").password)
    assert Department.objects.get(code="1000").head == bucho  # the 部長 heads the 部 above both 課
    actions = audit_actions(home)[len(before):]
    assert actions.count("user.created") == 5 and actions.count("department.head_set") == 2


def test_wrong_passwords_and_unknown_names_fail_alike(slapd: Any, use_directory: Any, home: Path) -> None:
    use_directory(config_for(slapd))
    for name, password in (("staff2", "not-the-password"), ("nobody-here", "whatever"), ("staff2", "")):
        with pytest.raises(services.AuthenticationFailed, match="wrong user name or password"):
            services.check_password(name, password, "192.0.2.9")
    assert not User.objects.filter(username__in=["staff2", "nobody-here"]).exists()
    assert audit_actions(home).count("login.failed") == 3


def test_the_directory_decides_again_at_each_log_in(slapd: Any, use_directory: Any, home: Path) -> None:
    departments = use_directory(config_for(slapd))
    kacho2 = services.check_password("kacho2", slapd.city.person("kacho2").password)
    assert departments["1200"].pk == kacho2.department_id and Department.objects.get(code="1200").head == kacho2
    staff3 = services.check_password("staff3", slapd.city.person("staff3").password)
    # kacho2 leaves the heads' group and moves to 市民課; staff3 becomes 保険年金課's head.
    heads, kacho2_dn = ldap_city.group_dn("mamori-heads"), f"uid=kacho2,{ldap_city.PEOPLE}"
    slapd.modify(f"dn: {heads}\nchangetype: modify\ndelete: member\nmember: {kacho2_dn}\n-\nadd: member\n"
                 f"member: uid=staff3,{ldap_city.PEOPLE}\n\n"
                 f"dn: {ldap_city.group_dn('dept-1200')}\nchangetype: modify\ndelete: member\nmember: {kacho2_dn}\n\n"
                 f"dn: {ldap_city.group_dn('dept-1100')}\nchangetype: modify\nadd: member\nmember: {kacho2_dn}\n")
    try:
        kacho2 = services.check_password("kacho2", slapd.city.person("kacho2").password)
        assert (kacho2.role, kacho2.department_id) == (Role.EMPLOYEE, departments["1100"].pk)
        assert Department.objects.get(code="1200").head is None  # no stale approver: the page warns instead
        staff3 = services.check_password("staff3", slapd.city.person("staff3").password)
        assert staff3.role == Role.SECTION_HEAD and Department.objects.get(code="1200").head == staff3
        actions = audit_actions(home)
        assert "department.head_cleared" in actions and actions.count("user.changed") == 2
    finally:  # the module's server is shared: put the city back as it was
        slapd.modify(f"dn: {heads}\nchangetype: modify\nadd: member\nmember: {kacho2_dn}\n-\ndelete: member\n"
                     f"member: uid=staff3,{ldap_city.PEOPLE}\n\n"
                     f"dn: {ldap_city.group_dn('dept-1100')}\nchangetype: modify\ndelete: member\n"
                     f"member: {kacho2_dn}\n\n"
                     f"dn: {ldap_city.group_dn('dept-1200')}\nchangetype: modify\nadd: member\nmember: {kacho2_dn}\n")


def test_a_local_account_is_never_taken_over_by_the_directory(slapd: Any, use_directory: Any) -> None:
    from guard_helpers import make_user

    use_directory(config_for(slapd))
    passwords: dict[str, str] = {}
    local = make_user("staff3", Role.SECURITY_ADMIN, None, passwords)  # same name as a directory employee
    directory_password = slapd.city.person("staff3").password
    for typed in ("staff3", "STAFF3", "Staff3"):
        with pytest.raises(services.AuthenticationFailed):
            services.check_password(typed, directory_password)
    local.refresh_from_db()
    assert local.role == Role.SECURITY_ADMIN and local.has_usable_password()
    assert services.check_password("staff3", passwords["staff3"]).pk == local.pk


def test_nested_groups_count_only_when_asked_for(slapd: Any, use_directory: Any) -> None:
    outer = ldap_city.group_dn("all-managers")  # its member is the heads' group, not people
    slapd.modify(f"dn: {outer}\nchangetype: add\nobjectClass: groupOfNames\ncn: all-managers\n"
                 f"member: {ldap_city.group_dn('mamori-heads')}\n")
    try:
        flat = config_for(slapd, role_groups=(("section_head", outer),))
        use_directory(flat)
        assert services.check_password("kacho1", slapd.city.person("kacho1").password).role == Role.EMPLOYEE
        use_directory(config_for(slapd, role_groups=(("section_head", outer),), group_type="nested"))
        assert services.check_password("kacho1", slapd.city.person("kacho1").password).role == Role.SECTION_HEAD
    finally:
        slapd.modify(f"dn: {outer}\nchangetype: delete\n")


def test_only_members_of_the_required_group_log_in(slapd: Any, use_directory: Any) -> None:
    use_directory(config_for(slapd, require_group=ldap_city.group_dn("dept-1100")))
    assert services.check_password("staff1", slapd.city.person("staff1").password).username == "staff1"
    with pytest.raises(services.AuthenticationFailed):
        services.check_password("outsider", slapd.city.person("outsider").password)


def test_local_accounts_log_in_first_and_when_the_directory_is_down(world: World, use_directory: Any,
                                                                    home: Path) -> None:
    use_directory(DirectoryConfig(uri=f"ldap://127.0.0.1:{free_port()}", user_base=ldap_city.PEOPLE, timeout=2))
    # The break-glass administrator is a local account: no directory needed.
    assert services.check_password("admin", world.passwords["admin"]).pk == world.admin.pk
    with pytest.raises(DirectoryUnavailable) as down:
        services.check_password("staff1", "anything")
    assert down.value.unreachable
    page = Client().post("/login/", {"username": "staff1", "password": "anything"})
    assert page.status_code == 503
    assert "ディレクトリサーバー（LDAP / Active Directory）に接続できない" in page.content.decode()
    assert 'name="username"' in page.content.decode()  # the form stays, to try again
    assert "login.directory_unavailable" in audit_actions(home)


def test_a_refused_service_account_is_not_called_a_wrong_password(slapd: Any, use_directory: Any) -> None:
    use_directory(config_for(slapd, bind_password="not-the-service-password"))
    page = Client().post("/login/", {"username": "staff1", "password": slapd.city.person("staff1").password})
    assert page.status_code == 503 and "設定（サービスアカウント・検索ベース）" in page.content.decode()


def test_start_tls_with_the_citys_certificate(slapd_tls: Any, use_directory: Any, tmp_path: Path) -> None:
    use_directory(config_for(slapd_tls, start_tls=True, ca_file=str(slapd_tls.ca_file)))
    assert services.check_password("staff1", slapd_tls.city.person("staff1").password).username == "staff1"
    other = tmp_path / "other"
    other.mkdir()
    use_directory(config_for(slapd_tls, start_tls=True, ca_file=str(ldap_city._certificate(other))))
    with pytest.raises(DirectoryUnavailable) as refused:  # a certificate the city did not sign: no log-in
        services.check_password("staff2", slapd_tls.city.person("staff2").password)
    assert refused.value.unreachable


def test_a_head_from_the_directory_enrols_totp_before_anything_else(slapd: Any, use_directory: Any) -> None:
    use_directory(config_for(slapd))
    client = Client()
    answer = client.post("/login/", {"username": "kacho1", "password": slapd.city.person("kacho1").password})
    assert answer.status_code == 302 and answer["Location"] == "/totp/enrol/"
    assert client.get("/queue/")["Location"] == "/totp/enrol/"
    assert client.get("/totp/enrol/").status_code == 200
    employee = Client()
    answer = employee.post("/login/", {"username": "staff2", "password": slapd.city.person("staff2").password})
    assert answer.status_code == 302 and answer["Location"] == "/"
    # The directory keeps the password: no local one can be set (it would cut the user off from the directory).
    assert "ディレクトリ側で行ってください" in employee.get("/password/").content.decode()
    assert employee.post("/password/", {"new_password": "a long enough new password 42"}).status_code == 400
    assert not User.objects.get(username="staff2").has_usable_password()


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, None),
    ({"MAMORI_LDAP_URI": "ldap://dc1", "MAMORI_LDAP_USER_BASE": "ou=p,dc=x", "MAMORI_LDAP_START_TLS": "yes",
      "MAMORI_LDAP_ROLE_GROUPS": "section_head=cn=Heads, ou=g,dc=x; auditor = cn=a,dc=x",
      "MAMORI_LDAP_DEPARTMENT_GROUPS": "A100=cn=shimin,dc=x\nB200=cn=senkan,dc=x", "MAMORI_LDAP_TIMEOUT": "3",
      "MAMORI_LDAP_GROUP_TYPE": "posix"},
     DirectoryConfig(uri="ldap://dc1", user_base="ou=p,dc=x", start_tls=True, timeout=3, group_type="posix",
                     role_groups=(("section_head", "cn=Heads, ou=g,dc=x"), ("auditor", "cn=a,dc=x")),
                     department_groups=(("A100", "cn=shimin,dc=x"), ("B200", "cn=senkan,dc=x")))),
])
def test_settings_from_the_environment(environ: dict[str, str], expected: DirectoryConfig | None,
                                       tmp_path: Path) -> None:
    assert directory.load(environ, tmp_path) == expected


def test_settings_from_the_file_and_the_environment_wins(tmp_path: Path) -> None:
    (tmp_path / "directory.toml").write_text(
        '[ldap]\nuri = "ldaps://dc1.city.example"\nuser_base = "ou=people,dc=city"\nstart_tls = false\n'
        'group_base = "ou=groups,dc=city"\ngroup_type = "ad"\n[ldap.role_groups]\n'
        'security_admin = "CN=Sec,OU=groups,DC=city"\n[ldap.department_groups]\n"1100" = "cn=d1100,dc=city"\n',
        encoding="utf-8")
    config = directory.load({"MAMORI_LDAP_USER_FILTER": "(sAMAccountName=%(user)s)"}, tmp_path)
    assert config is not None
    assert (config.uri, config.group_type, config.user_filter) == ("ldaps://dc1.city.example", "ad",
                                                                  "(sAMAccountName=%(user)s)")
    assert config.role_for({"cn=sec, ou=Groups, dc=city"}) == Role.SECURITY_ADMIN
    assert config.department_for({"CN=D1100,DC=CITY"}) == "1100"


@pytest.mark.parametrize(("environ", "message"), [
    ({"MAMORI_LDAP_URI": "ldap://dc1"}, "MAMORI_LDAP_USER_BASE"),
    ({"MAMORI_LDAP_URI": "ldap://dc1", "MAMORI_LDAP_USER_BASE": "ou=p", "MAMORI_LDAP_GROUP_TYPE": "novell"},
     "groupOfNames, nested, posix, ad"),
    ({"MAMORI_LDAP_URI": "ldap://dc1", "MAMORI_LDAP_USER_BASE": "ou=p", "MAMORI_LDAP_ROLE_GROUPS": "mayor=cn=x"},
     "unknown role 'mayor'"),
    ({"MAMORI_LDAP_URI": "ldap://dc1", "MAMORI_LDAP_USER_BASE": "ou=p", "MAMORI_LDAP_ROLE_GROUPS": "auditor"},
     "is not KEY=DN"),
])
def test_settings_that_cannot_work_say_what_to_fix(environ: dict[str, str], message: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=message):
        directory.load(environ, tmp_path)


@pytest.mark.parametrize(("groups", "role"), [
    (set(), Role.EMPLOYEE),
    ({"cn=heads,dc=x"}, Role.SECTION_HEAD),
    ({"cn=heads,dc=x", "cn=admins,dc=x"}, Role.SECURITY_ADMIN),  # the most trusted role wins
    ({"cn=auditors,dc=x", "cn=heads,dc=x"}, Role.AUDITOR),
    ({"cn=strangers,dc=x"}, Role.EMPLOYEE),
])
def test_roles_from_groups(groups: set[str], role: str) -> None:
    config = DirectoryConfig(uri="ldap://x", user_base="dc=x", role_groups=(
        ("section_head", "cn=heads,dc=x"), ("security_admin", "cn=admins,dc=x"), ("auditor", "cn=auditors,dc=x")))
    assert config.role_for(groups) == role


def test_directory_check_command(slapd: Any, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    home = tmp_path / "home"
    (home / "guard").mkdir(parents=True)
    config = config_for(slapd)
    # The settings file (the service password from the environment): what a city would write.
    roles = "\n".join(f'{role} = "{dn}"' for role, dn in config.role_groups)
    departments = "\n".join(f'"{code}" = "{dn}"' for code, dn in config.department_groups)
    (home / "guard" / "directory.toml").write_text(
        f'[ldap]\nuri = "{slapd.uri}"\nbind_dn = "{ldap_city.SERVICE_DN}"\nuser_base = "{ldap_city.PEOPLE}"\n'
        f'group_base = "{ldap_city.GROUPS}"\n[ldap.role_groups]\n{roles}\n[ldap.department_groups]\n{departments}\n',
        encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("MAMORI_TESTING", "DATABASE_URL", "MAMORI_HOME")}
    env["MAMORI_LDAP_BIND_PASSWORD"] = slapd.city.service_password

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "mamori", "guard", *args], capture_output=True, text=True,
                              env=env, timeout=120, check=False)

    assert run("init", "--home", str(home), "--admin", "root").returncode == 0
    found = run("directory-check", "--home", str(home), "kacho2")
    assert found.returncode == 0, found.stderr
    assert f"dn:         uid=kacho2,{ldap_city.PEOPLE}" in found.stdout
    assert "role:       section_head" in found.stdout and "department: 1200 (not created in mamori yet)" in found.stdout
    assert slapd.city.person("kacho2").display_name in found.stdout
    missing = run("directory-check", "--home", str(home), "no-such-person")
    assert missing.returncode == 2 and "is not found under" in missing.stderr
    env["MAMORI_LDAP_BIND_PASSWORD"] = "wrong"
    refused = run("directory-check", "--home", str(home), "kacho2")
    assert refused.returncode == 2 and "Invalid credentials" in refused.stderr
