"""Plain frozen values passed between stages: Item → Document → ItemResult."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO, Protocol, overload

ARCHIVE_SEPARATOR = "!"


class Status(StrEnum):
    """What happened to one item; part of the public contract."""

    OK = "ok"
    EMPTY = "empty"
    ENCRYPTED = "encrypted"
    UNREADABLE = "unreadable"
    NEEDS_OCR = "needs_ocr"
    UNSUPPORTED = "unsupported"
    TOO_LARGE = "too_large"
    ERROR = "error"

    @property
    def inspected(self) -> bool:
        """True when the content was read, so "no personal data" is a real answer."""
        return self in (Status.OK, Status.EMPTY)


class ContentSource(Protocol):
    """Where an item's content is read from when it is neither in memory nor a file of its own
    (a file inside a disk image: ``evidence.disk_read.DiskAddress``)."""

    def open(self) -> BinaryIO: ...


@dataclass(frozen=True)
class Origin:
    """A file read out of a disk image: its entry number, whether it was deleted, its MAC times (epoch s).

    A deleted file's content is what is left in its clusters: it may be partly or wholly another
    file's by now, so its content is never taken as proof that it held no personal data.
    """

    inode: int
    deleted: bool
    mtime: float | None = None
    atime: float | None = None
    ctime: float | None = None
    crtime: float | None = None
    reused: bool = False
    """The entry of a deleted name was reused by another file: the content read is not this file's."""

    def contract(self) -> dict[str, object]:
        """The item's ``origin`` in JSONL: inode, deleted and the known times as ISO 8601 (UTC)."""
        out: dict[str, object] = {"inode": self.inode, "deleted": self.deleted}
        for key in ("mtime", "atime", "ctime", "crtime"):
            value = getattr(self, key)
            if value is not None:
                out[key] = datetime.fromtimestamp(value, UTC).isoformat().replace("+00:00", "Z")
        if self.reused:
            out["reused"] = True
        return out


#: People's roles (ItemResult.people_by_role): residents, the organisation's own staff, businesses.
ROLE_RESIDENT, ROLE_STAFF, ROLE_BUSINESS = "resident", "staff", "business"

@dataclass(frozen=True)
class Item:
    """One file as evidence: its bytes (in memory or on disk) and where it came from.

    ``path`` is the path as reached from what the user gave, with archive members joined
    by ``!`` (``outer.zip!dir/inner.zip!file.csv``). ``status``/``reason`` are set when
    the evidence stage already knows the item cannot be inspected (an encrypted member,
    a member over the size limits).
    """

    path: str
    size: int
    sha256: str
    mtime: float | None = None
    data: bytes | None = field(default=None, repr=False, compare=False)
    fs_path: Path | None = None
    depth: int = 0
    status: Status | None = None
    reason: str | None = None
    address: ContentSource | None = None
    """Set for a file inside a disk image: its content is read from the image when not in ``data``."""
    origin: Origin | None = None
    owner: str | None = None
    """The file's owner on the file system it was read from (a user name, else the numeric id)."""

    @property
    def name(self) -> str:
        """The file's own name, without folders or containers."""
        last = self.path.rsplit(ARCHIVE_SEPARATOR, 1)[-1]
        return last.replace("\\", "/").rsplit("/", 1)[-1]

    @property
    def suffix(self) -> str:
        """Lower-case extension with its dot (".csv"), or "" when there is none."""
        name = self.name
        dot = name.rfind(".")
        return name[dot:].lower() if dot > 0 else ""

    def open(self) -> BinaryIO:
        """A fresh binary stream positioned at the start of the content."""
        if self.data is not None:
            return io.BytesIO(self.data)
        if self.address is not None:
            return self.address.open()
        if self.fs_path is not None:
            return self.fs_path.open("rb")
        raise ValueError(f"item {self.path} has no content")

    def read_head(self, n: int = 8192) -> bytes:
        """The first *n* bytes, for sniffing."""
        if self.data is not None:
            return self.data[:n]
        with self.open() as stream:
            return stream.read(n)


@dataclass(frozen=True)
class Location:
    """Where inside a document something was found; 1-based numbers, None when not applicable."""

    sheet: str | None = None
    page: int | None = None
    row: int | None = None
    column: int | None = None
    line: int | None = None
    part: str | None = None

    def describe(self) -> str:
        """A short human form, e.g. ``sheet 名簿 row 12 col 3`` or ``page 2 line 5``."""
        bits: list[str] = []
        if self.part:
            bits.append(self.part)
        if self.sheet is not None:
            bits.append(f"sheet {self.sheet}")
        if self.page is not None:
            bits.append(f"page {self.page}")
        if self.row is not None:
            bits.append(f"row {self.row}")
        if self.column is not None:
            bits.append(f"col {self.column}")
        if self.line is not None:
            bits.append(f"line {self.line}")
        return " ".join(bits) or "document"


