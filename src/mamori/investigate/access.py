"""Accesses → server file versions: URL paths mapped through ``web_root``, tied to the version live then.

Counting rule (DESIGN.md): a GET answered 200 or 206 with a body (bytes > 0). A request for a path
when no version lives there (before the upload, after the deletion) reaches no file and is not a
leak, whatever its status. The heavy join runs inside DuckDB; Python only sees distinct URL paths
and distinct (address, user agent) pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from mamori.investigate.attribution import Attributor
from mamori.investigate.history import Version, fits_mask
from mamori.investigate.store import CaseStore
from mamori.logs.names import masked_lengths
from mamori.logs.text import to_bytes
from mamori.logs.urls import map_to_server_path

COUNTED = "method = 'GET' AND status IN (200, 206) AND bytes > 0"


@dataclass(frozen=True)
class ClientAccess:
    """Counted requests from one address (and one attribution) to one version."""

    version_id: int
    ip: str
    kind: str
    crawler: str
    verified: bool
    note: str
    count: int
    first_us: int
    last_us: int


def segment_rows(versions: Sequence[Version], real_paths: Mapping[int, str]) -> list[tuple[int, int, str, str,
                                                                                           int | None, int | None]]:
    """(segment id, version id, path, mask, start µs, end µs) of every segment."""
    rows = []
    seg = 0
    for v in versions:
        for s in v.segments:
            seg += 1
            path = real_paths.get(v.id, s.path) if s.path == v.path and v.mask else s.path
            mask = v.mask if v.mask and ("?" in path or "_" in path) else ""
            rows.append((seg, v.id, path, mask, _us(s.start), _us(s.end)))
    return rows


def _us(value: object) -> int | None:
    from datetime import datetime

    return int(value.timestamp() * 1_000_000) if isinstance(value, datetime) else None


def map_paths(url_paths: Sequence[str], segments: Sequence[tuple[int, int, str, str, int | None, int | None]],
              web_root: str, url_prefix: str) -> list[tuple[str, int]]:
    """(URL path, segment id) for every segment a URL path may reach."""
    exact: dict[str, list[int]] = defaultdict(list)
    masked: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for seg, _version, path, mask, _start, _end in segments:
        if mask:
            masked[len(to_bytes(path))].append((seg, path, mask))
        else:
            exact[path].append(seg)
    out: list[tuple[str, int]] = []
    for url in url_paths:
        server = map_to_server_path(url, web_root, url_prefix)
        if server is None:
            continue
        out.extend((url, seg) for seg in exact.get(server, ()))
        if masked:
            for length in masked_lengths(server):
                out.extend((url, seg) for seg, path, mask in masked.get(length, ()) if fits_mask(path, server, mask))
    return sorted(set(out))


def attribute_accesses(store: CaseStore, versions: Sequence[Version], real_paths: Mapping[int, str],
                       attributor: Attributor, web_root: str, url_prefix: str = "/") -> list[ClientAccess]:
    """Counted accesses per version and client, attributed; deterministic order."""
    segments = segment_rows(versions, real_paths)
    urls = [r[0] for r in store.con.execute(f"SELECT DISTINCT path FROM access_unique WHERE {COUNTED}").fetchall()]
    pairs = map_paths(urls, segments, web_root, url_prefix)
    if not pairs:
        return []
    seg_cols: dict[str, list[Any]] = {name: [row[i] for row in segments] for i, name in
                                      enumerate(("seg", "version_id", "path", "mask", "start_us", "end_us"))}
    seg_schema = {"seg": pl.Int64, "version_id": pl.Int64, "path": pl.Utf8, "mask": pl.Utf8,
                  "start_us": pl.Int64, "end_us": pl.Int64}
    map_cols: dict[str, list[Any]] = {"url": [p[0] for p in pairs], "seg": [p[1] for p in pairs]}
    con = store.con
    map_schema = {"url": pl.Utf8, "seg": pl.Int64}
    with store.frame(seg_cols, seg_schema) as seg_file, store.frame(map_cols, map_schema) as map_file:
        con.execute("CREATE OR REPLACE TEMP TABLE segs AS SELECT * FROM read_parquet(?)", [seg_file])
        con.execute("CREATE OR REPLACE TEMP TABLE pmap AS SELECT * FROM read_parquet(?)", [map_file])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE hits AS
        SELECT s.version_id, a.ip, a.user_agent, count(*) AS n, min(a.t_us) AS first_us, max(a.t_us) AS last_us
        FROM access_unique a JOIN pmap m ON a.path = m.url JOIN segs s ON s.seg = m.seg
        WHERE {COUNTED.replace('method', 'a.method').replace('status', 'a.status').replace('bytes', 'a.bytes')}
          AND (s.start_us IS NULL OR a.t_us >= s.start_us) AND (s.end_us IS NULL OR a.t_us < s.end_us)
        GROUP BY ALL""")
    rows = con.execute("SELECT version_id, ip, user_agent, n, first_us, last_us FROM hits").fetchall()
    merged: dict[tuple[int, str, str, str, bool, str], list[int]] = {}
    for version_id, ip, agent, n, first, last in rows:
        a = attributor.classify(ip, agent or "")
        key = (int(version_id), ip, a.kind, a.crawler, a.verified, a.note)
        acc = merged.setdefault(key, [0, first, last])
        acc[0] += int(n)
        acc[1], acc[2] = min(acc[1], first), max(acc[2], last)
    con.execute("DROP TABLE IF EXISTS hits")
    return sorted((ClientAccess(*key, *vals) for key, vals in merged.items()),
                  key=lambda c: (c.version_id, c.first_us, c.ip, c.kind, c.crawler))
