"""Words of the investigation reports (report.html/xlsx/pdf, ppc_report), Japanese and English.

Kept apart from ``mamori.i18n`` (the command's words) because these are many and belong to the
documents only; the same ``w(key, lang)`` shape.
"""

from __future__ import annotations

from mamori.detect.categories import BY_ID

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("個人情報流出調査報告", "Personal data leak investigation report"),
    "case": ("事案", "case"),
    "generated": ("作成日時", "generated"),
    "summary": ("概要", "Summary"),
    "what": ("調査の結果", "What the investigation found"),
    "what.text": (
        "サーバー上にあった {files} ファイル（{pii} ファイルに個人情報）のうち、{leaked} ファイルが外部から"
        "アクセスされ、重複を除いて {persons} 人分の個人情報が流出したと考えられます。",
        "Of {files} files on the server ({pii} holding personal data), {leaked} were fetched from outside; "
        "they hold personal data of {persons} distinct people."),
    "s.server_files": ("サーバー上のファイル（版）", "server files (versions)"),
    "s.matched": ("復元ファイルと照合できたもの", "matched to recovered files"),
    "s.pii": ("個人情報を含むもの", "holding personal data"),
    "s.leaked": ("流出したファイル", "leaked files"),
    "s.crawled_only": ("検索ロボットのみがアクセスしたもの", "fetched by crawlers only"),
    "s.persons": ("重複分を除いた総数（人）", "distinct people (leaked)"),
    "s.external": ("個人情報を含むファイルへの外部からのアクセス（延べ）",
                   "external accesses to files with personal data"),
    "s.crawler": ("個人情報を含むファイルへの検索ロボットのアクセス（延べ）",
                  "crawler accesses to files with personal data"),
    "s.owner": ("個人情報を含むファイルへの所有者のアクセス（延べ）", "owner accesses to files with personal data"),
    "s.all_external": ("参考：全ファイルへの外部からのアクセス（延べ）",
                       "for reference: external accesses to any file"),
    "s.all_crawler": ("参考：全ファイルへの検索ロボットのアクセス（延べ）",
                      "for reference: crawler accesses to any file"),
    "s.all_owner": ("参考：全ファイルへの所有者のアクセス（延べ）", "for reference: owner accesses to any file"),
    "s.requests": ("参考：アクセスログの全リクエスト（数えないものを含む）",
                   "for reference: every request in the access logs (counted or not)"),
    "rule.totals": ("「個人情報を含むファイルへのアクセス」は、個人情報が確認されたファイルへのアクセスだけを数えます"
                    "（流出の件数として公表・報告する数）。",
                    "'Accesses to files with personal data' count only the accesses to files in which personal data "
                    "was found (the number to publish and report)."),
    "rule.all": ("「参考」の数は、個人情報を含まないファイルや未確認のファイルへのアクセスも含めた全体です。",
                 "The 'for reference' numbers also count accesses to files without personal data or not inspected."),
    "addresses": ("{n} アドレス", "{n} addresses"),
    "other.more": ("ほか {n} ファイル（延べ {requests} 回）は report.xlsx を参照。",
                   "{n} more files ({requests} accesses): see report.xlsx."),
    "class.pii": ("個人情報を含むファイル", "files with personal data"),
    "class.other": ("その他のファイル（個人情報なし・未確認）", "other files (no personal data or not inspected)"),
    "unit.day": ("日", "day"),
    "unit.month": ("月", "month"),
    "by_class": ("アクセスの内訳（ファイルの区分別）", "Accesses by class of file"),
    "by_day": ("アクセスの推移", "Accesses over time"),
    "other_files": ("個人情報を含まないファイルへのアクセス（多い順）", "Accesses to other files (busiest first)"),
    "d.addresses": ("アドレス数", "addresses"),
    "d.class": ("区分", "class"),
    "d.outside": ("外部からのアクセス（アドレスごと）", "outside accesses (per address)"),
    "d.totals": ("区別ごとの合計", "totals per kind"),
    "detail.note": ("個人情報を含むファイルへの外部からのアクセスはアドレスごとに、その他は区別ごとの合計を示します。"
                    "すべてのアドレスごとの明細は report.xlsx と accesses.csv にあります。",
                    "Outside accesses to files with personal data are listed per address; the others are summed per "
                    "kind. Every per-address row is in report.xlsx and accesses.csv."),
    "xlsx.full": ("ここまでで行数の上限です。すべての行は accesses.csv にあります。",
                  "The sheet stops here; every row is in accesses.csv."),
    "provider.none": ("通信事業者の名前は未確認です（ASN データが導入されていません）。",
                      "Providers are not named (no ASN data set is installed)."),
    "provider.from": ("通信事業者: {source}（{date} 時点）", "Providers: {source} (as of {date})"),
    "s.external_ips": ("外部アクセス元のIPアドレス数", "external addresses"),
    "s.owner_ips": ("所有者のIPアドレス", "owner addresses"),
    "s.needs_review": ("要確認（照合不能・未確認でアクセスあり）",
                       "needs review (unmatched or not inspected, fetched)"),
    "att1": ("流出したとされる個人情報", "Personal data considered leaked"),
    "att1.sub": ("（全{n}ファイル　うち新たに判明したもの{new}ファイル）",
                 "({n} files, of which {new} newly found)"),
    "c.group": ("区分", "group"),
    "c.number": ("番号", "no."),
    "c.content": ("ファイルの内容", "file"),
    "c.categories": ("含まれる個人情報", "personal data held"),
    "c.persons": ("件数（人数）", "count (people)"),
    "c.status": ("新規・既報の別", "new / reported"),
    "new": ("新規", "new"),
    "reported": ("既報", "reported"),
    "same_as": ("同上　※{n}とアップロード日時が異なるもの", "same as {n}, uploaded at another time"),
    "uploaded": ("アップロード", "uploaded"),
    "total": ("※重複分を除いた総数", "distinct total (duplicates removed)"),
    "total.new": ("新たに判明した、流出したとされる個人情報の件数：{files}ファイル、{persons}人分",
                  "newly found: {files} files, {persons} people"),
    "total.all": ("既報のものを含めた、流出したとされる個人情報の件数：{files}ファイル、{persons}人分",
                  "including those reported before: {files} files, {persons} people"),
    "total.only": ("流出したとされる個人情報の件数：{files}ファイル、{persons}人分",
                   "personal data considered leaked: {files} files, {persons} people"),
    "special": ("要配慮個人情報を含む", "holds special care-required data"),
    "timeline": ("経過（アップロード・アクセス・削除）", "Timeline (uploads, accesses, deletion)"),
    "t.upload": ("アップロード", "upload"),
    "t.delete": ("削除", "deletion"),
    "t.live": ("公開状態", "online"),
    "detail": ("ファイルごとのアクセス", "Accesses per file"),
    "d.ip": ("IPアドレス", "address"),
    "d.kind": ("区別", "kind"),
    "d.agent": ("検索ロボット", "crawler"),
    "d.provider": ("通信事業者", "provider"),
    "d.count": ("回数", "count"),
    "d.first": ("最初", "first"),
    "d.last": ("最後", "last"),
    "d.none": ("数えるべきアクセスはありません。", "No counted accesses."),
    "k.external": ("外部", "external"),
    "k.crawler": ("検索ロボット", "crawler"),
    "k.owner": ("所有者", "owner"),
    "verified": ("確認済", "verified"),
    "unverified": ("未確認", "unverified"),
    "files": ("サーバー上のファイル", "Server files"),
    "f.path": ("サーバー上のパス", "server path"),
    "f.uploaded": ("アップロード日時", "uploaded"),
    "f.deleted": ("削除日時", "deleted"),
    "f.size": ("サイズ", "size"),
    "f.match": ("照合", "match"),
    "f.evidence": ("復元ファイル", "evidence"),
    "f.pii": ("個人情報", "personal data"),
    "f.persons": ("人数", "people"),
    "m.exact": ("一致", "exact"),
    "m.ambiguous": ("候補複数", "ambiguous"),
    "m.none": ("なし", "none"),
    "yes": ("あり", "yes"),
    "no": ("なし", "no"),
    "unknown": ("未確認", "not inspected"),
    "crawled": ("検索ロボットのみがアクセスしたファイル", "Files fetched by crawlers only"),
    "crawled.none": ("ありません。", "None."),
    "review": ("要確認のファイル", "Files that need review"),
    "chain": ("証拠の連鎖（使用したファイルの SHA-256）", "Evidence chain (SHA-256 of every file used)"),
    "chain.short": ("証拠の連鎖", "Evidence chain"),
    "ch.kind": ("種別", "kind"),
    "ch.path": ("ファイル", "file"),
    "ch.size": ("バイト数", "bytes"),
    "ch.sha256": ("SHA-256", "SHA-256"),
    "ch.detail": ("備考", "note"),
    "ch.evidence": ("復元ファイル", "evidence"),
    "ch.server": ("操作ログ", "server log"),
    "ch.access": ("アクセスログ", "access log"),
    "ch.findings": ("調査結果", "findings"),
    "ch.lines": ("{lines} 行、{events} 件、不正行 {bad}", "{lines} lines, {events} events, {bad} bad"),
    "problems": ("取込時の問題", "Import problems"),
    "rule": ("数え方：GET で 200/206 の応答と本文があったものを 1 回とし、"
             "所有者と確認済み検索ロボット以外を外部とします。",
             "Counting: a GET answered 200/206 with a body is one access; external = neither the owner nor a "
             "verified crawler."),
    "g.election": ("選挙関係", "Elections"),
    "g.welfare": ("福祉関係", "Welfare"),
    "g.education": ("教育関係", "Education"),
    "g.tax": ("税務関係", "Taxes"),
    "g.residents": ("住民記録関係", "Resident records"),
    "g.staff": ("職員・人事関係", "Staff"),
    "g.community": ("地域・施設関係", "Community and facilities"),
    "g.business": ("業務ファイル", "Business files"),
    "g.other": ("その他", "Other"),
}


def w(key: str, lang: str = "ja", **kwargs: object) -> str:
    """The report word *key* in *lang*, formatted with *kwargs*."""
    ja, en = _WORDS[key]
    text = en if lang == "en" else ja
    return text.format(**kwargs) if kwargs else text


def categories_text(categories: tuple[str, ...] | list[str], lang: str) -> str:
    """Category ids as the labels a published table uses (氏名、住所、…)."""
    labels = [BY_ID[c].label(lang) if c in BY_ID else c for c in categories]
    return ("、" if lang == "ja" else ", ").join(labels)


def number(value: int | None) -> str:
    """682,524 (thousands separators), or an empty cell."""
    return "" if value is None else f"{value:,}"
