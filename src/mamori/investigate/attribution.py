"""Who made a request: the owner, a verified crawler, a crawler that cannot be verified, or an outsider.

A user agent may claim anything, so a crawler is *verified* only when its address is in the ranges
the crawler publishes (shipped, dated, in ``data/crawler_ranges.json``) or a reverse-DNS record the
case team checked names the crawler's domain. A claimed Googlebot from a subscriber line is an
outsider. A crawler that publishes no ranges (MJ12bot and other backlink crawlers) is counted as a
crawler and flagged unverified. Generic HTTP tools (curl, wget, scripts, site copiers) are operated
by someone: their requests are external, even though crawler lists name them.
"""

from __future__ import annotations

import csv
import ipaddress
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from mamori.errors import ConfigError

OWNER, CRAWLER, EXTERNAL = "owner", "crawler", "external"

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_TOOLS = re.compile(r"curl|wget|python|java/|go-http-client|libwww|okhttp|httpclient|axios|node-fetch|"
                    r"powershell|aria2|httrack|offline explorer|webcopier|teleport|scrapy|lwp::", re.IGNORECASE)


@dataclass(frozen=True)
class CrawlerSpec:
    """A crawler: user-agent tokens (lower case), published networks, reverse-DNS domains."""

    name: str
    ua_tokens: tuple[str, ...]
    networks: tuple[IPNetwork, ...]
    domains: tuple[str, ...]


@dataclass(frozen=True)
class CrawlerData:
    """The crawler list and the date it describes."""

    as_of: str
    crawlers: tuple[CrawlerSpec, ...]


@dataclass(frozen=True)
class Attribution:
    """The verdict on one (address, user agent): kind, the crawler claimed, verified or not, why."""

    kind: str
    crawler: str = ""
    verified: bool = False
    note: str = ""


def load_crawler_data(path: Path | None = None) -> CrawlerData:
    """The shipped crawler ranges, or the file at *path* in the same shape."""
    try:
        text = path.read_text(encoding="utf-8") if path else (
            resources.files("mamori.investigate").joinpath("data/crawler_ranges.json").read_text(encoding="utf-8"))
        data = json.loads(text)
        specs = tuple(
            CrawlerSpec(c["name"], tuple(t.lower() for t in c["ua"]),
                        tuple(ipaddress.ip_network(n, strict=False) for n in c.get("networks", ())),
                        tuple(d.lower().strip(".") for d in c.get("domains", ())))
            for c in data["crawlers"])
        return CrawlerData(str(data.get("as_of", "")), specs)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"crawler range file {path or 'crawler_ranges.json'} is not usable: {exc}") from exc


def load_reverse_dns(path: Path | None) -> dict[str, str]:
    """``ip,hostname`` lines (a header line is allowed) → {normalised ip: host name}."""
    if path is None:
        return {}
    out: dict[str, str] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            for row in csv.reader(stream):
                if len(row) < 2:
                    continue
                try:
                    ip = str(ipaddress.ip_address(row[0].strip()))
                except ValueError:
                    continue  # header or comment
                out[ip] = row[1].strip().lower().rstrip(".")
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"reverse DNS file {path} is not readable: {exc}") from exc
    return out


class Attributor:
    """Classifies (address, user agent) pairs for one case."""

    def __init__(self, owner_ips: Iterable[str], data: CrawlerData | None = None,
                 reverse_dns: Mapping[str, str] | None = None) -> None:
        self.owner = {_norm(ip) for ip in owner_ips}
        self.data = data or load_crawler_data()
        self.rdns = dict(reverse_dns or {})
        self._detector: Any = None
        self._cache: dict[tuple[str, str], Attribution] = {}
        # what a user agent claims does not depend on the address: thousands of addresses share a few agents
        self._agents: dict[str, tuple[CrawlerSpec | None, str | None]] = {}

    def classify(self, ip: str, user_agent: str) -> Attribution:
        """The attribution of one request's address and user agent."""
        key = (ip, user_agent)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._classify(ip, user_agent)
        return found

    def _classify(self, ip: str, user_agent: str) -> Attribution:
        address = _norm(ip)
        if address in self.owner:
            return Attribution(OWNER)
        claims = self._agents.get(user_agent)
        if claims is None:
            spec = self._claimed(user_agent)
            claims = self._agents[user_agent] = (spec, self._generic_crawler(user_agent) if spec is None else None)
        spec, name = claims
        if spec is None:
            if name is None:
                return Attribution(EXTERNAL)
            return self._verify(CrawlerSpec(name, (), (), ()), address)
        return self._verify(spec, address)

    def _verify(self, spec: CrawlerSpec, address: str) -> Attribution:
        host = self.rdns.get(address)
        if host is not None and spec.domains:
            if any(host == d or host.endswith("." + d) for d in spec.domains):
                return Attribution(CRAWLER, spec.name, True, f"reverse DNS {host}")
            return Attribution(EXTERNAL, spec.name, False, f"claims {spec.name} but reverse DNS is {host}")
        if spec.networks:
            if _in_networks(address, spec.networks):
                return Attribution(CRAWLER, spec.name, True, "address in published ranges")
            return Attribution(EXTERNAL, spec.name, False,
                               f"claims {spec.name} from outside its published ranges (as of {self.data.as_of})")
        return Attribution(CRAWLER, spec.name, False, f"{spec.name} publishes no address ranges; not verifiable")

    def _claimed(self, user_agent: str) -> CrawlerSpec | None:
        lower = user_agent.lower()
        for spec in self.data.crawlers:
            if any(token in lower for token in spec.ua_tokens):
                return spec
        return None

    def _generic_crawler(self, user_agent: str) -> str | None:
        if not user_agent or _TOOLS.search(user_agent):
            return None
        if self._detector is None:
            from crawlerdetect import CrawlerDetect

            self._detector = CrawlerDetect()
        if self._detector.isCrawler(user_agent):
            return str(self._detector.getMatches() or "crawler")
        return None


def _norm(ip: str) -> str:
    try:
        return str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        return ip.strip()


@lru_cache(maxsize=65536)
def _address(ip: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(ip)
    except ValueError:
        return None


def _in_networks(ip: str, networks: tuple[IPNetwork, ...]) -> bool:
    address = _address(ip)
    return address is not None and any(address.version == n.version and address in n for n in networks)
