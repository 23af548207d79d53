"""Requests that two files of one log set both hold are counted once.

A snapshot copied off the server repeats lines of the rotated file beside it (``access_log.1`` and
``access_log.bak``); counting both would count a fetch twice. Within ONE file identical lines are kept:
two requests for the same file from the same address in the same second are two requests. So the
overlap is taken as multisets: a request line that file A holds twice and file B three times counts
three times (each file's k-th copy of a line is the same request as another file's k-th copy).

The duplicates are listed in ``access_dupes`` (source, line), recomputed from the stored events after
every import, and the view ``access_unique`` is the events without them; nothing is deleted, so a file
leaving the case brings back the other files' lines.
"""

from __future__ import annotations

from typing import Any

#: The fields that make two access lines the same request.
_SAME = "s.spec, a.t_us, a.ip, a.method, a.path, a.status, a.bytes, a.user_agent, a.referer"


def mark_overlaps(con: Any) -> int:
    """Recompute ``access_dupes`` and the ``access_unique`` view; returns how many lines are duplicates."""
    con.execute("CREATE TABLE IF NOT EXISTS access_dupes (source_id INTEGER, line BIGINT)")
    con.execute("DELETE FROM access_dupes")
    con.execute(f"""
        INSERT INTO access_dupes
        SELECT source_id, line FROM (
            SELECT a.source_id, a.line,
                   row_number() OVER (PARTITION BY {_SAME}, k ORDER BY a.source_id) AS copy
            FROM (SELECT *, row_number() OVER (PARTITION BY source_id, t_us, ip, method, path, status, bytes,
                                                           user_agent, referer ORDER BY line) AS k
                  FROM access_events) a
            JOIN sources s ON s.id = a.source_id
        ) WHERE copy > 1""")
    con.execute("""
        CREATE OR REPLACE VIEW access_unique AS
        SELECT a.* FROM access_events a ANTI JOIN access_dupes d ON a.source_id = d.source_id AND a.line = d.line""")
    row = con.execute("SELECT count(*) FROM access_dupes").fetchone()
    return int(row[0]) if row else 0
