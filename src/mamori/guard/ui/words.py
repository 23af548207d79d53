"""The UI's words in Japanese and English (a plain table: no gettext catalogue to compile)."""

from __future__ import annotations

from mamori.detect.categories import BY_ID
from mamori.guard.incidents.words import WORDS as INCIDENT_WORDS
from mamori.guard.ui.print_words import WORDS as PRINT_WORDS

WORDS: dict[str, tuple[str, str]] = {
    "app": ("mamori 持出し管理", "mamori export control"),
    "login": ("ログイン", "Log in"),
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
}


for _table in (INCIDENT_WORDS, PRINT_WORDS):
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
