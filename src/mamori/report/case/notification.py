"""notification_list.csv: names and addresses of the people in the leaked files, for letters of apology.

The only output of mamori that holds raw personal data, so it is written only when asked, with mode
0600 (atomically: a temporary file in the same folder, then a rename). The contacts are collected by
the engine (``mamori.investigate.contacts``, when investigate is run with the notification list) and
kept in the owner-only case store; this module reads them through the store's typed API and only
de-duplicates and writes.

A person is the same person across files when name and address are the same after normalisation (NFKC,
variant kanji, address forms), so one person written with and without an address appears twice, and two
namesakes at one address once. The per-file count tells how many rows each file gave, to compare with
the report's persons.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mamori.investigate.case_records import CaseRecords, Contact
from mamori.investigate.findings import LeakedFile
from mamori.normalize.address import canonical_address
from mamori.normalize.text import name_key

NAME = "notification_list.csv"
HEADER = ("氏名", "郵便番号", "住所", "掲載ファイル数", "掲載ファイル")


@dataclass
class NotificationList:
    """Distinct people and, per leaked file, how many rows it gave or why it gave none."""

    people: dict[tuple[str, str], tuple[Contact, list[str]]] = field(default_factory=dict)
    rows_per_file: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    def add(self, file: str, contacts: Sequence[Contact]) -> None:
        self.rows_per_file[file] = len(contacts)
        for c in contacts:
            key = (name_key(c.name), canonical_address(c.address) if c.address else "")
            known = self.people.get(key)
            if known is None:
                self.people[key] = (c, [file])
            elif file not in known[1]:
                known[1].append(file)


def from_store(records: CaseRecords, leaked: Sequence[LeakedFile]) -> NotificationList | None:
    """The list from the contacts the engine collected; None when they were not collected for every file."""
    shas = {f.sha256 for f in leaked if f.sha256 and f.evidence}
    collected = records.contacts(shas)
    if {f.sha256 for f in collected} != shas:
        return None
    out = NotificationList()
    for f in collected:
        if f.problem is not None:
            out.skipped[f.label] = f.problem
        out.add(f.label, f.contacts)
    return out


def _cell(value: str) -> str:
    # a leaked cell could be a formula; Excel must show it as text
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_notification_list(people: NotificationList, path: Path) -> Path:
    """Write the list as CSV (UTF-8 with BOM for Excel), readable by its owner only."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as stream:
            os.fchmod(stream.fileno(), 0o600)  # whatever the umask
            writer = csv.writer(stream)
            writer.writerow(HEADER)
            for contact, files in sorted(people.people.values(), key=lambda v: (v[0].address, v[0].name)):
                writer.writerow((_cell(contact.name), _cell(contact.postal), _cell(contact.address), len(files),
                                 _cell(" | ".join(files))))
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return path
