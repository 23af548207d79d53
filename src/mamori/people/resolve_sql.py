"""Distinct people among records spilled to Parquet files, counted by DuckDB (the rule of ``resolve``).

The files hold one row per (record id, key). DuckDB groups the keys, splits keys whose records
disagree on a conflict kind (and NAME keys between keyed records, as ``resolve`` does), and finds
connected components by label propagation; it runs within a memory limit and spills to its own
temporary directory, so ten million rows do not need RAM.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from mamori.errors import MamoriError
from mamori.people.keys import CONFLICT_KINDS, KeyKind

_NB, _NA, _MN = (int(k) for k in CONFLICT_KINDS)
_NAME = int(KeyKind.NAME)
_MAX_ROUNDS = 10_000

_LOAD = "CREATE TEMP TABLE e AS SELECT DISTINCT rid, key, kind FROM read_parquet($files)"
_PREPARE = f"""
CREATE TEMP TABLE shared AS SELECT key FROM e GROUP BY key HAVING count(*) > 1;
CREATE TEMP TABLE attrs AS
  SELECT rid, min(key) FILTER (WHERE kind = {_NB}) AS nb, min(key) FILTER (WHERE kind = {_NA}) AS na,
         min(key) FILTER (WHERE kind = {_MN}) AS mn
  FROM e WHERE rid IN (SELECT rid FROM e SEMI JOIN shared USING (key)) GROUP BY rid;
CREATE TEMP TABLE ge AS SELECT e.key, e.rid, e.kind, a.nb, a.na, a.mn,
    (a.nb IS NOT NULL OR a.na IS NOT NULL OR a.mn IS NOT NULL) AS keyed
  FROM e SEMI JOIN shared USING (key) JOIN attrs a USING (rid);
CREATE TEMP TABLE gs AS
  SELECT key, bool_and(kind <> {_NAME}) AND count(DISTINCT nb) > 1 AS anb,
         bool_and(kind <> {_NAME}) AND count(DISTINCT na) > 1 AS ana,
         bool_and(kind <> {_NAME}) AND count(DISTINCT mn) > 1 AS amn,
         bool_and(kind = {_NAME}) AND count(*) FILTER (WHERE keyed) > 1 AS akeyed,
         min(rid) FILTER (WHERE keyed) AS kanchor
  FROM ge GROUP BY key;
CREATE TEMP TABLE flagged AS
  SELECT ge.*, gs.anb, gs.ana, gs.amn, gs.akeyed, gs.kanchor,
         (gs.anb AND ge.nb IS NULL) OR (gs.ana AND ge.na IS NULL) OR (gs.amn AND ge.mn IS NULL) AS partial
  FROM ge JOIN gs USING (key);
CREATE TEMP TABLE anchor AS
  SELECT f.key, a.nb, a.na, a.mn
  FROM (SELECT key, min(rid) FILTER (WHERE NOT partial) AS arid FROM flagged GROUP BY key) f
  JOIN attrs a ON a.rid = f.arid;
CREATE TEMP TABLE edges AS
  SELECT f.rid, dense_rank() OVER (ORDER BY f.key,
           CASE WHEN f.anb THEN (CASE WHEN f.partial AND an.key IS NOT NULL THEN an.nb ELSE f.nb END) END,
           CASE WHEN f.ana THEN (CASE WHEN f.partial AND an.key IS NOT NULL THEN an.na ELSE f.na END) END,
           CASE WHEN f.amn THEN (CASE WHEN f.partial AND an.key IS NOT NULL THEN an.mn ELSE f.mn END) END,
           -- a NAME key never joins two keyed records: each keeps its own group, the rest join the lowest
           CASE WHEN f.akeyed THEN (CASE WHEN f.keyed THEN f.rid ELSE f.kanchor END) END
         ) AS gid
  FROM flagged f LEFT JOIN anchor an USING (key);
CREATE TEMP TABLE lbl AS SELECT DISTINCT rid, rid AS l FROM edges;
"""
_ROUND = """
CREATE OR REPLACE TEMP TABLE gl AS SELECT gid, min(l) AS m FROM edges JOIN lbl USING (rid) GROUP BY gid;
CREATE OR REPLACE TEMP TABLE nl AS SELECT rid, min(m) AS l FROM edges JOIN gl USING (gid) GROUP BY rid;
"""


def count_people_sql(files: Sequence[Path], work_dir: Path, memory_limit: str = "512MB") -> int:
    """Distinct people among the records in *files* (columns ``rid``, ``key``, ``kind``)."""
    if not files:
        return 0
    try:
        con = duckdb.connect(config={"memory_limit": memory_limit, "temp_directory": str(work_dir),
                                     "preserve_insertion_order": False})
    except duckdb.Error as exc:
        raise MamoriError(f"could not start DuckDB to count people: {exc}") from exc
    try:
        con.execute(_LOAD, {"files": [str(f) for f in files]})
        con.execute(_PREPARE)
        for _ in range(_MAX_ROUNDS):
            con.execute(_ROUND)
            changed = _scalar(con, "SELECT count(*) FROM nl JOIN lbl USING (rid) WHERE nl.l < lbl.l")
            con.execute("CREATE OR REPLACE TEMP TABLE lbl AS SELECT * FROM nl")
            if not changed:
                break
        records = _scalar(con, "SELECT count(DISTINCT rid) FROM e")
        linked = _scalar(con, "SELECT count(*) FROM lbl")
        components = _scalar(con, "SELECT count(DISTINCT l) FROM lbl")
        return records - linked + components
    except duckdb.Error as exc:
        raise MamoriError(f"DuckDB failed while counting people: {exc}") from exc
    finally:
        con.close()


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0
