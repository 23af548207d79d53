"""A classified table of people → its categories (with samples) and one identity record per row.

Small tables go row by row (``KeyMaker.keys``); big ones column by column (``people.frame``), which
gives the very same keys. Either way only the rows that are people count: a row needs a name when the
table has a name column (subtotal and repeated header rows are skipped), else an identifying value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Polars (and people.frame) only for big tables: a scan of small files never loads them
    import polars as pl

    from mamori.people.frame import Hashed

from mamori.detect.columns import FAMILY_KANA, FAMILY_NAME, GIVEN_KANA, GIVEN_NAME, TableLayout
from mamori.detect.email_address import EmailAddress, is_email
from mamori.detect.names.cell import ROLE_PATTERN, strip_role
from mamori.detect.organisations import is_organisation
from mamori.detect.phone import PhoneJp
from mamori.detect.postal_code import is_valid_postal_code
from mamori.detect.row_dates import row_date_column
from mamori.models import ColumnRows, Location, Table
from mamori.normalize.age import years_for
from mamori.normalize.text import nfkc
from mamori.normalize.wareki import parse_cell_date
from mamori.people.keys import TRAITS, KeyMaker, PersonFields
from mamori.people.traits import row_traits

#: The role prefix of trait columns: ``people.frame.TRAIT_ROLE`` (a test keeps them equal), named here so that
#: small tables need not import the column-wise keying.
TRAIT_ROLE = "trait:"
#: Tables with at least this many body rows are keyed column by column.
VECTOR_ROWS = 2000
#: Rows keyed at a time in a big table: slices keep memory flat, and one is normalised while the one
#: before is hashed. A part of a split file is keyed without that overlap, in fewer, bigger slices
#: (each slice costs a fixed ~0.05 s of planning and per-kind passes).
CHUNK_ROWS = 1 << 17
PART_CHUNK_ROWS = 1 << 19
_NOT_A_PERSON = frozenset({"合計", "小計", "計", "総計", "以下余白", "総数", "累計", "平均"})
_PART_OF = {FAMILY_NAME: "name", GIVEN_NAME: "name", FAMILY_KANA: "name_kana", GIVEN_KANA: "name_kana"}
_IDENTIFYING_ROLES = ("birth", "address", "phone", "email", "my_number")
#: Name columns about someone other than the row's person (the household head, a guardian).
_RELATION_WORDS = ("世帯主", "保護者", "代理人", "配偶者", "親権者", "扶養", "担当", "申請者", "届出人")
#: Person rows whose free-text cells (備考) and address cells are read for what they hold besides.
CELL_SCAN_ROWS = 2000
_POSTAL_PREFIX = re.compile(r"^〒?\s*(\d{3}-\d{4})")
_EMAIL = EmailAddress()
_FREE_TEXT = (PhoneJp(), _EMAIL)
#: A note in words (不在時は長女（090-…）へ連絡), not a bare number in a column of its own; an e-mail address
#: alone in a cell is one in any column (a column too sparse to be classified).
_WORDS = re.compile(r"[\u3041-\u30ff\u4e00-\u9fff]")

CategoryCallback = Callable[[str, float, str, Location], None]


@dataclass(frozen=True)
class TablePeople:
    """Identity records of the table's people (one per person row)."""

    records: list[tuple[bytes, ...]]
    hashed: tuple[Hashed, ...] = ()  # a part's slices, kind by kind: its links are built from these


def _column_header(table: Table, layout: TableLayout, index: int) -> str:
    if layout.header_row is None:
        return ""
    top = layout.header_row - layout.header_rows + 1
    return "".join(r[index] for r in table.rows[top : layout.header_row + 1] if index < len(r))


def _relational(table: Table, layout: TableLayout, index: int) -> bool:
    return any(w in _column_header(table, layout, index) for w in _RELATION_WORDS)


