"""notification_list.csv: names and addresses of the people in the leaked files, for letters of apology.

The only output of mamori that holds raw personal data, so it is written only when asked, with mode
0600 (atomically: a temporary file in the same folder, then a rename). The engine keeps only keyed
hashes, so the leaked evidence files are read again with the find engine's extractors and column
classifier, and each table of people gives its name (氏名, or 姓+名, else the reading) and address
columns (with the postal code when there is one).

Limits: only tables are read (people named only in running text, e.g. a letter or a manual, are not
listed; the per-file count of the CSV tells how many rows each file gave, to compare with the report's
persons); archives inside a leaked file are not opened; a person is the same person across files
when name and address are the same after normalisation (NFKC, variant kanji, address forms), so one
person written with and without an address appears twice, and two namesakes at one address once.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mamori.detect.columns import FAMILY_KANA, FAMILY_NAME, GIVEN_KANA, GIVEN_NAME, TableLayout, classify
from mamori.evidence.files import FileRef, load_file
from mamori.evidence.limits import Limits
from mamori.extract.registry import choose
from mamori.investigate.findings import LeakedFile
from mamori.models import ColumnRows, Document, Table
from mamori.people.address import canonical_address
from mamori.people.normalize import name_key, squash_spaces
from mamori.scan.columnar import read_columnar, wants_columnar

NAME = "notification_list.csv"
HEADER = ("氏名", "郵便番号", "住所", "掲載ファイル数", "掲載ファイル")
_NOT_A_PERSON = frozenset({"合計", "小計", "計", "総計", "以下余白", "総数", "累計", "平均"})


@dataclass(frozen=True)
class Contact:
    """One person row: name, postal code, address."""

    name: str
    postal: str
    address: str


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


def _column(table: Table, first: int, index: int) -> list[str]:
    rows = table.rows
    if isinstance(rows, ColumnRows):
        return [v.strip() for v in rows.column_values(index)[first:]]
    return [r[index].strip() if index < len(r) else "" for r in rows[first:]]


def _joined(table: Table, first: int, indexes: Sequence[int]) -> list[str]:
    columns = [_column(table, first, i) for i in indexes]
    return [squash_spaces(" ".join(p for p in parts if p)) for parts in zip(*columns, strict=True)]


def table_contacts(table: Table, layout: TableLayout) -> list[Contact]:
    """The name/postal/address of every person row of a classified table (none when it has no name column)."""
    if not layout.people:
        return []
    kinds = layout.kinds()
    name_cols = (kinds.get("name", [])[:1] or kinds.get(FAMILY_NAME, [])[:1] + kinds.get(GIVEN_NAME, [])[:1]
                 or kinds.get("name_kana", [])[:1] or kinds.get(FAMILY_KANA, [])[:1] + kinds.get(GIVEN_KANA, [])[:1])
    if not name_cols:
        return []
    first = layout.first_row
    names = _joined(table, first, name_cols)
    count = len(names)
    addresses = _joined(table, first, kinds["address"]) if "address" in kinds else [""] * count
    postals = _joined(table, first, kinds["postal_code"][:1]) if "postal_code" in kinds else [""] * count
    header = {h.strip() for h in table.rows[layout.header_row]} if layout.header_row is not None else set()
    return [Contact(n, p, a) for n, p, a in zip(names, postals, addresses, strict=True)
            if n and n not in _NOT_A_PERSON and n not in header]


def _document(path: Path, label: str) -> Document:
    item = load_file(FileRef(path, label), Limits())
    if item.status is not None:
        raise ValueError(item.reason or item.status.value)
    head = item.read_head()
    extractor = choose(item, head, generic=False) or choose(item, head, generic=True)
    if extractor is None:
        raise ValueError("not a format mamori reads")
    document = read_columnar(item) if wants_columnar(item, extractor.name) else None
    if document is None:
        with item.open() as stream:
            document = extractor.extract(stream, item)
    return document


def file_contacts(path: Path, label: str) -> list[Contact]:
    """Contacts of every table of people in the file at *path*; ValueError/MamoriError when unreadable."""
    return [c for table in _document(path, label).tables for c in table_contacts(table, classify(table))]


def _sources(leaked: Sequence[LeakedFile], roots: Mapping[str, Path]) -> Iterator[tuple[str, Path | None]]:
    seen: set[str] = set()
    for leak in leaked:
        key = leak.sha256 or leak.server_path
        if key in seen or not leak.evidence:
            continue
        seen.add(key)
        label = leak.evidence[0]
        source, _, rel = label.partition("/")
        root = roots.get(source)
        yield label, (root / rel if root is not None else None)


def collect(leaked: Sequence[LeakedFile], roots: Mapping[str, Path]) -> NotificationList:
    """Read each distinct leaked content once (its first evidence copy) and gather distinct people."""
    out = NotificationList()
    for label, path in _sources(leaked, roots):
        if path is None:
            out.skipped[label] = "its evidence source is not in the case file"
            continue
        try:
            contacts = file_contacts(path, label)
        except Exception as exc:  # noqa: BLE001 - one unreadable file must not stop the letters for the rest
            out.skipped[label] = f"{type(exc).__name__}: {exc}"
            continue
        if not contacts:
            out.skipped[label] = "no table with a name column"
        out.add(label, contacts)
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
