"""A draft of the report to the Personal Information Protection Commission (個人情報保護委員会への報告).

The nine items of the report form are filled with what the findings say (本人の数, 項目, 要配慮の有無,
when the files went online and were first fetched from outside) and every other item is marked
「要記入」 for the case team. Whether reporting is mandatory follows the rule table of the Act on the
Protection of Personal Information: for public bodies (行政機関等, Art. 68(1), Rules Art. 43) more than
100 people, or any special care-required data, or a risk of financial damage, or a leak by an unlawful
act; for businesses (Art. 26(1), Rules Art. 7) the same with more than 1,000 people.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from mamori.detect.categories import BY_ID, SPECIAL_CARE, ordered
from mamori.investigate.attribution import EXTERNAL
from mamori.investigate.findings import Findings

TO_FILL = "要記入"
UNKNOWN = "要確認"
PUBLIC_LIMIT = 100
BUSINESS_LIMIT = 1000
#: Categories whose misuse may cause financial damage (Rules Art. 43(2) / 7(2)).
FINANCIAL = frozenset({"credit_card", "bank_account"})


@dataclass(frozen=True)
class Rule:
    """One line of the mandatory-report rule table: what it asks, whether it applies (None: 要確認)."""

    ask: str
    applies: bool | None
    why: str


@dataclass(frozen=True)
class PpcDraft:
    """The filled report: items in the form's order, the rule table and the verdict."""

    items: tuple[tuple[str, str], ...]
    rules: tuple[Rule, ...]
    mandatory: bool | None
    deadlines: str


def reporting_rules(persons: int, categories: Iterable[str], *, unlawful: bool | None = None,
                    public_body: bool = True) -> tuple[Rule, ...]:
    """The rule table for a leak of *persons* people holding *categories*."""
    cats = set(categories)
    special = [BY_ID[c].label("ja") for c in ordered(cats & SPECIAL_CARE)]
    money = [BY_ID[c].label("ja") for c in ordered(cats & FINANCIAL)]
    limit = PUBLIC_LIMIT if public_body else BUSINESS_LIMIT
    return (
        Rule("要配慮個人情報が含まれる", bool(special), "、".join(special) or "該当する項目なし"),
        Rule("不正に利用されることにより財産的被害が生じるおそれがある",
             bool(money), "、".join(money) if money else "クレジットカード番号・口座番号は検出されず"),
        Rule("不正の目的をもって行われたおそれがある", unlawful,
             "調査結果からは判断できない（持出し・公開の経緯を確認）" if unlawful is None else
             ("あり" if unlawful else "なし")),
        Rule(f"本人の数が{limit:,}人を超える", persons > limit, f"{persons:,}人（重複を除く）"),
    )


def verdict(rules: Iterable[Rule]) -> bool | None:
    """Mandatory when any rule applies; not when none can apply; else 要確認 (None)."""
    values = [r.applies for r in rules]
    if any(v is True for v in values):
        return True
    return False if all(v is False for v in values) else None


def _when(value: datetime | None, tz: tzinfo) -> str:
    return value.astimezone(tz).strftime("%Y年%m月%d日 %H時%M分") if value else TO_FILL


def _times(findings: Findings, leaked_versions: Collection[int] | None
           ) -> tuple[datetime | None, datetime | None, datetime | None]:
    """First upload of a leaked file, first and last external access to a leaked file (any file if unknown)."""
    uploads = [datetime.fromisoformat(f.uploaded_at) for f in findings.leaked if f.uploaded_at]
    external = [a for a in findings.accesses if a.kind == EXTERNAL
                and (leaked_versions is None or a.version_id in leaked_versions)]
    first = min((a.first_us for a in external), default=None)
    last = max((a.last_us for a in external), default=None)

    def at(us: int | None) -> datetime | None:
        return datetime.fromtimestamp(us / 1_000_000, UTC) if us is not None else None

    return min(uploads, default=None), at(first), at(last)


