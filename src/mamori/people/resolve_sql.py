"""Distinct people among records spilled to Parquet files, counted by DuckDB (the rule of ``resolve``).

The files hold one row per (record id, key). DuckDB groups the keys, splits keys whose records
disagree on a conflict kind, leaves the NAME keys that hold a name-only record to
``resolve.name_groups`` (the same rule as in memory) and finds connected components by label
propagation; it runs within a memory limit and spills to its own temporary directory, so ten
million rows do not need RAM.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import duckdb
import polars as pl

from mamori.errors import MamoriError
from mamori.people.keys import ATTRIBUTE_KINDS, CONFLICT_KINDS, KeyKind
from mamori.people.resolve import name_groups

_NB, _NA, _MN = (int(k) for k in CONFLICT_KINDS)
_NAME = int(KeyKind.NAME)
_ATTRIBUTES = ", ".join(str(int(k)) for k in ATTRIBUTE_KINDS)
_MAX_ROUNDS = 10_000

_LOAD = "CREATE TEMP TABLE e AS SELECT DISTINCT rid, key, kind FROM read_parquet($files)"
_PREPARE = f"""
CREATE TEMP TABLE shared AS SELECT key FROM e WHERE kind NOT IN ({_ATTRIBUTES}) GROUP BY key HAVING count(*) > 1;
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
         bool_and(kind = {_NAME}) AS aname
  FROM ge GROUP BY key;
CREATE TEMP TABLE flagged AS
  SELECT ge.*, gs.anb, gs.ana, gs.amn,
         (gs.anb AND ge.nb IS NULL) OR (gs.ana AND ge.na IS NULL) OR (gs.amn AND ge.mn IS NULL) AS partial
  FROM ge JOIN gs USING (key) WHERE NOT gs.aname;
CREATE TEMP TABLE anchor AS
  SELECT f.key, a.nb, a.na, a.mn
  FROM (SELECT key, min(rid) FILTER (WHERE NOT partial) AS arid FROM flagged GROUP BY key) f
  JOIN attrs a ON a.rid = f.arid;
CREATE TEMP TABLE edges AS
  SELECT f.rid, dense_rank() OVER (ORDER BY f.key,
           CASE WHEN f.anb THEN (CASE WHEN f.partial AND an.key IS NOT NULL THEN an.nb ELSE f.nb END) END,
           CASE WHEN f.ana THEN (CASE WHEN f.partial AND an.key IS NOT NULL THEN an.na ELSE f.na END) END,
           CASE WHEN f.amn THEN (CASE WHEN f.partial AND an.key IS NOT NULL THEN an.mn ELSE f.mn END) END
         ) AS gid
  FROM flagged f LEFT JOIN anchor an USING (key);
-- NAME keys that hold a record without a conflict kind: resolved in Python (resolve.name_groups)
CREATE TEMP TABLE named AS
  SELECT g.key, g.rid, g.keyed FROM ge g SEMI JOIN (SELECT key FROM ge WHERE kind = {_NAME} AND NOT keyed) l USING (key)
  WHERE g.kind = {_NAME};
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
        _add_name_edges(con, work_dir)
        con.execute("CREATE TEMP TABLE lbl AS SELECT DISTINCT rid, rid AS l FROM edges")
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


def _add_name_edges(con: duckdb.DuckDBPyConnection, work_dir: Path) -> None:
    """Edges of the NAME keys that hold a name-only record, grouped by ``resolve.name_groups``.

    Only those keys' records (few: name-only mentions and their keyed namesakes) come to Python.
    """
    rows = con.execute(f"""
        SELECT n.key, n.rid, n.keyed, list(e.key ORDER BY e.key) FILTER (WHERE e.key IS NOT NULL)
        FROM named n LEFT JOIN e ON e.rid = n.rid AND e.kind IN ({_ATTRIBUTES})
        GROUP BY n.key, n.rid, n.keyed ORDER BY n.key, n.rid""").fetchall()
    next_gid = _scalar(con, "SELECT coalesce(max(gid), 0) + 1 FROM edges")
    rids: list[int] = []
    gids: list[int] = []
    for _, members in groupby(rows, key=itemgetter(0)):
        group = list(members)
        for joined in name_groups([r[1] for r in group], [bool(r[2]) for r in group], [r[3] or [] for r in group]):
            if len(joined) > 1:
                rids.extend(joined)
                gids.extend([next_gid] * len(joined))
                next_gid += 1
    if rids:
        path = work_dir / "name-edges.parquet"
        pl.DataFrame({"rid": rids, "gid": gids}, schema={"rid": pl.UInt64, "gid": pl.Int64}).write_parquet(path)
        con.execute("INSERT INTO edges SELECT rid, gid FROM read_parquet($path)", {"path": str(path)})
        path.unlink()


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0
