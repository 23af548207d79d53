"""Contacts of the people in the leaked files (name, postal code, address), for the notification list.

Collected by the engine, once per leaked content, only when the notification list is asked for, and kept
in the owner-only case store (``CaseRecords.save_contacts``); the report writer reads them from there and
never extracts or classifies anything itself. Each table of people gives its name (氏名, or 姓+名, else the
reading) and address columns (with the postal code when there is one).

Limits: only tables are read (people named only in running text are not listed); archives inside a leaked
file are not opened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from mamori.detect.columns import FAMILY_KANA, FAMILY_NAME, GIVEN_KANA, GIVEN_NAME, TableLayout, classify
from mamori.evidence.files import FileRef, load_file
from mamori.evidence.limits import Limits
from mamori.extract.registry import choose
from mamori.investigate.case_records import CaseRecords, Contact, FileContacts
from mamori.investigate.findings import LeakedFile
from mamori.models import ColumnRows, Document, Table
from mamori.normalize.text import squash_spaces
from mamori.scan.columnar import read_columnar, wants_columnar

_NOT_A_PERSON = frozenset({"合計", "小計", "計", "総計", "以下余白", "総数", "累計", "平均"})


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
    return [Contact(name=n, postal=p, address=a) for n, p, a in zip(names, postals, addresses, strict=True)
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


def read_file_contacts(sha: str, label: str, roots: Mapping[str, Path]) -> FileContacts:
    """The contacts of one content read from its evidence copy *label*; a problem instead of an exception."""
    source, _, rel = label.partition("/")
    root = roots.get(source)
    if root is None:
        return FileContacts(sha256=sha, label=label, contacts=(), problem="its evidence source is not in the case file")
    try:
        found = tuple(file_contacts(root / rel, label))
    except Exception as exc:  # noqa: BLE001 - one unreadable file must not stop the letters for the rest
        return FileContacts(sha256=sha, label=label, contacts=(), problem=f"{type(exc).__name__}: {exc}")
    return FileContacts(sha256=sha, label=label, contacts=found,
                        problem=None if found else "no table with a name column")


def collect_contacts(records: CaseRecords, leaked: Iterable[LeakedFile], roots: Mapping[str, Path],
                     on_item: Callable[[str], None] | None = None) -> int:
    """Read each leaked content not collected yet (its first evidence copy) into the store; how many were read."""
    done = records.contact_shas()
    todo: dict[str, str] = {}
    for leak in leaked:
        if leak.sha256 and leak.evidence and leak.sha256 not in done:
            todo.setdefault(leak.sha256, leak.evidence[0])
    found = []
    for sha, label in sorted(todo.items()):
        if on_item:
            on_item(label)
        found.append(read_file_contacts(sha, label, roots))
    records.save_contacts(found)
    return len(found)
