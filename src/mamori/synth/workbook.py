"""Multi-sheet workbooks as clerks keep them: a cover, a summary, notes — and at most one sheet of people.

A renderer takes one SynthDoc (one sheet plus an optional 集計); these workbooks need several sheets,
so they are written here, as .xlsx (XlsxWriter) or .xls (xlwt), with the union of the sheets' truth.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import xlsxwriter
import xlwt

from mamori.detect.categories import SPECIAL_CARE
from mamori.synth.doc_common import DocContext, fiscal_label
from mamori.synth.model import SynthDoc, Truth
from mamori.synth.render.cells import cell_value, sheet_title
from mamori.synth.variants import format_date

#: Document kinds that may be the people sheet of a workbook.
PEOPLE_SHEET_KINDS = ("resident_list", "household_list", "care_need_list", "event_applications", "voter_list")
FORMATS = {"xlsx": ".xlsx", "xls": ".xls"}


@dataclass(frozen=True)
class Workbook:
    """Sheets in order; the truth is the union of theirs."""

    title: str
    sheets: tuple[SynthDoc, ...]

    @property
    def truth(self) -> Truth:
        ids = frozenset().union(*(s.truth.person_ids for s in self.sheets))
        cats = frozenset().union(*(s.truth.categories for s in self.sheets))
        return Truth(ids, cats, bool(cats & SPECIAL_CARE))


def _sheet(name: str, header: tuple[str, ...] | None, rows: Sequence[tuple[str, ...]],
           title_rows: tuple[str, ...] = ()) -> SynthDoc:
    return SynthDoc(title=name, kind="sheet", header=header, rows=tuple(rows), title_rows=title_rows,
                    sheet_name=name)


def _cover(title: str, ref: date) -> SynthDoc:
    rows = [("",), (title,), ("",), (f"作成日：{format_date(ref, 'wareki')}",), ("作成：市民協働課",),
            ("取扱注意（個人情報を含む場合は持出し禁止）",)]
    return _sheet("表紙", None, rows)


def _notes(people_sheet: SynthDoc | None) -> SynthDoc:
    """凡例: what each column means — header words (氏名, 生年月日) with no person behind them."""
    header = people_sheet.header if people_sheet and people_sheet.header else ("氏名", "生年月日", "住所")
    rows = [(h, f"{h}を記載する（住民基本台帳による）") for h in header]
    rows.append(("注", "記載内容に変更があった場合は、速やかに担当まで連絡すること。"))
    return _sheet("凡例", ("項目", "説明"), rows)


def _summary(people_sheet: SynthDoc | None, ctx: DocContext) -> SynthDoc:
    """集計: counts per town (from the people sheet's addresses when there is one), no person."""
    if people_sheet is None:
        towns = Counter({f"{p.town}": 1 + ctx.rng.randrange(40) for p in ctx.sample(k=8)})
    else:
        by_id = {p.id: p for p in ctx.people}
        towns = Counter(by_id[i].town for i in people_sheet.truth.person_ids if i in by_id)
    rows = [(town, str(n)) for town, n in sorted(towns.items())]
    rows.append(("合計", str(sum(towns.values()))))
    return _sheet("集計", ("町名", "人数"), rows, (f"{fiscal_label(ctx.ref)} 町別集計", ""))


def multi_sheet_workbook(ctx: DocContext, people_sheet: SynthDoc | None) -> Workbook:
    """A workbook of cover, summary, *people_sheet* (if any) and notes, in a clerk's order."""
    sheets: list[SynthDoc] = [_cover(people_sheet.title if people_sheet else "町別集計表", ctx.ref),
                              _summary(people_sheet, ctx)]
    if people_sheet is not None:
        name = people_sheet.sheet_name if people_sheet.sheet_name not in ("Sheet1", "集計") else "名簿"
        sheets.insert(ctx.rng.randint(1, 2), replace(people_sheet, sheet_name=name))
    sheets.append(_notes(people_sheet))
    return Workbook(people_sheet.title if people_sheet else "町別集計表", tuple(sheets))


def _rows(doc: SynthDoc) -> list[tuple[str, ...]]:
    return doc.table_rows() if (doc.header or doc.rows or doc.title_rows) else []


def render_workbook(book: Workbook, fmt: str) -> bytes:
    """*book* as .xlsx or .xls bytes."""
    if fmt == "xls":
        return _render_xls(book)
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for sheet in book.sheets:
        ws = workbook.add_worksheet(sheet_title(sheet))
        for r, row in enumerate(_rows(sheet)):
            for c, text in enumerate(row):
                _write_xlsx(ws, r, c, cell_value(text), date_format)
    workbook.close()
    return out.getvalue()


def _write_xlsx(ws: Any, r: int, c: int, value: object, date_format: Any) -> None:
    if isinstance(value, date):
        ws.write_datetime(r, c, value, date_format)
    elif isinstance(value, str):
        ws.write_string(r, c, value)  # never write(): it would turn "0722287907" into a number
    else:
        ws.write_number(r, c, value)


def _render_xls(book: Workbook) -> bytes:
    workbook = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for sheet in book.sheets:
        ws = workbook.add_sheet(sheet_title(sheet))
        for r, row in enumerate(_rows(sheet)):
            for c, text in enumerate(row):
                value = cell_value(text)
                if isinstance(value, date):
                    ws.write(r, c, value, date_style)
                else:
                    ws.write(r, c, value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
