"""The UI's words in Japanese and English (a plain table: no gettext catalogue to compile)."""

from __future__ import annotations

from mamori.detect.categories import BY_ID
from mamori.guard.incidents.words import WORDS as INCIDENT_WORDS
from mamori.guard.notices.words import WORDS as NOTICE_WORDS
from mamori.guard.ui.print_words import WORDS as PRINT_WORDS

WORDS: dict[str, tuple[str, str]] = {
    "app": ("mamori 持出し管理", "mamori export control"),
    "login": ("ログイン", "Log in"),
    "directory_unreachable": (
        "ディレクトリサーバー（LDAP / Active Directory）に接続できないため、ログインできません。しばらくしてから"
        "もう一度お試しください。続く場合は情報セキュリティ管理者に連絡してください（ローカルの管理者アカウントは"
        "この間もログインできます）。",
        "The directory server (LDAP / Active Directory) cannot be reached, so you cannot log in. Try again in a "
        "while; if it persists, tell a security administrator (local administrator accounts still log in)."),
    "directory_password": (
        "このアカウントのパスワードは庁内のディレクトリ（LDAP / Active Directory）で管理しています。"
        "パスワードの変更はディレクトリ側で行ってください。",
        "This account's password is kept by the city's directory (LDAP / Active Directory): change it there."),
    "directory_misconfigured": (
        "ディレクトリサーバー（LDAP / Active Directory）が mamori の問合せを拒否したため、ログインできません。"
        "情報セキュリティ管理者に、ディレクトリ接続の設定（サービスアカウント・検索ベース）の確認を依頼してください。",
        "The directory server (LDAP / Active Directory) refused mamori's query, so you cannot log in. Ask a "
        "security administrator to check the directory settings (service account, search base)."),
    "logout": ("ログアウト", "Log out"),
    "username": ("ユーザー名", "User name"),
    "password": ("パスワード", "Password"),
    "new_password": ("新しいパスワード", "New password"),
    "change_password": ("パスワード変更", "Change password"),
    "totp": ("確認コード（6桁）", "Authenticator code (6 digits)"),
    "totp_step": ("二要素認証", "Second factor"),
    "next": ("次へ", "Next"),
    "my_requests": ("自分の持出し申請", "My export requests"),
    "new_request": ("新規申請", "New request"),
    "queue": ("承認待ち", "Approval queue"),
    "media": ("外部記録媒体", "Media"),
    "register_medium": ("媒体の登録", "Register a medium"),
    "audit": ("監査ログ", "Audit log"),
    "report": ("月次報告", "Monthly report"),
    "users": ("利用者", "Users"),
    "files": ("ファイル", "Files"),
    "medium": ("媒体", "Medium"),
    "purpose": ("目的", "Purpose"),
    "recipient": ("提供先", "Recipient"),
    "expires_at": ("有効期限", "Expires"),
    "state": ("状態", "State"),
    "submit": ("申請する", "Submit"),
    "requester": ("申請者", "Requester"),
    "department": ("所属", "Department"),
    "categories": ("個人情報の種類", "Kinds of personal data"),
    "persons": ("人数（重複除外）", "Distinct people"),
    "special_care": ("要配慮個人情報を含みます", "Contains special-care personal data"),
    "not_inspected": ("確認できなかったファイルがあります", "Some files could not be inspected"),
    "samples": ("例（マスク済み）", "Samples (masked)"),
    "approve": ("承認", "Approve"),
    "reject": ("却下", "Reject"),
    "reason": ("理由", "Reason"),
    "decide": ("決裁", "Decision"),
    "needs_admin": ("情報セキュリティ管理者の承認も必要です", "A security administrator must approve too"),
    "approvals": ("承認履歴", "Approvals"),
    "grant": ("許可証", "Grant"),
    "withdraw": ("取り下げる", "Withdraw"),
    "search": ("検索", "Search"),
    "csv": ("CSV出力", "Export CSV"),
    "xlsx": ("Excel出力", "Export XLSX"),
    "action": ("操作", "Action"),
    "actor": ("実行者", "Actor"),
    "time": ("日時", "Time"),
    "object": ("対象", "Object"),
    "details": ("詳細", "Details"),
    "transition": ("状態を変更", "Change state"),
    "holder": ("貸出先", "Lent to"),
    "vendor_id": ("ベンダーID", "Vendor ID"),
    "product_id": ("プロダクトID", "Product ID"),
    "serial": ("シリアル番号", "Serial"),
    "capacity": ("容量（バイト）", "Capacity (bytes)"),
    "label": ("名称", "Label"),
    "encrypted": ("暗号化", "Encrypted"),
    "register": ("登録", "Register"),
    "none": ("なし", "none"),
    "yes": ("あり", "yes"),
    "no": ("なし", "no"),
    "requested": ("申請", "Requested"),
    "approved": ("承認", "Approved"),
    "rejected": ("却下", "Rejected"),
    "blocked": ("規程により不可", "Blocked by policy"),
    "executed": ("書出し", "Executed"),
    "people_carried": ("持出し人数（延べ）", "People carried (sum)"),
    "special_care_exports": ("要配慮個人情報の持出し", "Special-care exports"),
    "media_not_returned": ("未返却の媒体", "Media not returned"),
    "month": ("対象月", "Month"),
    "show": ("表示", "Show"),
    "error": ("エラー", "Error"),
    "not_found": ("見つかりません", "Not found"),
    "forbidden": ("権限がありません", "Not allowed"),
    "conflict": ("この操作はできません", "This step is not possible"),
    "bad_request": ("入力に誤りがあります", "The input is not valid"),
    "session_expired": ("セッションの有効期限が切れました。再度ログインしてください。",
                        "Your session expired; please log in again."),
    "policy.special_care": ("要配慮個人情報", "special-care data"),
    "policy.persons_over_limit": ("100人超", "more than the people limit"),
    "policy.my_number": ("個人番号", "My Number"),
    "policy.not_inspected": ("未確認ファイル", "uninspected files"),
    "english": ("English", "English"),
    "japanese": ("日本語", "日本語"),
    "role": ("役割", "Role"),
    "create": ("作成", "Create"),
    "scan.queued": ("検査の順番を待っています", "Waiting for the scan"),
    "scan.running": ("ファイルを検査しています", "Scanning the files"),
    "scan.files_done": ("検査済みファイル", "Files scanned"),
    "scan.read": ("読み込み済み", "Read"),
    "scan.elapsed": ("経過時間", "Elapsed"),
    "scan.attempt": ("試行", "Attempt"),
    "scan.auto_refresh": ("このページは検査が終わるまで自動で更新されます。",
                          "This page refreshes until the scan is done."),
    "scan.failed": ("検査できませんでした（未確認として扱います）",
                    "The scan failed (the files count as not inspected)"),
    "endpoints": ("端末", "Endpoints"),
    "endpoint": ("端末", "Endpoint"),
    "hostname": ("ホスト名", "Host name"),
    "enrolled_at": ("登録日時", "Enrolled"),
    "not_enrolled": ("未登録", "not enrolled"),
    "last_seen": ("最終接続", "Last seen"),
    "policy_version": ("適用中の媒体ポリシー", "Device policy applied"),
    "queued_events": ("端末で未送信の記録", "Events queued on the PC"),
    "status_at": ("状態報告", "Status reported"),
    "device_events": ("媒体の記録", "Device events"),
    "kind": ("種別", "Kind"),
    "occurred_at": ("発生日時", "Occurred"),
    "written": ("書出し", "Written"),
    "page_written_at": ("書出し日時", "Written at"),
    "page_written_by": ("書き出した端末", "Written by endpoint"),
    "page_not_written": ("まだ書き出されていません", "Not written yet"),
    "exports_to_medium": ("この媒体への書出し", "Exports written to this medium"),
    "event.inserted": ("接続", "inserted"),
    "event.removed": ("取外し", "removed"),
    "event.blocked": ("遮断", "blocked"),
    "event.allowed": ("許可", "allowed"),
    "event.write_refused": ("書出し拒否", "export refused"),
    "event.written": ("書出し", "export written"),
}


for _table in (INCIDENT_WORDS, PRINT_WORDS, NOTICE_WORDS):
    if set(_table) & set(WORDS):  # a page's word must never silently change another page's
        raise RuntimeError(f"UI word keys defined twice: {sorted(set(_table) & set(WORDS))}")
    WORDS.update(_table)


def word(key: str, lang: str) -> str:
    """The word for `key` in `lang` (the key itself when unknown, so a gap shows instead of failing)."""
    pair = WORDS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def category_label(category: str, lang: str) -> str:
    """A category id's label (Japanese by default)."""
    found = BY_ID.get(category)
    return found.label(lang) if found else category
