"""The table of attachment 1 (「流出したとされる個人情報」).

Columns: 区分, 番号, ファイルの内容, 含まれる個人情報, 件数, 新規/既報.

区分 comes from words in the file's evidence and server paths (選挙 → 選挙関係, …), else 業務ファイル;
the groups keep the order of ``GROUPS`` and within a group files go by upload time, numbered 1…n
across the table as the city did. A file whose name repeats an earlier row's is written as the city
wrote it: 「同上 ※10と作成日時が異なるもの」.
"""

from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from mamori.investigate.findings import LeakedFile
from mamori.report.case.text import categories_text, w

#: (group word key, words that put a file in it), first match wins.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("g.election", ("選挙", "投票", "有権者", "投開票", "期日前", "senkyo", "election", "voter")),
    ("g.welfare", ("介護", "福祉", "障害", "障がい", "保健", "医療", "生活保護", "kaigo", "welfare")),
    ("g.education", ("教育", "学校", "児童", "生徒", "事業団", "体験", "school")),
    ("g.tax", ("税", "課税", "納税", "tax")),
    ("g.residents", ("住民", "戸籍", "住基", "resident")),
    ("g.staff", ("職員", "給与", "人事", "賃金", "アルバイト", "応募", "salary", "staff")),
    ("g.community", ("自治会", "施設", "センター", "会館", "研修室", "寄附", "寄付", "町内会")),
)
BUSINESS = "g.business"


@dataclass(frozen=True)
class LeakRow:
    """One row of attachment 1."""

    group: str
    number: int
    name: str
    content: str
    categories: str
    persons: int
    status: str
    special_care: bool
    server_path: str
    uploaded_at: str | None


def group_of(leak: LeakedFile) -> str:
    """The 区分 word key of a leaked file, from its evidence and server paths."""
    text = unicodedata.normalize("NFKC", " ".join((leak.server_path, *leak.evidence))).lower()
    for key, words in GROUPS:
        if any(word in text for word in words):
            return key
    return BUSINESS


def _order(key: str) -> int:
    keys = [k for k, _ in GROUPS]
    return keys.index(key) if key in keys else len(keys)


def _status(leak: LeakedFile, lang: str) -> str:
    return w("reported" if leak.previously_reported else "new", lang)


def leak_rows(leaked: Sequence[LeakedFile], lang: str) -> list[LeakRow]:
    """Attachment-1 rows for *leaked*, grouped and numbered."""
    ordered = sorted(leaked, key=lambda f: (_order(group_of(f)), f.uploaded_at or "", f.server_path))
    rows: list[LeakRow] = []
    first_of: dict[str, int] = {}
    for number, leak in enumerate(ordered, start=1):
        name = posixpath.basename(leak.server_path) or leak.server_path
        when = (leak.uploaded_at or "")[:16].replace("T", " ")
        if name in first_of:
            content = w("same_as", lang, n=first_of[name])
        else:
            first_of[name] = number
            content = f"{name}（{leak.url_path or leak.server_path}、{w('uploaded', lang)} {when}）" if lang == "ja" \
                else f"{name} ({leak.url_path or leak.server_path}, {w('uploaded', lang)} {when})"
        rows.append(LeakRow(w(group_of(leak), lang), number, name, content, categories_text(leak.categories, lang),
                            leak.persons, _status(leak, lang), leak.special_care, leak.server_path, leak.uploaded_at))
    return rows


def group_spans(rows: Sequence[LeakRow]) -> list[int]:
    """Per row: how many rows its 区分 cell spans (0 for rows inside a span), for a merged first column."""
    spans = [0] * len(rows)
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i].group != rows[start].group:
            spans[start] = i - start
            start = i
    return spans