def _own_name_first(table: Table, layout: TableLayout, columns: list[int]) -> list[int]:
    """Name columns with the row's own name first: 氏名 before 世帯主氏名 or 保護者氏名."""
    return sorted(columns, key=lambda i: _relational(table, layout, i))


def _roles(table: Table, layout: TableLayout) -> dict[str, list[int]]:
    kinds = layout.kinds()
    if len(kinds.get("name", [])) > 1:
        kinds["name"] = _own_name_first(table, layout, kinds["name"])
    if kinds.get("name") and FAMILY_NAME in kinds and _relational(table, layout, kinds["name"][0]):
        del kinds["name"]  # 世帯主氏名 | 氏 | 名: the row's own name is the split one
    roles: dict[str, list[int]] = {}
    name = kinds.get("name", [])[:1] or kinds.get(FAMILY_NAME, [])[:1] + kinds.get(GIVEN_NAME, [])[:1]
    kana = kinds.get("name_kana", [])[:1] or kinds.get(FAMILY_KANA, [])[:1] + kinds.get(GIVEN_KANA, [])[:1]
    for role, cols in (("name", name), ("kana", kana), ("birth", kinds.get("birth_date", [])[:1]),
                       ("address", kinds.get("address", [])), ("phone", kinds.get("phone", [])[:1]),
                       ("email", kinds.get("email", [])[:1]), ("my_number", kinds.get("my_number", [])[:1])):
        if cols:
            roles[role] = cols
    if (name or kana) and kinds.get("age") and not kinds.get("birth_date"):
        # An age tells namesakes apart only with the day it held: the row's own date (申込日).
        on = row_date_column({c.index: _column_header(table, layout, c.index) for c in layout.columns if not c.kind})
        if on is not None:
            roles["age"], roles["on"] = kinds["age"][:1], [on]
    if name or kana:
        # What tells two rows of this list with the same name apart (45 and 72 years old). An age on a
        # dated row is a birth year already: 45 in 2014 and 46 in 2015 may well be one person.
        dated = "on" in roles
        roles.update({TRAIT_ROLE + t: kinds[t][:1] for t in TRAITS if kinds.get(t) and not (t == "age" and dated)})
    return roles


def _listed_in(table: Table, scope: str) -> str:
    """The list a table is, the same for every part of a split file (no row numbers)."""
    where = table.location
    return f"{scope}|{table.name or where.sheet or ''}|{where.page or ''}|{where.part or ''}|{where.line or ''}"


def _column(table: Table, first: int, index: int) -> list[str]:
    rows = table.rows
    if isinstance(rows, ColumnRows):
        return rows.column_values(index)[first:]
    return [r[index].strip() if index < len(r) else "" for r in rows[first:]]


def _joined(columns: list[list[str]]) -> list[str]:
    if len(columns) == 1:
        return columns[0]
    return [" ".join(p for p in parts if p) for parts in zip(*columns, strict=True)]


def _person_rows(values: dict[str, list[str]], header_texts: set[str]) -> list[int]:
    """Indexes of body rows that are people."""
    if "name" in values or "kana" in values:
        names = values["name"] if "name" in values else values["kana"]
        kana = values.get("kana")
        return [i for i, n in enumerate(names)
                if (n or (kana and kana[i])) and n not in _NOT_A_PERSON and n not in header_texts
                and not (n and is_organisation(n))]  # a body among people (申込者: 株式会社…) is no person
    ids = [values[r] for r in _IDENTIFYING_ROLES if r in values]
    return [i for i in range(len(ids[0]) if ids else 0) if any(col[i] for col in ids)]


def _header_texts(table: Table, layout: TableLayout) -> set[str]:
    header = table.rows[layout.header_row] if layout.header_row is not None else ()
    return {h.strip() for h in header if h.strip()} | _NOT_A_PERSON


