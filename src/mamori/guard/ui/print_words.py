"""The words of the printed forms (持出し申請書, 媒体管理台帳), merged into the UI's word table."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "export_form": ("外部記録媒体への個人情報持出し申請書", "Request to export personal data to a medium"),
    "media_ledger": ("外部記録媒体管理台帳", "Register of external media"),
    "print_pdf": ("印刷用 PDF", "PDF to print"),
    "print_xlsx": ("Excel", "Excel"),
    "request_no": ("申請番号", "Request no."),
    "requested_at": ("申請日時", "Requested"),
    "pf_requester": ("申請者（所属）", "Requester (department)"),
    "persons_total": ("人数（重複除外）", "Distinct people"),
    "pf_special_care": ("要配慮個人情報", "Special-care data"),
    "pf_not_inspected": ("確認できなかったファイル数", "Files not inspected"),
    "void": ("無効（ファイル変更）", "void (files changed)"),
    "issued_at": ("許可日時", "Issued"),
    "written_at": ("書出し日時", "Written"),
    "written_by": ("書出し端末", "Written by"),
    "not_written": ("未実行", "not written"),
    "pf_no": ("番号", "No."),
    "file_name": ("ファイル名", "File"),
    "size": ("サイズ（バイト）", "Size (bytes)"),
    "sha256": ("SHA-256", "SHA-256"),
    "status": ("確認状態", "Status"),
    "pf_categories": ("個人情報の種類", "Kinds of personal data"),
    "persons_col": ("人数", "People"),
    "step": ("段階", "Step"),
    "approver": ("承認者", "Approver"),
    "decision": ("判断", "Decision"),
    "decided_at": ("日時", "When"),
    "signatures": ("確認欄", "Signatures"),
    "pf_label": ("媒体名", "Label"),
    "usb_id": ("VID:PID", "VID:PID"),
    "pf_serial": ("シリアル番号", "Serial"),
    "pf_capacity": ("容量（GB）", "Capacity (GB)"),
    "pf_encrypted": ("暗号化", "Encrypted"),
    "pf_holder": ("保管者・貸出先", "Held by"),
    "registered_at": ("登録日", "Registered"),
    "history": ("履歴", "History"),
    "event_time": ("日時", "When"),
    "pf_actor": ("操作者", "By"),
    "event": ("内容", "What"),
    "printed_at": ("出力日時", "Printed"),
    "no_head_warning": ("所属長が設定されていない所属があります（その所属の申請は誰にも届きません）",
                        "Departments without a head (their requests reach nobody)"),
    "set_head_here": ("所属長を設定する", "set the head"),
    "decide_wrong_code": ("確認コードが違うか、すでに使われたコードです。認証アプリの最新の 6 桁を入力し直してください"
                          "（続けて間違えると、しばらく承認できなくなります）。",
                          "The code is wrong or was already used. Enter the app's current 6 digits again (repeated "
                          "mistakes pause approving for a while)."),
    # bulk import of staff
    "staff_import": ("職員・所属の一括登録", "Import staff and departments"),
    "staff_help": ("人事システムから出力した CSV（文字コードは自動判定）または Excel を選んでください。列は "
                   "ユーザー名・氏名・所属コード・所属名・役割（職員／所属長／情報セキュリティ管理者／監査担当）です。"
                   "まず変更内容を確認し、その後で登録します。",
                   "Choose the personnel system's export as CSV (any Japanese encoding) or Excel, with the columns "
                   "username, name, department code, department name and role (staff / section head / security "
                   "administrator / auditor). You see the changes first, then apply them."),
    "staff_file": ("職員一覧のファイル", "Staff file"),
    "staff_check": ("変更内容を確認する", "Check the changes"),
    "staff_dry_run": ("まだ何も変更していません。次の内容でよければ「登録する」を押してください。",
                      "Nothing has been changed yet. Press Apply if the changes below are right."),
    "staff_apply": ("登録する", "Apply"),
    "staff_imported": ("一括登録しました。", "Imported."),
    "staff_passwords_once": ("新しい利用者の初期パスワードです。この画面でしか表示しません。本人に渡してください"
                             "（初回ログイン時に変更が必要です）。",
                             "The new users' one-time passwords, shown only here: hand them over (they must be "
                             "changed at the first log-in)."),
    "staff_fix_errors": ("登録できない行があります。ファイルを直して選び直してください。",
                         "Some rows cannot be taken: correct the file and choose it again."),
    "staff_new_users": ("新しい利用者", "new users"),
    "staff_changed": ("変更される利用者", "users changed"),
    "staff_new_departments": ("新しい所属", "new departments"),
    "staff_heads": ("所属長の設定", "heads set"),
    "staff_errors": ("登録できない行", "rows that cannot be taken"),
    "staff_line": ("行", "line"),
    "staff_change": ("変更", "change"),
    "staff_kind_department": ("所属の新設", "new department"),
    "staff_kind_create": ("利用者の新規登録", "new user"),
    "staff_kind_update": ("利用者の変更", "user changed"),
    "staff_kind_unchanged": ("変更なし", "unchanged"),
    "staff_kind_head": ("所属長に設定", "made head"),
    "staff_kind_warning": ("注意", "warning"),
    "staff_kind_error": ("登録できない", "cannot be taken"),
    # TOTP enrolment (any user; heads, administrators and auditors get theirs when created)
    "totp_enrol": ("二要素認証の登録", "Set up two-factor authentication"),
    "totp_scan_qr": ("認証アプリ（Google Authenticator、Microsoft Authenticator など）でこの QR コードを読み取り、"
                     "表示された 6 桁の数字を入力してください。",
                     "Scan this QR code with an authenticator app (Google Authenticator, Microsoft Authenticator …) "
                     "and enter the 6 digits it shows."),
    "totp_manual": ("QR コードを読めないとき（手入力用の鍵）", "Cannot scan? Enter this key by hand"),
    "totp_wrong_code": ("確認コードが違います。アプリの最新の 6 桁を入力し直してください（時計がずれていないかも"
                        "確認してください）。",
                        "That code does not match. Enter the app's current 6 digits again (and check the phone's "
                        "clock)."),
    "totp_confirm": ("登録する", "Set up"),
    "totp_enrolled_now": ("二要素認証を登録しました。次回からログイン時に確認コードを入力します。",
                          "Two-factor authentication is set up: you will enter a code at every log-in."),
    "totp_already": ("二要素認証は登録済みです。", "Two-factor authentication is already set up."),
}
