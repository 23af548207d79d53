"""The notices page's words in Japanese and English (merged into the UI's word table)."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "mail": ("メール通知", "E-mail notices"),
    "mail_settings": ("通知の設定", "Settings"),
    "mail_server": ("メールサーバー", "Mail server"),
    "mail_from": ("差出人", "From"),
    "mail_link": ("メール内のリンク先", "Links in mails"),
    "mail_off": ("メールサーバーが設定されていないため、通知は送られません（MAMORI_SMTP_HOST で設定）。",
                    "No mail server is set, so no notices are sent (set MAMORI_SMTP_HOST)."),
    "mail_digest": ("毎日のまとめ（承認待ちの一覧）は、cron か systemd タイマーで次を毎朝実行すると送られます",
                       "The daily digest (what awaits each approver) is sent by running this every morning from "
                       "cron or a systemd timer"),
    "mail_sent": ("送信履歴（新しい順、200 件まで）", "Sent (newest first, at most 200)"),
    "mail_recipient": ("宛先", "To"),
    "mail_kind": ("種類", "Kind"),
    "mail_status": ("結果", "Result"),
    "notice_new_request": ("承認の依頼", "approval asked"),
    "notice_escalation": ("上位・管理者への回付", "escalated"),
    "notice_decision": ("決裁の結果", "decision"),
    "notice_device_blocked": ("未登録媒体の遮断", "medium blocked"),
    "notice_digest": ("毎日のまとめ", "daily digest"),
    "notice_sent": ("送信済み", "sent"),
    "notice_failed": ("送信できず", "failed"),
}