def table_people(table: Table, layout: TableLayout, keymaker: KeyMaker, scope: str,
                 on_category: CategoryCallback, whole: bool = True) -> TablePeople:
    """Categories (through *on_category*) and identity records of a table of people.

    *whole*: False when the table is one part of a file every worker keys a part of at once. Then no
    core is free to normalise beside the hashing, and repeated rows are left to the merge, which
    drops repeats across all the parts anyway (``links.resolve_parts``).
    """
    if not layout.people:
        return TablePeople([])
    if len(table.rows) - layout.first_row >= VECTOR_ROWS:
        return _big_table(table, layout, keymaker, scope, on_category, whole)
    first = layout.first_row
    roles = _roles(table, layout)
    cache: dict[int, list[str]] = {}

    def col(i: int) -> list[str]:
        if i not in cache:
            cache[i] = _column(table, first, i)
        return cache[i]

    values = {role: _joined([col(i) for i in cols]) for role, cols in roles.items()}
    if "name" in values:
        values["name"] = [strip_role(v) for v in values["name"]]  # 会長　近藤正男: the person is 近藤正男
    people = _person_rows(values, _header_texts(table, layout))
    if not people:
        return TablePeople([])
    for c in layout.columns:
        if c.kind:
            column = col(c.index)
            found = next((i for i in people if column[i]), None)
            if found is not None:
                _report(table, layout, c.index, c.kind, c.confidence, found, column[found], on_category)
    _cells_besides(table, layout, people[:CELL_SCAN_ROWS], col, on_category)
    picked = {role: [vals[i] for i in people] for role, vals in values.items()}
    records = []
    listed_in = _listed_in(table, scope)
    traits = [t for t in TRAITS if TRAIT_ROLE + t in picked]
    for i in range(len(people)):
        fields = PersonFields(
            name=picked["name"][i] if "name" in picked else "",
            kana=picked["kana"][i] if "kana" in picked else "",
            birth_date=parse_cell_date(picked["birth"][i]) if "birth" in picked else None,
            address=picked["address"][i] if "address" in picked else "",
            phone=picked["phone"][i] if "phone" in picked else "",
            email=picked["email"][i] if "email" in picked else "",
            my_number=picked["my_number"][i] if "my_number" in picked else "",
            birth_years=years_for(picked["age"][i], parse_cell_date(picked["on"][i])) if "age" in picked else (),
            listed_in=listed_in,
            traits=row_traits({t: picked[TRAIT_ROLE + t][i] for t in traits}),
        )
        keys = keymaker.keys(fields, scope)
        if keys:
            records.append(keys)
    return TablePeople(list(dict.fromkeys(records)))


def _cells_besides(table: Table, layout: TableLayout, people: list[int], col: Callable[[int], list[str]],
                   on_category: CategoryCallback) -> None:
    """What cells say besides their column's kind: 〒 in an address cell, a phone in a 備考 note."""
    kinds = {c.kind for c in layout.columns}
    for c in layout.columns:
        if c.kind == "address" and "postal_code" not in kinds:
            column = col(c.index)
            for i in people:
                m = _POSTAL_PREFIX.match(nfkc(column[i]))
                if m and is_valid_postal_code(m.group(1)):
                    _report(table, layout, c.index, "postal_code", 0.9, i, m.group(1), on_category)
                    kinds.add("postal_code")
                    break
        elif not c.kind:
            column = col(c.index)
            for detector in _FREE_TEXT:
                if detector.category in kinds:
                    continue
                hit = next(((i, f) for i in people if _WORDS.search(column[i]) or is_email(column[i])
                            for f in detector.find(nfkc(column[i]), Location())), None)
                if hit is not None:
                    _report(table, layout, c.index, detector.category, hit[1].confidence, hit[0], hit[1].value,
                            on_category)
                    kinds.add(detector.category)
    if "email" not in kinds:
        # Two columns of a text table run together (090-1234-5678 taro@example.jp): the address is in there.
        for c in layout.columns:
            column = col(c.index)
            hit = next(((i, f) for i in people if "@" in column[i] for f in _EMAIL.find(nfkc(column[i]), Location())),
                       None)
            if hit is not None:
                _report(table, layout, c.index, "email", hit[1].confidence, hit[0], hit[1].value, on_category)
                break


