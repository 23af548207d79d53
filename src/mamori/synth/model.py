"""The values synth produces: residents, documents to render, and their ground truth."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Resident:
    """One synthetic person, with everything a municipal file may hold about them."""

    id: int
    family_name: str
    given_name: str
    family_kana: str  # full-width katakana reading
    given_kana: str
    gender: str  # "男" | "女"
    birth_date: date
    postal_code: str  # "590-0078"
    prefecture: str
    city: str
    town: str
    block: str  # "1丁目2番3号" / "1-2-3" as first written
    building: str  # "" or "サンハイツ201号室"
    phone: str
    mobile: str
    email: str
    my_number: str  # 12 digits, valid check digit

    @property
    def full_name(self) -> str:
        return f"{self.family_name}　{self.given_name}"

    @property
    def address(self) -> str:
        return f"{self.prefecture}{self.city}{self.town}{self.block}{self.building}"


@dataclass(frozen=True)
class Truth:
    """What a correct scan must say about a document."""

    person_ids: frozenset[int] = frozenset()
    categories: frozenset[str] = frozenset()
    special_care: bool = False

    @property
    def pii(self) -> bool:
        return bool(self.person_ids)


@dataclass(frozen=True)
class SynthDoc:
    """A document's content, independent of file format.

    A table-shaped document has ``header`` (or none: a headerless list) and ``rows``, with
    optional ``title_rows`` above the header (as municipal Excel sheets have). A prose document
    has ``paragraphs``. Both may be present (a letter with a table). Renderers turn it into bytes.
    """

    title: str
    kind: str  # "roster", "letter", "minutes", "facility_list", "population", ...
    header: tuple[str, ...] | None = None
    rows: tuple[tuple[str, ...], ...] = ()
    title_rows: tuple[str, ...] = ()
    paragraphs: tuple[str, ...] = ()
    truth: Truth = field(default_factory=Truth)
    sheet_name: str = "Sheet1"

    def table_rows(self) -> list[tuple[str, ...]]:
        """Title rows, header and data rows as they would appear in a grid."""
        width = max([len(self.header or ())] + [len(r) for r in self.rows] + [1])
        out: list[tuple[str, ...]] = [(t,) + ("",) * (width - 1) for t in self.title_rows]
        if self.header:
            out.append(self.header)
        out.extend(self.rows)
        return out
