"""Shared pieces of the document generators: the drawing context, columns and table assembly."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from mamori.detect.categories import SPECIAL_CARE
from mamori.synth.model import Resident, SynthDoc, Truth
from mamori.synth.variants import (
    BLOCK_STYLES,
    DATE_STYLES,
    KANA_STYLES,
    NAME_STYLES,
    PHONE_STYLES,
    age_on,
    format_address,
    format_date,
    format_kana,
    format_name,
    format_phone,
)

WAREKI_STYLES = tuple(s for s in DATE_STYLES if s.startswith(("wareki", "letter", "code7")))


@dataclass
class DocContext:
    """What a generator draws from: randomness, the resident pool, a row-count hint, a reference date."""

    rng: random.Random
    people: Sequence[Resident]
    rows: int = 20
    ref: date = field(default_factory=lambda: date(2023, 4, 1))

    def sample(self, k: int | None = None, *, min_age: int = 0, max_age: int = 200) -> list[Resident]:
        """Up to *k* (default ``rows``) distinct residents aged min_age..max_age on ``ref``."""
        want = self.rows if k is None else k
        fit = [p for p in self.people if min_age <= age_on(p.birth_date, self.ref) <= max_age]
        return self.rng.sample(fit, min(want, len(fit)))

    def age(self, person: Resident) -> int:
        """Age of *person* on the reference date."""
        return age_on(person.birth_date, self.ref)


Getter = Callable[[Resident, int], str]


@dataclass(frozen=True)
class Column:
    """One table column: header, the categories its values are, and how to write a resident's value."""

    header: str
    categories: tuple[str, ...]
    value: Getter


def plain(header: str, value: Getter) -> Column:
    """A column that is not personal data by itself (row numbers, 投票区, 所属)."""
    return Column(header, (), value)


def name_columns(rng: random.Random, *, kana: bool | None = None) -> list[Column]:
    """氏名 in one column (with one of the space styles) or split 姓/名, optionally with a kana column."""
    cols: list[Column] = []
    if rng.random() < 0.25:
        fam, giv = rng.choice((("姓", "名"), ("氏", "名"), ("氏名（姓）", "氏名（名）")))
        cols += [Column(fam, ("name",), lambda r, i: r.family_name),
                 Column(giv, ("name",), lambda r, i: r.given_name)]
    else:
        style = rng.choice(NAME_STYLES)
        cols.append(Column(rng.choice(("氏名", "氏名", "名前", "漢字氏名", "氏　名")), ("name",),
                           lambda r, i: format_name(r.family_name, r.given_name, style)))
    if kana if kana is not None else rng.random() < 0.5:
        kstyle = rng.choice(KANA_STYLES)
        header = {"hiragana": "ふりがな", "halfwidth": "ｶﾅ氏名"}.get(kstyle, rng.choice(("フリガナ", "カナ氏名")))
        cols.insert(1 if len(cols) == 1 else 2,
                    Column(header, ("name_kana",), lambda r, i: format_kana(r.family_kana, r.given_kana, kstyle)))
    return cols


def address_column(rng: random.Random, header: str = "住所") -> Column:
    """住所 in one of the ways real files write it (block style, prefecture or not, 〒 prefix or not)."""
    block_style = rng.choice(BLOCK_STYLES)
    with_pref = rng.random() < 0.5
    postal = rng.random() < 0.15
    sep = rng.choice(("", " ", "　"))
    cats = ("address", "postal_code") if postal else ("address",)
    return Column(header, cats, lambda r, i: format_address(
        r.prefecture, r.city, r.town, r.block, r.building, block_style=block_style,
        with_prefecture=with_pref, postal_code=r.postal_code if postal else "", building_sep=sep))


def date_column(rng: random.Random, header: str = "生年月日", styles: Sequence[str] = DATE_STYLES) -> Column:
    """生年月日 in one date style for the whole file."""
    style = rng.choice(tuple(styles))
    return Column(header, ("birth_date",), lambda r, i: format_date(r.birth_date, style))


