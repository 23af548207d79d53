"""Who made a request: owner, verified crawler, unverified crawler, or outsider (spoofed crawlers too)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mamori.investigate.attribution import Attributor, load_crawler_data, load_reverse_dns

GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
MJ12 = "Mozilla/5.0 (compatible; MJ12bot/v1.4.5; http://www.majestic12.co.uk/bot.php?+)"
BING = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
IE = "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko"
AHREFS = "Mozilla/5.0 (compatible; AhrefsBot/5.0; +http://ahrefs.com/robot/)"


@pytest.mark.parametrize(("ip", "agent", "kind", "crawler", "verified"), [
    ("198.51.100.7", GOOGLEBOT, "owner", "", False),  # the owner's address wins whatever it claims
    ("66.249.66.1", GOOGLEBOT, "crawler", "Googlebot", True),
    ("126.205.3.77", GOOGLEBOT, "external", "Googlebot", False),  # spoofed from a subscriber line
    ("157.55.39.12", BING, "crawler", "Bingbot", True),
    ("136.243.16.105", MJ12, "crawler", "MJ12bot", False),  # publishes no ranges: unverified
    ("126.205.3.77", IE, "external", "", False),
    ("126.205.3.77", "curl/7.38.0", "external", "", False),  # a person with a tool
    ("126.205.3.77", "Wget/1.15 (linux-gnu)", "external", "", False),
    ("203.0.113.9", AHREFS, "crawler", "AhrefsBot", False),
    ("2001:4860:4801:10::1", GOOGLEBOT, "crawler", "Googlebot", True),
    ("not-an-ip", GOOGLEBOT, "external", "Googlebot", False),
])
def test_classify(ip: str, agent: str, kind: str, crawler: str, verified: bool) -> None:
    a = Attributor(["198.51.100.7"]).classify(ip, agent)
    assert (a.kind, a.crawler, a.verified) == (kind, crawler, verified)


def test_reverse_dns_records(tmp_path: Path) -> None:
    rdns = tmp_path / "rdns.csv"
    rdns.write_text("ip,host\n203.0.113.9,fsn-bot-1.ahrefs.com.\n203.0.113.10,pool-1.example.net\n", encoding="utf-8")
    records = load_reverse_dns(rdns)
    attributor = Attributor([], reverse_dns=records)
    assert attributor.classify("203.0.113.9", AHREFS).verified
    spoof = attributor.classify("203.0.113.10", AHREFS)
    assert spoof.kind == "external" and "reverse DNS" in spoof.note


def test_shipped_data_is_dated() -> None:
    data = load_crawler_data()
    assert data.as_of and {"Googlebot", "Bingbot", "Applebot", "DuckDuckBot", "YandexBot", "Baiduspider",
                           "MJ12bot"} <= {c.name for c in data.crawlers}
