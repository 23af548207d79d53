"""Every kind of synthetic municipal document, where a city keeps it, and how to make one.

Positive kinds hold residents' or staff's personal data; negative kinds (hard negatives) look
like it — addresses, phones, dates, 12-digit numbers, surnames in company names — but name
no person, so their truth is empty.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from mamori.errors import ConfigError
from mamori.synth import doc_ids, doc_lists, doc_negatives, doc_prose, doc_tables
from mamori.synth.doc_common import DocContext
from mamori.synth.model import Resident, SynthDoc


@dataclass(frozen=True)
class DocKind:
    """One kind of document: its generator, shape, home folder, file-name stems and share of a corpus."""

    name: str
    make: Callable[[DocContext], SynthDoc]
    shape: str  # "table" or "prose"
    folder: str
    stems: tuple[str, ...]
    weight: float
    positive: bool = True


DOC_KINDS: tuple[DocKind, ...] = (
    DocKind("voter_list", doc_tables.voter_list, "table", "選挙管理委員会/選挙人名簿",
            ("選挙人名簿", "H23府知事選_名簿", "名簿抄本_北区", "投票区別名簿"), 8),
    DocKind("resident_list", doc_tables.resident_list, "table", "市民協働課/自治会",
            ("自治会員名簿", "会員一覧", "連絡網"), 5),
    DocKind("care_need_list", doc_tables.care_need_list, "table", "長寿社会部/介護保険課",
            ("要介護認定者一覧", "認定結果", "認定者リスト"), 4),
    DocKind("disability_list", doc_tables.disability_list, "table", "障害福祉課",
            ("手帳交付台帳", "障害者手帳一覧"), 3),
    DocKind("health_check", doc_tables.health_check, "table", "健康推進課/特定健診",
            ("健診結果一覧", "特定健診_結果"), 3),
    DocKind("insurance_pension", doc_tables.insurance_pension_list, "table", "保険年金課",
            ("国保被保険者一覧", "年金番号一覧"), 3),
    DocKind("staff", doc_tables.staff_list, "table", "人事課", ("職員名簿", "給与支給一覧", "職員一覧"), 4),
    DocKind("school_roster", doc_tables.school_roster, "table", "教育委員会/学務課",
            ("児童名簿", "生徒名簿", "学級名簿"), 4),
    DocKind("event_applications", doc_tables.event_applications, "table", "市民協働課/講座申込",
            ("申込者一覧", "施設利用申込者", "参加者名簿"), 5),
    DocKind("my_number_list", doc_tables.my_number_list, "table", "市民課/番号制度",
            ("個人番号一覧", "マイナンバー登録"), 2),
    DocKind("delegation", doc_ids.delegation_list, "table", "国際課", ("派遣団員名簿",), 1),
    DocKind("driver_register", doc_ids.driver_register, "table", "総務課/公用車", ("運転者登録簿",), 1),
    DocKind("donor_list", doc_ids.donor_list, "table", "財政課/ふるさと納税", ("寄附者一覧",), 1.5),
    DocKind("criminal_register", doc_ids.criminal_register, "table", "選挙管理委員会/犯歴", ("犯罪人名簿",), 0.7),
    DocKind("account_transfers", doc_ids.account_transfers, "table", "子ども家庭課", ("振込口座一覧",), 1.5),
    DocKind("household_list", doc_lists.household_list, "table", "市民課/住民記録", ("世帯員一覧", "世帯台帳"), 3),
    DocKind("mailing_labels", doc_lists.mailing_labels, "table", "市民協働課/発送", ("宛名ラベル", "送付先一覧"), 3),
    DocKind("staff_directory", doc_lists.staff_directory, "table", "総務課", ("内線番号表", "職員電話帳"), 2),
    DocKind("applicants_by_age", doc_lists.applicants_by_age, "table", "生涯学習課/講座",
            ("受講者名簿", "申込者一覧"), 3),
    DocKind("org_contacts", doc_lists.org_contacts, "table", "市民協働課/地域団体", ("団体代表者名簿", "自治会長一覧"),
            2),
    DocKind("letter", doc_prose.letter, "prose", "長寿社会部/通知文書", ("通知書", "お知らせ", "案内文"), 5),
    DocKind("council_minutes", doc_prose.council_minutes, "prose", "議会事務局/会議録",
            ("定例会会議録", "委員会記録"), 2),
    DocKind("case_notes", doc_prose.case_notes, "prose", "生活援護課/ケース記録", ("ケース記録", "訪問記録"), 3),
    DocKind("consultation", doc_prose.consultation, "prose", "広聴課", ("相談受付票",), 2),
    DocKind("association_minutes", doc_prose.association_minutes, "prose", "市民協働課/自治会",
            ("役員会議事録", "自治会だより原稿"), 2),
    DocKind("facility_list", doc_negatives.facility_list, "table", "施設管理課", ("公共施設一覧", "施設台帳"),
            4, False),
    DocKind("population", doc_negatives.population, "table", "統計", ("町丁別人口", "人口世帯数"), 4, False),
    DocKind("product_list", doc_negatives.product_list, "table", "会計室/物品", ("物品購入一覧", "消耗品"), 3, False),
    DocKind("invoice_list", doc_negatives.invoice_list, "table", "契約課", ("請求書一覧", "支払予定"), 3, False),
    DocKind("event_schedule", doc_negatives.event_schedule, "table", "市民協働課/行事", ("行事予定表",), 3, False),
    DocKind("official_minutes", doc_negatives.official_minutes, "prose", "総務課/庁議", ("庁議議事要旨",), 3, False),
    DocKind("age_statistics", doc_negatives.age_statistics, "table", "統計", ("年齢別人口", "年齢階級別人口"), 3,
            False),
    DocKind("attendance_by_title", doc_negatives.attendance_by_title, "table", "総務課/会議",
            ("出席者一覧", "会議出欠表"), 2, False),
    DocKind("org_directory", doc_negatives.org_directory, "table", "市民協働課/地域団体", ("関係団体一覧",), 2, False),
    DocKind("place_prose", doc_negatives.place_prose, "prose", "道路計画課", ("事業概要", "工事のお知らせ"), 2, False),
)

_BY_NAME = {k.name: k for k in DOC_KINDS}


def doc_kind(name: str) -> DocKind:
    """The kind called *name*, or a ConfigError listing the kinds that exist."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ConfigError(f"unknown document kind {name!r}; known: {', '.join(_BY_NAME)}") from None


def make_document(kind: str, people: Sequence[Resident], *, rows: int = 20, seed: int = 0,
                  ref: date | None = None) -> SynthDoc:
    """One document of *kind* drawing on *people*; deterministic by *seed*."""
    ctx = DocContext(random.Random(seed), people, rows, ref or date(2023, 4, 1))
    return doc_kind(kind).make(ctx)
