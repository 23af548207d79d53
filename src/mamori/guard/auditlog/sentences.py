"""Audit entries as sentences a person reads (「山田（市民課）が 申請#12 を承認」), in the city's time zone.

The log itself keeps the stable action codes; this is only how the pages say them. An action without a sentence
here is still shown, as its code with its object, so nothing recorded is ever hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from mamori.audit import AuditEvent

# action → (Japanese, English); {actor} {id} and any detail key may be used.
SENTENCES: dict[str, tuple[str, str]] = {
    "export.requested": ("{actor} が 申請#{id} を提出", "{actor} submitted request #{id}"),
    "export.scanned": ("申請#{id} の走査が完了（{persons} 人分）", "request #{id} scanned ({persons} people)"),
    "export.approved": ("{actor} が 申請#{id} を承認{capacity}", "{actor} approved request #{id}{capacity_en}"),
    "export.rejected": ("{actor} が 申請#{id} を却下", "{actor} rejected request #{id}"),
    "export.blocked": ("申請#{id} は規程により持出し不可", "request #{id} is forbidden by the policy"),
    "export.voided": ("申請#{id} を無効化（{why}）", "request #{id} voided ({why})"),
    "export.withdrawn": ("{actor} が 申請#{id} を取下げ", "{actor} withdrew request #{id}"),
    "export.amended": ("{actor} が 申請#{id} を修正", "{actor} amended request #{id}"),
    "export.executed": ("{actor} が 許可 {id} の書出しを実行", "{actor} wrote the export of grant {id}"),
    "export.mismatch": ("許可 {id} の書出し報告が許可と一致しない（{problem}）",
                        "the export report of grant {id} does not match it ({problem})"),
    "approval.refused": ("{actor} の 申請#{id} への承認を拒否（{why}）", "{actor} was refused approving #{id} ({why})"),
    "grant.issued": ("申請#{request_id} の許可を発行", "grant issued for request #{request_id}"),
    "grant.refused": ("許可 {id} の使用を拒否", "use of grant {id} refused"),
    "grant.reuse_refused": ("使用済みの許可 {id} の再使用を拒否", "reuse of grant {id} refused"),
    "grant.expired_refused": ("期限切れの許可 {id} の使用を拒否", "use of expired grant {id} refused"),
    "login.succeeded": ("{actor} がログイン", "{actor} logged in"),
    "login.failed": ("{actor} のログインに失敗（{step}）", "{actor} failed to log in ({step})"),
    "login.locked_out": ("{id} のログインを一時停止", "log-in of {id} paused"),
    "login.refused_locked": ("一時停止中の {actor} のログインを拒否", "log-in of {actor} refused while paused"),
    "logout": ("{actor} がログアウト", "{actor} logged out"),
    "user.created": ("{actor} が 利用者 {id} を作成", "{actor} created user {id}"),
    "user.changed": ("{actor} が 利用者 {id} を変更", "{actor} changed user {id}"),
    "user.role_changed": ("{actor} が {id} の役割を変更（{old} → {new}）",
                          "{actor} changed {id}'s role ({old} → {new})"),
    "user.password_changed": ("{actor} がパスワードを変更", "{actor} changed their password"),
    "account.totp_enrolled": ("{actor} が二要素認証を登録", "{actor} set up two-factor authentication"),
    "department.created": ("{actor} が 所属 {code} {name} を作成", "{actor} created department {code} {name}"),
    "department.head_set": ("{actor} が 所属#{id} の所属長を {head} に設定", "{actor} made {head} head of #{id}"),
    "department.head_cleared": ("{actor} が 所属#{id} の所属長 {head} を解除",
                                "{actor} removed {head} as head of #{id}"),
    "login.directory_unavailable": ("{actor} のログイン時にディレクトリサーバーへ接続できず",
                                    "the directory could not be reached when {actor} logged in"),
    "department.placed": ("{actor} が 所属#{id} を組織図に配置（上位: {parent}）",
                          "{actor} placed #{id} under {parent}"),
    "deputy.appointed": ("{actor} が 所属#{id} の代理承認者に {deputy} を指定（{starts_on}〜{ends_on}）",
                         "{actor} made {deputy} deputy of #{id} ({starts_on} – {ends_on})"),
    "deputy.revoked": ("{actor} が 所属#{id} の代理承認者 {deputy} を取消", "{actor} revoked deputy {deputy} of #{id}"),
    "staff.imported": ("{actor} が職員を一括登録（{rows} 行）", "{actor} imported staff ({rows} rows)"),
    "medium.registered": ("{actor} が 媒体#{id} を登録", "{actor} registered medium #{id}"),
    "medium.changed": ("{actor} が 媒体#{id} の状態を変更（{old} → {new}）",
                       "{actor} changed medium #{id} ({old} → {new})"),
    "endpoint.created": ("{actor} が 端末 {id} を登録", "{actor} registered endpoint {id}"),
    "device.blocked": ("端末 {id} で媒体を遮断", "a medium was blocked on {id}"),
    "device.allowed": ("端末 {id} で登録媒体を許可", "a registered medium was allowed on {id}"),
    "device.inserted": ("端末 {id} に媒体を接続", "a medium was connected to {id}"),
    "device.removed": ("端末 {id} から媒体を取外し", "a medium was removed from {id}"),
    "device.write_refused": ("端末 {id} で書込みを拒否", "a write was refused on {id}"),
    "device.written": ("端末 {id} で書出し", "an export was written on {id}"),
    "incident.recorded": ("{actor} が 事案#{id} を登録", "{actor} recorded incident #{id}"),
    "incident.updated": ("{actor} が 事案#{id} を更新", "{actor} updated incident #{id}"),
    "incident.findings_imported": ("{actor} が 事案#{id} に調査結果を取込み（{people} 人）",
                                   "{actor} imported findings into incident #{id} ({people} people)"),
    "incident.preliminary_reported": ("{actor} が 事案#{id} の速報を記録",
                                      "{actor} recorded the preliminary report of #{id}"),
    "incident.final_reported": ("{actor} が 事案#{id} の確報を記録", "{actor} recorded the final report of #{id}"),
    "incident.notices_sent": ("{actor} が 事案#{id} の通知送付を記録（{sent} 件）",
                              "{actor} recorded notices sent for incident #{id} ({sent})"),
    "audit.exported": ("{actor} が監査ログを出力（{rows} 件）", "{actor} exported the audit log ({rows} rows)"),
    "guard.initialised": ("mamori guard を初期化", "mamori guard initialised"),
    "guard.grant_key_rotated": ("許可の署名鍵を更新", "grant-signing key rotated"),
}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "—"


@dataclass(frozen=True)
class Line:
    """One entry as the audit page shows it."""

    index: int
    when: str
    sentence: str
    action: str
    details: str


def when(event: AuditEvent) -> str:
    """The entry's time in the city's zone, to the second."""
    try:
        moment = datetime.fromisoformat(event.time.replace("Z", "+00:00"))
    except ValueError:
        return event.time
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def sentence(event: AuditEvent, lang: str) -> str:
    """What happened, as a sentence (the action code with its object when no sentence is known)."""
    pair = SENTENCES.get(event.action)
    if pair is None:
        target = f" {event.object_type} {event.object_id}".rstrip() if event.object_type else ""
        return f"{event.actor}: {event.action}{target}"
    values = _Blank({k: v for k, v in event.details.items() if isinstance(v, str | int | float)})
    values.update(actor=event.actor, id=event.object_id, capacity="", capacity_en="")
    if event.details.get("as_deputy_for"):
        values.update(capacity=f"（{event.details['as_deputy_for']} の代理）",
                      capacity_en=f" (as deputy for {event.details['as_deputy_for']})")
    elif event.details.get("escalated_from"):
        values.update(capacity=f"（{event.details['escalated_from']} の所属長本人の申請のため上位の所属長として）",
                      capacity_en=" (as the head above: the requester heads the department)")
    return (pair[1] if lang == "en" else pair[0]).format_map(values)


def details_text(event: AuditEvent) -> str:
    """The recorded details as `key: value` text: nested values flattened, times local (no Python syntax)."""
    return "、".join(f"{k}: {_value(v)}" for k, v in sorted(event.details.items()) if v not in ("", None, [], {}))


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return "(" + ", ".join(f"{k}={_value(v)}" for k, v in value.items()) + ")"
    if isinstance(value, list | tuple):
        return "; ".join(_value(v) for v in value)
    if isinstance(value, str) and len(value) >= 20 and value[4:5] == "-" and value[10:11] == "T":
        try:
            return timezone.localtime(datetime.fromisoformat(value.replace("Z", "+00:00"))).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    return str(value)


def lines(rows: list[tuple[int, AuditEvent]], lang: str) -> list[Line]:
    return [Line(i, when(e), sentence(e, lang), e.action, details_text(e)) for i, e in rows]
