"""The network (AS number and organisation) behind an address, from an offline, dated data set.

The seed's outside accesses came through a mobile carrier and a cable-TV operator: naming the network
tells the case team whom to ask for the subscriber. No lookup goes to the network at run time. The data
set used, in order:

1. the case's ``[attribution] asn_database``: a MaxMind-format ASN database (``.mmdb``, needs maxminddb) or
   an IP-to-ASN table (``.tsv``/``.tsv.gz``, iptoasn.com's public-domain format: first address, last address,
   AS number, country, AS description);
2. the table ``mamori data update`` installed (the same TSV format, with the date it was fetched);
3. the table geoip2fast ships (GeoLite2 ASN, CC BY-SA 4.0: organisation and network, no AS number);
4. none: the reports say that providers are not named.
"""

from __future__ import annotations

import bisect
import gzip
import ipaddress
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from mamori.errors import ConfigError

TABLE_NAME = "ip2asn-combined.tsv.gz"
META_NAME = "ip2asn.json"


@dataclass(frozen=True, kw_only=True)
class Network:
    """The network an address belongs to."""

    asn: int | None
    organisation: str
    network: str = ""

    def label(self) -> str:
        """``AS2516 KDDI CORPORATION`` (or ``KDDI CORPORATION (182.248.0.0/14)`` without an AS number)."""
        if self.asn is not None:
            return f"AS{self.asn} {self.organisation}".strip()
        return f"{self.organisation} ({self.network})" if self.network else self.organisation


class ProviderData(Protocol):
    """A data set that names the network of an address."""

    source: str
    as_of: str

    def lookup(self, ip: str) -> Network | None: ...


def data_dir() -> Path:
    """Where downloaded data sets live (``$MAMORI_DATA_DIR``, else ``$XDG_DATA_HOME/mamori``, else ~/.local/share)."""
    explicit = os.environ.get("MAMORI_DATA_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "mamori"


class Ip2AsnTable:
    """An IP-to-ASN table: sorted ranges, looked up by bisection (IPv4 and IPv6 kept apart)."""

    def __init__(self, path: Path, *, source: str = "", as_of: str = "") -> None:
        self.source = source or path.name
        self.as_of = as_of
        starts: dict[int, list[int]] = {4: [], 6: []}
        rows: dict[int, list[tuple[int, int, str]]] = {4: [], 6: []}
        try:
            with path.open("rb") as head:
                packed = head.read(2) == b"\x1f\x8b"  # gzip by content, whatever the name
            opener = gzip.open if packed else open
            with opener(path, "rt", encoding="utf-8", errors="replace") as stream:
                for line in stream:
                    parsed = parse_row(line)
                    if parsed is None:
                        continue
                    first, last, asn, name = parsed
                    if asn == 0:
                        continue  # "Not routed"
                    starts[first.version].append(int(first))
                    rows[first.version].append((int(last), asn, name))
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise ConfigError(f"IP-to-ASN table {path} is not readable: {exc}; run `mamori data update`") from exc
        if not rows[4] and not rows[6]:
            raise ConfigError(f"IP-to-ASN table {path} holds no ranges (expected iptoasn.com's TSV format)")
        self._starts = starts
        self._rows = rows
        for v in (4, 6):
            if any(a > b for a, b in zip(starts[v], starts[v][1:], strict=False)):
                order = sorted(range(len(starts[v])), key=starts[v].__getitem__)
                self._starts[v] = [starts[v][i] for i in order]
                self._rows[v] = [rows[v][i] for i in order]

    @property
    def ranges(self) -> int:
        return len(self._rows[4]) + len(self._rows[6])

    def lookup(self, ip: str) -> Network | None:
        try:
            address = ipaddress.ip_address(ip.strip())
        except ValueError:
            return None
        value = int(address)
        starts = self._starts[address.version]
        i = bisect.bisect_right(starts, value) - 1
        if i < 0:
            return None
        last, asn, name = self._rows[address.version][i]
        if value > last:
            return None
        return Network(asn=asn, organisation=name,
                       network=f"{ipaddress.ip_address(starts[i])}-{ipaddress.ip_address(last)}")


def parse_row(line: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address,
                                  ipaddress.IPv4Address | ipaddress.IPv6Address, int, str] | None:
    """One TSV row (first, last, AS number, country, description), or None when it is not one."""
    parts = line.rstrip("\r\n").split("\t")
    if len(parts) < 5:
        return None
    try:
        first, last = ipaddress.ip_address(parts[0]), ipaddress.ip_address(parts[1])
        asn = int(parts[2])
    except ValueError:
        return None
    if first.version != last.version or int(first) > int(last) or asn < 0:
        return None
    return first, last, asn, parts[4].strip()


class MaxMindAsn:
    """A MaxMind-format ASN database (GeoLite2-ASN.mmdb and the like; needs the maxminddb package)."""

    def __init__(self, path: Path) -> None:
        try:
            import maxminddb
        except ImportError as exc:
            raise ConfigError("the case names an ASN database; install the maxminddb package to read it") from exc
        try:
            self._reader = maxminddb.open_database(str(path))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"ASN database {path} is not readable: {exc}") from exc
        from datetime import UTC, datetime

        epoch = getattr(self._reader.metadata(), "build_epoch", None)
        self.source = path.name
        self.as_of = datetime.fromtimestamp(epoch, UTC).date().isoformat() if epoch else "?"

    def lookup(self, ip: str) -> Network | None:
        try:
            record = self._reader.get(ip)
        except ValueError:
            return None
        if not isinstance(record, dict):
            return None
        number, name = record.get("autonomous_system_number"), record.get("autonomous_system_organization")
        if number is None and name is None:
            return None
        return Network(asn=int(number) if isinstance(number, int) else None, organisation=str(name or ""))


