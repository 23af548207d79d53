"""The case store's typed API: what the reports (and anyone outside the engine) may read from it.

Reports never run SQL against the store's tables; they call these methods and get frozen, keyword-only
records. The findings (with every per-client access and the run's record) are kept as one named,
versioned record (``mamori.investigate.records``), so the reports can be written again from the
store alone. Contacts (names and addresses, for the notification list) are raw personal data: they are
collected only when the notification list is asked for and live only in the owner-only store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from mamori.errors import CaseError
from mamori.investigate.access import Attributed, ClientAccess, HourCount
from mamori.investigate.findings import Findings
from mamori.investigate.records import columns_of, current, decode, field_names, from_rows, payload
from mamori.investigate.store import CaseStore, key_records
from mamori.people.dedupe import DistinctPeople

FINDINGS_STAGE = "findings"


@dataclass(frozen=True, kw_only=True)
class LogFile:
    """One imported log file as the store recorded it."""

    kind: str  # "server" | "access"
    path: str
    size: int | None
    sha256: str | None
    format: str
    lines: int
    events: int
    bad: int


@dataclass(frozen=True, kw_only=True)
class EvidenceHash:
    """One evidence file, with its hash when the engine computed it."""

    label: str
    size: int | None
    sha256: str | None


@dataclass(frozen=True, kw_only=True)
class Contact:
    """One person row of a leaked file: name, postal code, address (raw: for letters of apology)."""

    name: str
    postal: str
    address: str


@dataclass(frozen=True, kw_only=True)
class FileContacts:
    """The contacts one leaked content gave, or why it gave none."""

    sha256: str
    label: str
    contacts: tuple[Contact, ...]
    problem: str | None = None


class CaseRecords:
    """Typed reads (and the engine's few typed writes) over one case store."""

    def __init__(self, store: CaseStore) -> None:
        self.store = store

    @classmethod
    def open(cls, out_dir: str | Path) -> CaseRecords:
        """The store in *out_dir*, read-only; CaseError (saying what to do) when there is none."""
        return cls(CaseStore(out_dir, read_only=True))

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> CaseRecords:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- findings -------------------------------------------------------------------------------
    def save_findings(self, findings: Findings) -> None:
        """Keep *findings* (accesses and run record included) as the store's findings record."""
        self.store.save_stage(FINDINGS_STAGE, "", payload(findings=findings))

    def findings(self) -> Findings:
        """The findings of the last run (with every per-address access); CaseError when there are none."""
        saved = self.store.stage(FINDINGS_STAGE)
        if saved is None or not current(saved[1]):
            raise CaseError(f"the case store in {self.store.directory} holds no findings of this mamori version; "
                            "run `mamori investigate` into it again")
        attributed = self.attributed()
        return replace(decode(Findings, saved[1]["findings"]), accesses=attributed.accesses,
                       hourly=attributed.hourly)

    # --- per-address accesses: named tables (hundreds of thousands of rows do not belong in a JSON record) ----
    def save_attributed(self, attributed: Attributed) -> None:
        """Replace the per-address and per-hour access counts, in one transaction."""
        with self.store.transaction() as con:
            for table, cls, rows in (("client_accesses", ClientAccess, attributed.accesses),
                                     ("hour_counts", HourCount, attributed.hourly)):
                con.execute(f"DELETE FROM {table}")
                columns, schema = columns_of(cls, rows)
                self.store.append(table, columns, schema)

    def attributed(self) -> Attributed:
        """The per-address and per-hour access counts of the last access stage, in a fixed order."""
        out = []
        for table, cls, order in (("client_accesses", ClientAccess, "version_id, first_us, ip, kind, crawler"),
                                  ("hour_counts", HourCount, "version_id, kind, hour_us")):
            names = field_names(cls)
            rows = self.store.con.execute(f"SELECT {', '.join(names)} FROM {table} ORDER BY {order}").fetchall()
            out.append(tuple(from_rows(cls, names, rows)))
        return Attributed(accesses=out[0], hourly=out[1])  # type: ignore[arg-type]

    # --- facts beside the findings --------------------------------------------------------------
    def log_files(self) -> tuple[LogFile, ...]:
        """Every imported log file, server logs first."""
        rows = self.store.con.execute("SELECT kind, path, size, sha256, format, lines, events, bad FROM sources "
                                      "ORDER BY kind DESC, path").fetchall()
        return tuple(LogFile(kind=k, path=p, size=s, sha256=h, format=f or "", lines=int(n or 0),
                             events=int(e or 0), bad=int(b or 0)) for k, p, s, h, f, n, e, b in rows)

    def request_count(self) -> int:
        """Every request line the access logs gave (counted or not; a line an overlapping copy repeats, once)."""
        row = self.store.con.execute("SELECT count(*) FROM access_unique").fetchone()
        return int(row[0]) if row else 0

    def evidence_hashes(self, labels: Iterable[str]) -> tuple[EvidenceHash, ...]:
        """The evidence files named by *labels* (``source/rel/path``), sorted, hashes where known."""
        wanted = sorted(set(labels))
        known = {f"{ev}/{rel}": (size, sha) for ev, rel, size, sha in self.store.con.execute(
            "SELECT evidence, rel_path, size, sha256 FROM evidence_files WHERE list_contains(?, evidence || '/' || "
            "rel_path)", [wanted]).fetchall()}
        return tuple(EvidenceHash(label=label, size=known.get(label, (None, None))[0],
                                  sha256=known.get(label, (None, None))[1]) for label in wanted)

    def distinct_persons(self, shas: Iterable[str]) -> int:
        """Distinct people across the contents *shas*, as the engine counts them (identity keys)."""
        wanted = sorted(set(shas))
        if not wanted:
            return 0
        people = DistinctPeople()
        people.add_all(key_records(self.store.con, wanted))
        return people.count

    # --- contacts (raw personal data; only when the notification list is asked for) --------------
    def contact_shas(self) -> set[str]:
        """Contents whose contacts are already collected."""
        return {r[0] for r in self.store.con.execute("SELECT sha256 FROM contact_files").fetchall()}

    def save_contacts(self, files: Sequence[FileContacts]) -> None:
        """Record the contacts of each content (replacing earlier ones), in one transaction."""
        if not files:
            return
        cols: dict[str, list[object]] = {"sha256": [], "row": [], "name": [], "postal": [], "address": []}
        for f in files:
            for i, c in enumerate(f.contacts):
                for key, value in zip(cols, (f.sha256, i, c.name, c.postal, c.address), strict=True):
                    cols[key].append(value)
        shas = [f.sha256 for f in files]
        with self.store.transaction() as con:
            con.execute("DELETE FROM contacts WHERE list_contains(?, sha256)", [shas])
            con.execute("DELETE FROM contact_files WHERE list_contains(?, sha256)", [shas])
            self.store.append("contacts", cols, {"sha256": pl.Utf8, "row": pl.Int64, "name": pl.Utf8,
                                                 "postal": pl.Utf8, "address": pl.Utf8})
            for f in files:
                con.execute("INSERT INTO contact_files VALUES (?, ?, ?)", [f.sha256, f.label, f.problem])

    def contacts(self, shas: Iterable[str]) -> tuple[FileContacts, ...]:
        """The collected contacts of the contents *shas* (those collected), in sha order."""
        wanted = sorted(set(shas))
        files = self.store.con.execute("SELECT sha256, label, problem FROM contact_files "
                                       "WHERE list_contains(?, sha256) ORDER BY sha256", [wanted]).fetchall()
        rows = self.store.con.execute("SELECT sha256, name, postal, address FROM contacts "
                                      "WHERE list_contains(?, sha256) ORDER BY sha256, row", [wanted]).fetchall()
        by_sha: dict[str, list[Contact]] = {}
        for sha, name, postal, address in rows:
            by_sha.setdefault(sha, []).append(Contact(name=name, postal=postal or "", address=address or ""))
        return tuple(FileContacts(sha256=sha, label=label, contacts=tuple(by_sha.get(sha, ())), problem=problem)
                     for sha, label, problem in files)
