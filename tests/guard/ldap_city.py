"""A real OpenLDAP server (Debian slapd) for the directory log-in tests, holding a synthetic city.

`city()` makes the city's people and groups (names from mamori.synth), `ldif()` writes them, and `running()`
starts slapd on a free loopback port with a temporary slapd.conf and database (loaded with slapadd), waits
until ldapsearch answers through the service account, and stops it afterwards. Optionally with StartTLS (a
self-signed certificate made with openssl for 127.0.0.1).
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from guard_live import free_port, stop_process

from mamori.synth.residents import generate_residents

SLAPD = Path("/usr/sbin/slapd")
SUFFIX = "dc=city,dc=example"
ADMIN_DN = f"cn=admin,{SUFFIX}"
SERVICE_DN = f"cn=mamori,ou=services,{SUFFIX}"
PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"
# (department code, 部/課 name, level, parent code); the directory knows its groups, mamori its departments.
DEPARTMENTS = (("1000", "市民生活部", "bu", ""), ("1100", "市民課", "ka", "1000"), ("1200", "保険年金課", "ka", "1000"))


@dataclass(frozen=True)
class Person:
    uid: str
    display_name: str
    family: str
    mail: str
    password: str
    groups: tuple[str, ...]  # cn of each group


@dataclass(frozen=True)
class City:
    people: tuple[Person, ...]
    service_password: str

    def person(self, uid: str) -> Person:
        return next(p for p in self.people if p.uid == uid)


class Slapd:
    """A slapd serving a city; `stop()` and `start()` again (same port, same data) to test a directory that is down."""

    def __init__(self, uri: str, town: City, ca_file: Path | None, conf: Path, log: Path) -> None:
        self.uri, self.city, self.ca_file, self._conf, self._log = uri, town, ca_file, conf, log
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self._log.open("ab") as out:
            # -d keeps slapd in the foreground (ours to stop); level 0 logs nothing but start-up failures.
            self._process = subprocess.Popen([str(SLAPD), "-f", str(self._conf), "-h", f"{self.uri}/", "-d", "0"],
                                             stdout=out, stderr=subprocess.STDOUT)
        _wait(self.uri, self.city, self._process, self._log)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        stop_process(process)

    def modify(self, ldif_text: str) -> None:
        """Change the directory as its administrator would (ldapmodify)."""
        subprocess.run(["ldapmodify", "-x", "-H", self.uri, "-D", ADMIN_DN, "-w", self.city.service_password + "-admin"],
                       input=ldif_text.encode(), check=True, capture_output=True, timeout=60)


def group_dn(cn: str) -> str:
    return f"cn={cn},{GROUPS}"


def city(seed: int = 7) -> City:
    """A 部長, two 課長, staff, a security administrator and an auditor, each with their own password."""
    residents = generate_residents(9, seed=seed)
    plan = [("bucho", ("dept-1000", "mamori-heads")), ("kacho1", ("dept-1100", "mamori-heads")),
            ("kacho2", ("dept-1200", "mamori-heads")), ("staff1", ("dept-1100",)), ("staff2", ("dept-1100",)),
            ("staff3", ("dept-1200",)), ("johokanri", ("mamori-admins",)), ("kansa", ("mamori-auditors",)),
            ("outsider", ())]
    people = tuple(
        Person(uid=f"{role}", display_name=f"{r.family_name}　{r.given_name}", family=r.family_name,
               mail=f"{role}@city.example", password=f"pw-{role}-{r.id:04d}-{seed}", groups=groups)
        for (role, groups), r in zip(plan, residents, strict=True))
    return City(people, service_password=f"service-{seed}-secret")


def ssha(password: str) -> str:
    """An RFC 2307 salted SHA-1 userPassword, as slappasswd writes it."""
    salt = os.urandom(8)
    digest = hashlib.sha1(password.encode() + salt, usedforsecurity=False).digest()
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def _entry(dn: str, **attrs: str | list[str]) -> str:
    lines = [f"dn: {dn}"]
    for name, values in attrs.items():
        for value in [values] if isinstance(values, str) else values:
            # Non-ASCII values are base64 in LDIF (RFC 2849).
            lines.append(f"{name}:: {base64.b64encode(value.encode()).decode()}" if not value.isascii()
                         else f"{name}: {value}")
    return "\n".join(lines) + "\n"


def ldif(town: City) -> str:
    """The whole directory tree as LDIF."""
    entries = [
        _entry(SUFFIX, objectClass=["top", "dcObject", "organization"], dc="city", o="Mamori City"),
        _entry(f"ou=people,{SUFFIX}", objectClass="organizationalUnit", ou="people"),
        _entry(f"ou=groups,{SUFFIX}", objectClass="organizationalUnit", ou="groups"),
        _entry(f"ou=services,{SUFFIX}", objectClass="organizationalUnit", ou="services"),
        _entry(SERVICE_DN, objectClass=["organizationalRole", "simpleSecurityObject"], cn="mamori",
               userPassword=ssha(town.service_password)),
    ]
    members: dict[str, list[str]] = {}
    for p in town.people:
        entries.append(_entry(f"uid={p.uid},{PEOPLE}", objectClass="inetOrgPerson", uid=p.uid,
                              cn=p.display_name, sn=p.family, displayName=p.display_name, mail=p.mail,
                              userPassword=ssha(p.password)))
        for cn in p.groups:
            members.setdefault(cn, []).append(f"uid={p.uid},{PEOPLE}")
    for cn, dns in sorted(members.items()):
        entries.append(_entry(group_dn(cn), objectClass="groupOfNames", cn=cn, member=dns))
    return "\n".join(entries)


def _conf(folder: Path, tls: bool, admin_password: str) -> str:
    schema = Path("/etc/ldap/schema")
    tls_lines = (f"TLSCertificateFile {folder}/cert.pem\nTLSCertificateKeyFile {folder}/key.pem\n" if tls else "")
    return f"""include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/nis.schema