class ShippedGeoIP2Fast:
    """The GeoLite2 ASN table the geoip2fast package ships (organisation and network, IPv4 only)."""

    def __init__(self) -> None:
        try:
            import geoip2fast  # type: ignore[import-untyped]
            from geoip2fast import GeoIP2Fast
        except ImportError as exc:
            raise ConfigError("the geoip2fast package is not installed") from exc
        path = Path(geoip2fast.__file__).parent / "geoip2fast-asn.dat.gz"
        if not path.is_file():
            raise ConfigError(f"geoip2fast ships no ASN table at {path}")
        self._g = GeoIP2Fast(geoip2fast_data_file=str(path))
        info = str(self._g.get_database_info().get("source_info", ""))
        self.source = f"geoip2fast {info}".strip()
        stamp = info.rsplit("-", 1)[-1]
        self.as_of = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}" if stamp.isdigit() and len(stamp) == 8 else "?"

    def lookup(self, ip: str) -> Network | None:
        try:
            found = self._g.lookup(ip.strip())
        except Exception:  # noqa: BLE001 - the library raises its own error types for bad addresses
            return None
        name = str(getattr(found, "asn_name", "") or "")
        if not name or getattr(found, "is_private", False) or name == "IANA.ORG":
            return None
        return Network(asn=None, organisation=name, network=str(getattr(found, "asn_cidr", "") or ""))


def installed_table(folder: Path | None = None) -> Ip2AsnTable | None:
    """The table ``mamori data update`` installed, or None."""
    base = (folder or data_dir()) / "asn"
    path = base / TABLE_NAME
    if not path.is_file():
        return None
    try:
        meta = json.loads((base / META_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    return Ip2AsnTable(path, source=str(meta.get("source", TABLE_NAME)), as_of=str(meta.get("as_of", "?")))


def load_provider_data(case_database: Path | None = None, *, shipped: bool = True) -> ProviderData | None:
    """The first data set available (see the module docstring); None when there is none."""
    if case_database is not None:
        if case_database.suffix == ".mmdb":
            return MaxMindAsn(case_database)
        return Ip2AsnTable(case_database)
    table = installed_table()
    if table is not None:
        return table
    if shipped:
        try:
            return ShippedGeoIP2Fast()
        except ConfigError:
            return None
    return None


def names(data: ProviderData, ips: Iterable[str]) -> dict[str, str]:
    """{address: provider label} for the addresses the data set knows."""
    out = {}
    for ip in ips:
        found = data.lookup(ip)
        if found is not None:
            out[ip] = found.label()
    return out