def phone_column(rng: random.Random, header: str = "電話番号", *, prefer_mobile: bool = False) -> Column:
    """A phone column: landline, else mobile (or the other way round), in one style."""
    style = rng.choice(PHONE_STYLES) if rng.random() < 0.4 else "hyphen"

    def value(r: Resident, i: int) -> str:
        first, second = (r.mobile, r.phone) if prefer_mobile else (r.phone, r.mobile)
        number = first or second
        return format_phone(number, style) if number else ""

    return Column(header, ("phone",), value)


def derived_number(person_id: int, salt: int, digits: int) -> str:
    """A stable per-person number (宛名番号, 被保険者番号 …): the same person gets it in every file."""
    modulus = 10**digits
    return f"{(person_id * 7_919_813 + salt * 104_729 + modulus // 7) % modulus:0{digits}d}"


def resident_code(person: Resident) -> str:
    """A stable 11-digit 住民票コード: ten digits and a check digit (modulus 11, the My Number weights on
    ten digits — the scheme we believe 平成14年総務省告示第436号 sets; unverified, see detect/resident_code)."""
    body = derived_number(person.id, 63, 10)
    total = sum(int(body[10 - n]) * (n + 1 if n <= 6 else n - 5) for n in range(1, 11))
    remainder = total % 11
    return body + str(0 if remainder <= 1 else 11 - remainder)


def build_table(ctx: DocContext, people: Sequence[Resident], columns: Sequence[Column], *, title: str,
                kind: str, sheet_name: str = "Sheet1", title_rows: Sequence[str] = (),
                headerless: bool | None = None, extra_categories: Sequence[str] = ()) -> SynthDoc:
    """A table document whose truth is exactly the people in it and the categories of non-empty cells."""
    rows = tuple(tuple(c.value(p, i) for c in columns) for i, p in enumerate(people, start=1))
    cats: set[str] = set(extra_categories) if people else set()
    for j, col in enumerate(columns):
        if any(row[j] for row in rows):
            cats.update(col.categories)
    if headerless is None:
        headerless = ctx.rng.random() < 0.08
    if title_rows == () and ctx.rng.random() < 0.3:
        title_rows = (title, "")
    truth = Truth(frozenset(p.id for p in people) if cats else frozenset(), frozenset(cats),
                  bool(cats & SPECIAL_CARE))
    return SynthDoc(title=title, kind=kind, header=None if headerless else tuple(c.header for c in columns),
                    rows=rows, title_rows=tuple(title_rows), truth=truth, sheet_name=sheet_name)


def fiscal_label(ref: date) -> str:
    """``令和5年度`` for the fiscal year containing *ref*."""
    year = ref.year if ref.month >= 4 else ref.year - 1
    return format_date(date(year, 4, 1), "wareki").split("年")[0] + "年度"


#: Free-text notes clerks put in a 備考 column that say nothing about the person's categories.
PLAIN_MEMOS = ("郵送希望", "転居予定あり", "再発行済", "代理人申請", "日中不在", "電話連絡済", "要確認",
               "書類不備（再提出依頼中）", "窓口にて受領", "前年度より継続")


def memo_column(ctx: DocContext, people: Sequence[Resident], header: str = "備考") -> tuple[Column, set[str]]:
    """A 備考 column of free text, mostly blank, and the categories its notes add to the truth.

    Some notes are dates of events (``R5.4.1 転入``: not a birth date); a few give a relative's mobile
    number (``不在時は長女 090-…``: a phone number, but no new person, since the relative is not named).
    """
    rng = ctx.rng
    notes: dict[int, str] = {}
    cats: set[str] = set()
    for p in people:
        roll = rng.random()
        if roll < 0.55:
            continue
        if roll < 0.8:
            notes[p.id] = rng.choice(PLAIN_MEMOS)
        elif roll < 0.93:
            day = ctx.ref.replace(day=rng.randint(1, 28))
            notes[p.id] = f"{format_date(day, rng.choice(('letter_dot', 'slash', 'wareki')))} " \
                          f"{rng.choice(('転入', '転居', '申請受付', '更新'))}"
        else:
            relative = rng.choice(("長男", "長女", "二男", "妻", "夫", "娘"))
            number = f"{rng.choice(('090', '080', '070'))}-{rng.randint(1000, 9999)}-{rng.randint(0, 9999):04d}"
            notes[p.id] = f"不在時は{relative}（{number}）へ連絡"
            cats.add("phone")
    return Column(header, (), lambda r, i: notes.get(r.id, "")), cats
