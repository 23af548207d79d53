"""The case file (``CASE.toml``): what evidence, which server logs, how URLs map to server files.

::

    [case]
    name = "..."
    log_timezone = "Asia/Tokyo"      # optional: zone of log times that carry none
    ocr = true                       # optional: read scanned evidence with Tesseract (default true)
    [[evidence]]                     # one per recovered source; paths relative to the case file
    name = "work_pc"
    path = "evidence/work_pc"
    [[server_log]]                   # vsftpd | xferlog | proftpd | pureftpd | csv (+ mapping = {...})
    format = "vsftpd"
    path = "server/vsftpd.log*"
    timezone = "UTC"                 # optional per log (vsftpd logs in UTC unless use_localtime=YES)
    [[access_log]]
    format = "combined"              # combined | common | apache | nginx (+ mapping = { log_format = '…' })
    path = "server/access_log*"
    [server]
    web_root = "/home/user/public_html"
    url_prefix = "/"                 # optional
    owner_ips = ["198.51.100.7"]     # optional: added to the addresses that logged in to FTP
    [attribution]                    # optional
    reverse_dns = "server/rdns.csv"  # "ip,hostname" lines checked by the case team (forward-confirmed)
    asn_database = "GeoLite2-ASN.mmdb"
    crawler_ranges = "ranges.json"   # replaces the shipped crawler address ranges
    [cluster]                        # optional: inspect the evidence on a Dask cluster (docs: deployment)
    address = "tcp://scheduler:8786" # or "local:4"; the evidence paths must be the same on every worker
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mamori.errors import ConfigError
from mamori.i18n import said
from mamori.logs.driver import DEFAULT_TIMEZONE, resolve_timezone
from mamori.scan.cluster_address import check_address

SERVER_FORMATS = ("vsftpd", "xferlog", "proftpd", "pureftpd", "csv", "auto")
ACCESS_FORMATS = ("combined", "common", "apache", "nginx", "auto")
#: Formats whose options come in the ``mapping`` table (csv: column names; apache/nginx: ``log_format``).
MAPPED_FORMATS = ("csv", "apache", "nginx")
# Any Unicode letters and digits (職員PC, 可搬HDD): the name is a label, never a path; "/" and "!" are
# excluded because findings join it to the file's path with them, "." alone or ".." would read as a folder.
_NAME = re.compile(r"^(?!\.{1,2}$)[\w.-]+$")


@dataclass(frozen=True)
class EvidenceSource:
    """One recovered source (a PC, a disk): its name in reports and its folder."""

    name: str
    path: Path


@dataclass(frozen=True)
class LogSource:
    """One ``[[server_log]]`` or ``[[access_log]]`` entry: a format, a path or glob, options."""

    format: str
    path: str
    timezone: str
    mapping: Mapping[str, Any] = field(default_factory=dict)
    year: int | None = None


@dataclass(frozen=True)
class Case:
    """A parsed, checked case file."""

    name: str
    case_path: Path
    evidence: tuple[EvidenceSource, ...]
    server_logs: tuple[LogSource, ...]
    access_logs: tuple[LogSource, ...]
    web_root: str
    url_prefix: str = "/"
    owner_ips: tuple[str, ...] = ()
    log_timezone: str = DEFAULT_TIMEZONE
    reverse_dns: Path | None = None
    asn_database: Path | None = None
    crawler_ranges: Path | None = None
    ocr: bool = True
    cluster: str | None = None
    """``[cluster] address``: where the evidence is inspected (``scan.cluster``); None: on this machine."""


def load_case(path: str | Path, log_timezone: str | None = None) -> Case:
    """Read and check *path*; ConfigError saying what is wrong and where. *log_timezone* overrides
    ``[case] log_timezone`` (a log's own ``timezone`` still wins)."""
    case_path = Path(path).resolve()
    try:
        data = tomllib.loads(case_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(said("case_file.not_found", path=str(case_path))) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(said("case_file.unreadable", path=str(case_path), error=str(exc))) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(said("case_file.not_toml", name=case_path.name, error=str(exc))) from exc
    return parse_case(data, case_path, log_timezone)


def parse_case(data: Mapping[str, Any], case_path: Path, log_timezone: str | None = None) -> Case:
    """A Case from already-parsed TOML; relative paths are taken from *case_path*'s folder."""
    base = case_path.parent
    case = _table(data, "case")
    name = _text(case, "name", "[case]", default=case_path.stem)
    tz = log_timezone or _text(case, "log_timezone", "[case]", default=DEFAULT_TIMEZONE)
    resolve_timezone(tz)
    evidence = tuple(_evidence(e, i, base) for i, e in enumerate(_array(data, "evidence")))
    names = [e.name for e in evidence]
    if len(set(names)) != len(names):
        raise ConfigError(said("case_file.names_not_unique", names=", ".join(names)))
    server_logs = tuple(_log(e, f"server_log #{i + 1}", base, tz, SERVER_FORMATS)
                        for i, e in enumerate(_array(data, "server_log")))
    access_logs = tuple(_log(e, f"access_log #{i + 1}", base, tz, ACCESS_FORMATS)
                        for i, e in enumerate(_array(data, "access_log")))
    server = _table(data, "server")
    web_root = _text(server, "web_root", "[server]")
    if not web_root.startswith("/"):
        raise ConfigError(said("case_file.web_root", value=repr(web_root)))
    owner_ips = tuple(_ip(v, "[server] owner_ips") for v in _list(server, "owner_ips", "[server]"))
    attribution = _table(data, "attribution")
    ocr = case.get("ocr", True)
    if not isinstance(ocr, bool):
        raise ConfigError(said("case_file.ocr"))
    return Case(
        name=name, case_path=case_path, evidence=evidence, server_logs=server_logs, access_logs=access_logs,
        web_root=web_root.rstrip("/") or "/", url_prefix=_text(server, "url_prefix", "[server]", default="/"),
        owner_ips=owner_ips, log_timezone=tz,
        reverse_dns=_file(attribution, "reverse_dns", base), asn_database=_file(attribution, "asn_database", base),
        crawler_ranges=_file(attribution, "crawler_ranges", base), ocr=ocr, cluster=_cluster(data),
    )


def _cluster(data: Mapping[str, Any]) -> str | None:
    table = _table(data, "cluster")
    if not table:
        return None
    return check_address(_text(table, "address", "[cluster]"))


def _evidence(entry: Any, index: int, base: Path) -> EvidenceSource:
    where = f"evidence #{index + 1}"
    if not isinstance(entry, Mapping):
        raise ConfigError(said("case_file.evidence_table", where=where))
    name = _text(entry, "name", where)
    if not _NAME.match(name):
        raise ConfigError(said("case_file.evidence_name", name=name))
    path = (base / _text(entry, "path", f"evidence '{name}'")).resolve()
    if not path.exists():
        raise ConfigError(said("case_file.evidence_missing", name=name, path=str(path)))
    return EvidenceSource(name, path)


def _log(entry: Any, where: str, base: Path, tz: str, formats: tuple[str, ...]) -> LogSource:
    if not isinstance(entry, Mapping):
        raise ConfigError(said("case_file.log_table", where=where))
    fmt = _text(entry, "format", where, default="auto")
    if fmt not in formats:
        raise ConfigError(said("case_file.unknown_format", where=where, value=repr(fmt), formats=", ".join(formats)))
    spec = _text(entry, "path", where)
    mapping = entry.get("mapping", {})
    if not isinstance(mapping, Mapping):
        raise ConfigError(said("case_file.mapping_table", where=where))
    if fmt == "csv" and not mapping:
        raise ConfigError(said("case_file.csv_mapping", where=where))
    if fmt in ("apache", "nginx"):
        from mamori.logs.registry import make_format

        # compiled now, so a wrong format string is a ConfigError before anything is imported
        make_format(fmt, mapping=dict(mapping))
    own_tz = _text(entry, "timezone", where, default=tz)
    resolve_timezone(own_tz)
    year = entry.get("year")
    if year is not None and not isinstance(year, int):
        raise ConfigError(said("case_file.year", where=where))
    full = spec if Path(spec).is_absolute() else str(base / spec)
    return LogSource(fmt, full, own_tz, dict(mapping), year)


def _table(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(said("case_file.table", key=key))
    return value


def _array(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ConfigError(said("case_file.array", key=key))
    return value


def _text(table: Mapping[str, Any], key: str, where: str, *, default: str | None = None) -> str:
    value = table.get(key, default)
    if value is None:
        raise ConfigError(said("case_file.missing", where=where, key=key))
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(said("case_file.not_text", where=where, key=key))
    return value


def _list(table: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = table.get(key, [])
    if not isinstance(value, list):
        raise ConfigError(said("case_file.not_list", where=where, key=key))
    return value


def _ip(value: Any, where: str) -> str:
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        raise ConfigError(said("case_file.not_ip", where=where, value=repr(value))) from None


def _file(table: Mapping[str, Any], key: str, base: Path) -> Path | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(said("case_file.not_path", key=key))
    path = (base / value).resolve()
    if not path.is_file():
        raise ConfigError(said("case_file.no_file", key=key, path=str(path)))
    return path