include {schema}/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {folder}/slapd.pid
argsfile {folder}/slapd.args
{tls_lines}
database mdb
maxsize 16777216
suffix "{SUFFIX}"
rootdn "{ADMIN_DN}"
rootpw {ssha(admin_password)}
directory {folder}/db
access to attrs=userPassword by anonymous auth by self read by * none
access to * by users read by * none
"""


def _certificate(folder: Path) -> Path:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(folder / "key.pem"),
                    "-out", str(folder / "cert.pem"), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=120)
    return folder / "cert.pem"


def _wait(uri: str, town: City, process: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError(f"slapd exited: {log.read_text(errors='replace')[-2000:]}")
        answer = subprocess.run(["ldapsearch", "-x", "-H", uri, "-D", SERVICE_DN, "-w", town.service_password,
                                 "-b", SUFFIX, "-s", "base", "dn"], capture_output=True, timeout=30, check=False)
        if answer.returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError("slapd did not answer")


@contextmanager
def running(folder: Path, town: City, *, tls: bool = False) -> Iterator[Slapd]:
    """slapd serving `town` on 127.0.0.1 (a free port) until the block ends."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "db").mkdir(mode=0o700)
    ca = _certificate(folder) if tls else None
    conf = folder / "slapd.conf"
    conf.write_text(_conf(folder, tls, town.service_password + "-admin"), encoding="utf-8")
    data = folder / "city.ldif"
    data.write_text(ldif(town), encoding="utf-8")
    subprocess.run(["/usr/sbin/slapadd", "-f", str(conf), "-l", str(data)], check=True, capture_output=True,
                   timeout=120)
    server = Slapd(f"ldap://127.0.0.1:{free_port()}", town, ca, conf, folder / "slapd.log")
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder / "db", ignore_errors=True)
