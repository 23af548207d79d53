"""``mamori data update``: fetch the current IP-to-ASN table, check it, install it with its date.

The table (iptoasn.com's ``ip2asn-combined.tsv.gz``, public domain, rebuilt hourly from the routing
tables) is downloaded to a temporary file beside the installed one, read back in full (a truncated or
foreign file is refused and the installed table kept), then moved into place with a small JSON record of
where it came from and the date it describes (the server's Last-Modified, else the download day).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from mamori.errors import ConfigError
from mamori.investigate.providers import META_NAME, TABLE_NAME, Ip2AsnTable, data_dir

DEFAULT_URL = "https://iptoasn.com/data/ip2asn-combined.tsv.gz"
MAX_BYTES = 256 << 20  # the real table is about 8 MB; anything far bigger is not it
TIMEOUT_S = 120


@dataclass(frozen=True, kw_only=True)
class Installed:
    """What ``update_table`` installed."""

    path: Path
    source: str
    as_of: str
    ranges: int
    size: int


def _as_of(last_modified: str | None) -> str:
    if last_modified:
        try:
            return parsedate_to_datetime(last_modified).astimezone(UTC).date().isoformat()
        except (TypeError, ValueError):
            pass
    return datetime.now(UTC).date().isoformat()


def update_table(url: str = DEFAULT_URL, folder: Path | None = None) -> Installed:
    """Download the table at *url* into *folder* (default: the data folder's ``asn/``); ConfigError on failure."""
    target_dir = (folder or data_dir()) / "asn"
    target_dir.mkdir(parents=True, exist_ok=True)
    temp = target_dir / f".{TABLE_NAME}.{os.getpid()}.part"
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "mamori data update"})
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response, temp.open("wb") as out:
            size = 0
            while block := response.read(1 << 20):
                size += len(block)
                if size > MAX_BYTES:
                    raise ConfigError(f"{url} sent more than {MAX_BYTES >> 20} MiB: not an IP-to-ASN table")
                out.write(block)
            as_of = _as_of(response.headers.get("Last-Modified"))
        table = Ip2AsnTable(temp, source=url, as_of=as_of)
        meta = {"source": url, "as_of": as_of, "ranges": table.ranges,
                "downloaded_at": datetime.now(UTC).isoformat(timespec="seconds")}
        os.replace(temp, target_dir / TABLE_NAME)
        (target_dir / META_NAME).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        return Installed(path=target_dir / TABLE_NAME, source=url, as_of=as_of, ranges=table.ranges, size=size)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ConfigError(f"cannot update the IP-to-ASN table from {url}: {exc}. The installed table (if any) "
                          "is kept; try again when online, or give --url") from exc
    finally:
        temp.unlink(missing_ok=True)