def build_draft(findings: Findings, tz: tzinfo, *, unlawful: bool | None = None, public_body: bool = True,
                leaked_versions: Collection[int] | None = None) -> PpcDraft:
    """The draft for *findings*; times in *tz*; *leaked_versions*: version ids of the leaked files, if known."""
    label = {c: BY_ID[c].label("ja") for c in BY_ID}
    cats = ordered({c for f in findings.leaked for c in f.categories})
    special = [c for c in cats if c in SPECIAL_CARE]
    persons = findings.unique_persons_leaked
    online, first_ext, last_ext = _times(findings, leaked_versions)
    ext_ips = sorted({ip for f in findings.leaked for ip in f.external_ips})
    per_file = "\n".join(f"- {f.server_path}: {f.persons:,}人（外部アクセス {f.external_accesses}回）"
                         for f in findings.leaked)
    items = (
        ("概要", f"個人データを含むファイル {len(findings.leaked)} 件がインターネット上で閲覧可能な状態に置かれ、"
                 f"外部から取得された。\n"
                 f"- 発生日時（公開状態となった最初の日時）: {_when(online, tz)}\n"
                 f"- 最初の外部アクセス: {_when(first_ext, tz)}\n- 最後の外部アクセス: {_when(last_ext, tz)}\n"
                 f"- 発覚日時: {TO_FILL}\n- 発覚の経緯: {TO_FILL}\n- 事案の経緯の詳細: {TO_FILL}"),
        ("漏えい等が発生し又はそのおそれがある個人データの項目",
         "、".join(label.get(c, c) for c in cats) + "\n"
         + (f"- 要配慮個人情報: あり（{'、'.join(label.get(c, c) for c in special)}）" if special
            else "- 要配慮個人情報: 検出されず") + f"\n- 媒体・形態: {TO_FILL}"),
        ("本人の数", f"{persons:,}人（重複を除く）\n{per_file}"),
        ("原因", f"{TO_FILL}\n（参考: ファイルは所有者のアドレス {', '.join(findings.owner_ips) or '不明'} から"
                 "アップロードされていた）"),
        ("二次被害又はそのおそれの有無及びその内容",
         f"{TO_FILL}\n（参考: 外部からのアクセス延べ {findings.access_totals.get(EXTERNAL, 0)} 回、"
         f"アクセス元IPアドレス {len(ext_ips)} 件: {', '.join(ext_ips)}）"),
        ("本人への対応の実施状況", f"{TO_FILL}\n（参考: 通知先一覧は --notification-list で作成できる）"),
        ("公表の実施状況", TO_FILL),
        ("再発防止のための措置", TO_FILL),
        ("その他参考となる事項",
         f"- 検索ロボットによるアクセス延べ {findings.access_totals.get('crawler', 0)} 回"
         f"（検索ロボットのみがアクセスしたファイル {len(findings.crawled_only)} 件）\n"
         f"- 調査結果: findings.json（report.html の「証拠の連鎖」に各ファイルの SHA-256）\n- {TO_FILL}"),
    )
    rules = reporting_rules(persons, cats, unlawful=unlawful, public_body=public_body)
    deadlines = ("速報: 事態を知った後、速やかに（おおむね3～5日以内）。確報: 事態を知った日から30日以内"
                 "（不正の目的をもって行われたおそれがある場合は60日以内）。")
    return PpcDraft(items, rules, verdict(rules), deadlines)


def write_ppc(draft: PpcDraft, case_name: str, out_dir: Path, generated: str) -> tuple[Path, Path]:
    """Write ``ppc_report.md`` and ``ppc_report.html`` into *out_dir*."""
    from mamori.report.templating import environment

    env = environment()
    paths = (out_dir / "ppc_report.md", out_dir / "ppc_report.html")
    for path, name in zip(paths, ("ppc.md.j2", "ppc.html.j2"), strict=True):
        path.write_text(env.get_template(name).render(d=draft, case_name=case_name, generated=generated),
                        encoding="utf-8")
    return paths
