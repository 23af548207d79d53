"""User-facing words in Japanese (default) and English; code stays in English."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mamori.models import Location

LANGS = ("ja", "en")

_MESSAGES: dict[str, tuple[str, str]] = {
    "col.path": ("パス", "path"),
    "col.status": ("状態", "status"),
    "col.pii": ("個人情報", "personal data"),
    "col.categories": ("種類", "categories"),
    "col.persons": ("人数", "persons"),
    "col.special_care": ("要配慮", "special care"),
    "col.size": ("サイズ", "size"),
    "col.sha256": ("SHA-256", "SHA-256"),
    "col.reason": ("理由", "reason"),
    "col.samples": ("例（マスク済み）", "samples (masked)"),
    "col.modified": ("更新日時", "modified"),
    "col.owner": ("所有者", "owner"),
    "pii.true": ("あり", "yes"),
    "pii.false": ("なし", "no"),
    "pii.null": ("未確認", "not inspected"),
    "status.ok": ("確認済", "ok"),
    "status.empty": ("空", "empty"),
    "status.encrypted": ("暗号化", "encrypted"),
    "status.unreadable": ("読取不可", "unreadable"),
    "status.needs_ocr": ("要OCR", "needs OCR"),
    "status.unsupported": ("未対応形式", "unsupported"),
    "status.too_large": ("上限超過", "too large"),
    "status.error": ("エラー", "error"),
    "summary.title": ("スキャン結果", "Scan result"),
    "summary.items": ("対象数", "items"),
    "summary.pii_items": ("個人情報を含む", "with personal data"),
    "summary.not_inspected": ("確認できなかったもの", "not inspected"),
    "summary.unique_persons": ("重複を除いた人数", "distinct persons"),
    "summary.elapsed": ("所要時間（秒）", "elapsed (s)"),
    "summary.throughput": ("{items} 件, {mb:.1f} MB, {secs:.1f} 秒", "{items} items, {mb:.1f} MB, {secs:.1f} s"),
    "report.title": ("個人情報スキャン報告", "Personal data scan report"),
    "report.items": ("ファイル一覧", "Items"),
    "report.by_folder": ("フォルダ（課）ごとの集計", "Totals per top folder"),
    "report.folder": ("フォルダ", "folder"),
    "report.top_level": ("（直下のファイル）", "(files at the top)"),
    "report.parameters": ("走査の条件", "Scan parameters"),
    "report.roots": ("走査した場所", "scanned"),
    "report.version": ("mamori の版", "mamori version"),
    "report.workers": ("並列数", "workers"),
    "report.filter": ("絞り込み（パス・種類・理由）", "filter (path, kinds, reason)"),
    "report.only_pii": ("個人情報ありのみ", "personal data only"),
    "report.only_unread": ("未確認のみ", "not inspected only"),
    "report.shown": ("表示 {shown} / {total} 件", "showing {shown} of {total}"),
    "report.sort_hint": ("見出しをクリックすると並べ替えます。", "Click a heading to sort."),
    "loc.document": ("文書全体", "document"),
    "loc.sheet": ("シート {value}", "sheet {value}"),
    "loc.page": ("{value}ページ", "page {value}"),
    "loc.row": ("{value}行目", "row {value}"),
    "loc.col": ("{value}列目", "col {value}"),
    "loc.line": ("{value}行目", "line {value}"),
    "report.generated": ("作成日時", "generated"),
    "report.note_masked": ("例示値はマスクしています。", "Sample values are masked."),
    "progress.scanning": ("スキャン中", "scanning"),
    "error.prefix": ("エラー", "error"),
    "explain.header": ("判定の根拠", "why"),
    "explain.none": ("個人情報は見つかりませんでした。", "No personal data found."),
    "explain.not_inspected": ("中身を確認できませんでした: {reason}", "Could not be inspected: {reason}"),
    "explain.category": ("{label}（確信度 {conf:.2f}）", "{label} (confidence {conf:.2f})"),
    "explain.sample": ("  例: {value}  [{location}]", "  e.g. {value}  [{location}]"),
    "demo.done": ("デモ完了。報告書: {path}", "Demo finished. Report: {path}"),
    "demo.generating": ("デモ事案を作成中（有権者 {voters:,} 人）: {path}",
                        "Generating the demo case ({voters:,} voters): {path}"),
    "inv.stage.importing": ("ログ取込", "importing"),
    "inv.stage.matching": ("照合", "matching"),
    "inv.stage.inspecting": ("個人情報の確認", "inspecting"),
    "inv.stage.attributing": ("アクセスの判定", "attributing"),
    "inv.stage.reports": ("報告書の作成", "writing reports"),
    "inv.summary.case": ("事案", "case"),
    "inv.summary.files": ("サーバー上のファイル", "server files"),
    "inv.summary.leaked": ("流出したファイル", "leaked files"),
    "inv.summary.persons": ("重複を除いた人数", "distinct people"),
    "inv.summary.accesses": ("個人情報を含むファイルへのアクセス（外部 / 検索ロボット / 所有者）",
                             "accesses to files with personal data (external / crawler / owner)"),
    "inv.summary.all": ("参考：全ファイルへのアクセス（外部 / 検索ロボット / 所有者）・全リクエスト",
                        "for reference: accesses to any file (external / crawler / owner), all requests"),
    "inv.summary.review": ("要確認のファイル（内容未確認でアクセスあり）",
                           "files needing review (fetched, not inspected)"),
    "inv.summary.bad": ("読めなかったログの行", "log lines not read"),
    "inv.summary.crawled": ("検索ロボットのみがアクセス", "crawled only"),
    "inv.summary.ppc": ("個人情報保護委員会への報告", "report to the PPC"),
    "inv.ppc.true": ("義務あり", "mandatory"),
    "inv.ppc.false": ("義務なし", "not mandatory"),
    "inv.ppc.none": ("要確認", "to be decided"),
    "inv.stages": ("段階ごとの時間（秒）", "time per stage (s)"),
    "inv.written": ("出力", "written"),
    "inv.warning": ("注意", "warning"),
    "inv.done": ("調査完了。報告書: {path}", "Investigation finished. Report: {path}"),
}


def t(key: str, lang: str = "ja", **kwargs: object) -> str:
    """The message *key* in *lang*, formatted with *kwargs*."""
    ja, en = _MESSAGES[key]
    text = en if lang == "en" else ja
    return text.format(**kwargs) if kwargs else text


def status_label(status: str, lang: str = "ja") -> str:
    return t(f"status.{status}", lang)


def pii_label(pii: bool | None, lang: str = "ja") -> str:
    return t("pii.null" if pii is None else ("pii.true" if pii else "pii.false"), lang)


def location_label(location: Location, lang: str = "ja") -> str:
    """Where in a document, for people: 「シート 名簿 2行目 3列目」 / "sheet 名簿 row 2 col 3"."""
    if lang == "en":
        return location.describe()
    bits = [location.part] if location.part else []
    for key, value in (("sheet", location.sheet), ("page", location.page), ("row", location.row),
                       ("col", location.column), ("line", location.line)):
        if value is not None:
            bits.append(t(f"loc.{key}", lang, value=value))
    return " ".join(bits) or t("loc.document", lang)