class Gap(StrEnum):
    """Why part of an item's content was not read. A problem carrying a gap makes the whole item
    ``too_large`` (LIMIT) or ``unreadable`` (UNREAD): what was not read cannot be called clean."""

    LIMIT = "limit"
    """A reader's limit stopped it (pages, characters, cells, nesting depth, members)."""
    UNREAD = "unread"
    """A part failed to load or had to be skipped (a damaged page, a malformed row)."""

    @property
    def status(self) -> Status:
        return Status.TOO_LARGE if self is Gap.LIMIT else Status.UNREADABLE


@dataclass(frozen=True)
class Problem:
    """Something that went wrong or was doubtful while handling an item; never fatal to a batch.

    ``gap`` is set when the problem means content was left unread (the typed signal the scan
    decides the item's status on); a problem without one is a note (a replaced character, a
    hidden sheet that was read).
    """

    code: str
    message: str
    location: Location | None = None
    gap: Gap | None = None


def gap_status(problems: Iterable[Problem]) -> Status | None:
    """The status *problems* force on an item: ``unreadable`` over ``too_large``; None when all was read."""
    gaps = {p.gap for p in problems if p.gap is not None}
    if not gaps:
        return None
    return Status.UNREADABLE if Gap.UNREAD in gaps else Status.TOO_LARGE


class CellColumn(Protocol):
    """One column of cells held column-wise (a list of str, a Polars string Series …)."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: Any) -> Any: ...


_ROW_CHUNK = 4096


class ColumnRows(Sequence[tuple[str, ...]]):
    """Rows of a table kept as columns (a big CSV read column-wise): a sequence of row tuples on demand.

    Indexing and iterating build tuples lazily (chunk by chunk), so code that reads ``table.rows``
    works unchanged while the detector reads whole columns through ``columns``/``column_values``.
    Missing cells (None) read as "".
    """

    def __init__(self, columns: Sequence[CellColumn], height: int | None = None) -> None:
        self.columns: tuple[CellColumn, ...] = tuple(columns)
        self.height = height if height is not None else max((len(c) for c in self.columns), default=0)

    def __len__(self) -> int:
        return self.height

    @overload
    def __getitem__(self, index: int) -> tuple[str, ...]: ...

    @overload
    def __getitem__(self, index: slice) -> ColumnRows: ...

    def __getitem__(self, index: int | slice) -> tuple[str, ...] | ColumnRows:
        if isinstance(index, slice):
            start, stop, step = index.indices(self.height)
            if step != 1:
                return ColumnRows([_to_list(c[start:stop])[::step] for c in self.columns])
            return ColumnRows([c[start:stop] for c in self.columns], max(0, stop - start))
        if index < 0:
            index += self.height
        if not 0 <= index < self.height:
            raise IndexError("row index out of range")
        return tuple(_cell(c[index]) for c in self.columns)

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        for start in range(0, self.height, _ROW_CHUNK):
            chunk = [_to_list(c[start : start + _ROW_CHUNK]) for c in self.columns]
            for row in zip(*chunk, strict=True):
                yield tuple(_cell(v) for v in row)

    def column_values(self, index: int) -> list[str]:
        """Every cell of one column as a list of str."""
        return [_cell(v) for v in _to_list(self.columns[index])]


def _to_list(column: Any) -> list[Any]:
    to_list = getattr(column, "to_list", None)
    return list(to_list()) if to_list is not None else list(column)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Table:
    """A grid of cell texts as it appears (title rows, blank rows and all); no header guessing here.

    ``rows`` is a tuple of row tuples, or a :class:`ColumnRows` when the table was read column-wise.
    """

    rows: Sequence[tuple[str, ...]]
    location: Location = Location()
    name: str | None = None

    @property
    def width(self) -> int:
        if isinstance(self.rows, ColumnRows):
            return len(self.rows.columns)
        return max((len(r) for r in self.rows), default=0)


@dataclass(frozen=True)
class TextBlock:
    """Running text (a paragraph, a page, a slide, a mail body) and where it came from."""

    text: str
    location: Location = Location()


@dataclass(frozen=True)
class Document:
    """What an extractor read from one item."""

    format: str
    tables: tuple[Table, ...] = ()
    blocks: tuple[TextBlock, ...] = ()
    encoding: str | None = None
    problems: tuple[Problem, ...] = ()
    attachments: tuple[Item, ...] = ()

    @property
    def is_empty(self) -> bool:
        """No text at all (and no attachments): the item is ``empty``."""
        has_text = any(b.text.strip() for b in self.blocks)
        has_cells = any(c.strip() for t in self.tables for r in t.rows for c in r)
        return not (has_text or has_cells or self.attachments)

    def all_text(self) -> str:
        """Every block and cell as one string (tests and simple detectors)."""
        parts = [b.text for b in self.blocks]
        parts.extend("\t".join(r) for t in self.tables for r in t.rows)
        return "\n".join(parts)


@dataclass(frozen=True)
class Sample:
    """A masked example of a finding and where it is, so a person can check it in seconds."""

    category: str
    masked: str
    location: Location


def modified_iso(mtime: float) -> str:
    """A modification time as ISO 8601 with the machine's UTC offset, to the second."""
    return datetime.fromtimestamp(mtime).astimezone().isoformat(timespec="seconds")