def _series(table: Table, first: int, index: int) -> pl.Series:
    import polars as pl

    rows = table.rows
    if isinstance(rows, ColumnRows):
        column = rows.columns[index]
        if isinstance(column, pl.Series):
            return column.slice(first).cast(pl.String).fill_null("").str.strip_chars()
    return pl.Series([r[index].strip() if index < len(r) else "" for r in rows[first:]], dtype=pl.String)


def _big_table(table: Table, layout: TableLayout, keymaker: KeyMaker, scope: str,
               on_category: CategoryCallback, whole: bool) -> TablePeople:
    """The same as the row-by-row path, column by column in Polars."""
    import polars as pl

    from mamori.people.frame import hash_records, hash_table, key_strings

    first = layout.first_row
    by_role = _roles(table, layout)
    used = {c.index for c in layout.columns if c.kind} | {i for cols in by_role.values() for i in cols}
    frame = pl.DataFrame({f"c{i}": _series(table, first, i) for i in sorted(used)})
    roles = {role: (pl.concat_str([pl.col(f"c{i}") for i in cols], separator=" ", ignore_nulls=True)
                    .str.strip_chars() if len(cols) > 1 else pl.col(f"c{cols[0]}"))
             for role, cols in by_role.items()}
    if "name" in roles:
        roles["name"] = roles["name"].str.replace(ROLE_PATTERN, "${1}")
    frame = frame.with_columns(**{f"r_{role}": e for role, e in roles.items()})
    skip = list(_header_texts(table, layout))
    if "name" in roles or "kana" in roles:
        name = pl.col("r_name") if "name" in roles else pl.col("r_kana")
        kana_ok = (pl.col("r_kana") != "") if "kana" in roles else pl.lit(False)
        mask = ((name != "") | kana_ok) & ~name.is_in(skip)
    else:
        mask = pl.any_horizontal(pl.col(f"r_{r}") != "" for r in _IDENTIFYING_ROLES if r in roles)
    frame = frame.with_columns(_person=mask, _row=pl.int_range(pl.len()))
    people = frame if frame["_person"].all() else frame.filter(pl.col("_person"))  # a list: every row, no copy
    if people.is_empty():
        return TablePeople([])
    for c in layout.columns:
        if c.kind:
            hit = people.filter(pl.col(f"c{c.index}") != "").head(1)
            if hit.height:
                _report(table, layout, c.index, c.kind, c.confidence, int(hit["_row"][0]),
                        str(hit[f"c{c.index}"][0]), on_category)
    records: list[tuple[bytes, ...]] = []
    # In slices, so memory stays flat.
    size = CHUNK_ROWS if whole else PART_CHUNK_ROWS
    slices = [people.slice(start, size) for start in range(0, people.height, size)]
    listed_in = _listed_in(table, scope)

    def normalised(piece: pl.DataFrame) -> pl.DataFrame:
        return key_strings({role: piece[f"r_{role}"] for role in roles}, scope, listed_in, distinct=whole)

    if not whole:
        hashed = [hash_table(normalised(piece), keymaker) for piece in slices]
        return TablePeople([record for table in hashed for record in table.records], tuple(hashed))
    # Polars normalises the next slice (without the GIL) while this thread hashes this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        ahead = pool.submit(normalised, slices[0])
        for i in range(len(slices)):
            keys = ahead.result()
            if i + 1 < len(slices):
                ahead = pool.submit(normalised, slices[i + 1])
            records.extend(hash_records(keys, keymaker))
    return TablePeople(records)


def _report(table: Table, layout: TableLayout, index: int, kind: str, confidence: float, offset: int,
            value: str, on_category: CategoryCallback) -> None:
    base = table.location
    where = Location(sheet=table.name or base.sheet, page=base.page, part=base.part,
                     row=(base.row or 1) + layout.first_row + offset, column=index + 1)
    on_category(_PART_OF.get(kind, kind), confidence, value, where)