@dataclass(frozen=True)
class ItemResult:
    """The verdict on one item (a file, an archive member, an attachment).

    ``pii`` is None when the item could not be inspected: such an item is never "clean".
    ``partial`` is True when only part of the content was read and personal data was found in it
    (``pii`` True, status ``too_large``/``unreadable``).
    ``person_keys`` holds the identity keys (keyed hashes) of the people found in the item's
    own content, for counting distinct people across items; it is never written out.
    """

    path: str
    status: Status
    size: int
    sha256: str
    pii: bool | None
    categories: tuple[str, ...] = ()
    persons: int = 0
    special_care: bool = False
    reason: str | None = None
    format: str | None = None
    encoding: str | None = None
    container: bool = False
    confidence: tuple[tuple[str, float], ...] = ()
    samples: tuple[Sample, ...] = ()
    problems: tuple[Problem, ...] = ()
    #: A tuple of records, or a ``people.compact.KeyBlock`` (a big list's records as two flat arrays).
    person_keys: Sequence[tuple[bytes, ...]] = field(default=(), repr=False, compare=False)
    partial: bool = False
    origin: Origin | None = None
    """Set for a file read out of a disk image (inode, deleted, MAC times)."""
    ocr: bool = False
    """The text was read by OCR: findings are less certain (their confidence is lowered)."""

    #: Distinct people the item names in a role other than resident (``staff``, ``business``), by role.
    roles: tuple[tuple[str, int], ...] = ()
    #: The identity keys of those people, by role (never written out; for the scan's distinct staff).
    role_keys: tuple[tuple[str, tuple[tuple[bytes, ...], ...]], ...] = field(default=(), repr=False, compare=False)
    #: When the item was last modified (seconds since the epoch) and who owns it, where the source says.
    mtime: float | None = None
    owner: str | None = None

    def people_by_role(self) -> dict[str, int]:
        """Distinct people by role: ``staff`` (a city's own staff: titles, signatures, staff columns),
        ``business`` (a company's or an operator's representative), ``resident`` (everyone else)."""
        roles = dict(self.roles)
        staff, business = roles.get(ROLE_STAFF, 0), roles.get(ROLE_BUSINESS, 0)
        return {ROLE_RESIDENT: max(0, self.persons - staff - business), ROLE_STAFF: staff, ROLE_BUSINESS: business}

    def contract(self) -> dict[str, object]:
        """The public JSON form (DESIGN.md), plus the optional extras."""
        out: dict[str, object] = {
            "type": "item",
            "path": self.path,
            "status": self.status.value,
            "pii": self.pii,
            "categories": list(self.categories),
            "persons": self.persons,
            "special_care": self.special_care,
            "size": self.size,
            "sha256": self.sha256,
        }
        if self.persons:
            out["people_by_role"] = self.people_by_role()
        if self.reason:
            out["reason"] = self.reason
        if self.format:
            out["format"] = self.format
        if self.encoding:
            out["encoding"] = self.encoding
        if self.mtime is not None:
            out["mtime"] = modified_iso(self.mtime)
        if self.owner:
            out["owner"] = self.owner
        if self.container:
            out["container"] = True
        if self.partial:
            out["partial"] = True
        if self.confidence:
            out["confidence"] = dict(self.confidence)
        if self.samples:
            out["samples"] = [
                {"category": s.category, "value": s.masked, "location": s.location.describe()} for s in self.samples
            ]
        if self.problems:
            out["problems"] = [p.message for p in self.problems[:20]]
        if self.origin is not None:
            out["deleted"] = self.origin.deleted
            out["origin"] = self.origin.contract()
        if self.ocr:
            out["ocr"] = True
        return out


@dataclass(frozen=True)
class ScanSummary:
    """Totals over one scan; ``unique_persons`` counts each distinct person once across items."""

    items: int
    pii_items: int
    not_inspected: int
    unique_persons: int
    elapsed_s: float
    bytes: int = 0
    unique_staff: int = 0
    unique_business: int = 0

    @property
    def unique_residents(self) -> int:
        """Distinct people never named as staff or business (a member of staff named anywhere is staff)."""
        return max(0, self.unique_persons - self.unique_staff - self.unique_business)

    def contract(self) -> dict[str, object]:
        return {
            "type": "summary",
            "items": self.items,
            "pii_items": self.pii_items,
            "not_inspected": self.not_inspected,
            "unique_persons": self.unique_persons,
            "unique_residents": self.unique_residents,
            "unique_staff": self.unique_staff,
            "unique_business": self.unique_business,
            "elapsed_s": round(self.elapsed_s, 3),
        }
