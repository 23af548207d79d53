"""Why the agent refused or failed an export: a code, a Japanese and an English sentence."""

from __future__ import annotations

from mamori.errors import WorkflowError

# code → (Japanese, English); the detail (which file, which key) is appended to both.
REASONS: dict[str, tuple[str, str]] = {
    "forged": ("許可証の署名を確認できません（偽造または改変）。書き出しません。",
               "the grant's signature does not verify (forged or altered); nothing was written"),
    "expired": ("許可証の有効期限が切れています。申請をやり直してください。",
                "the grant has expired; submit the request again"),
    "used": ("この許可証は既に使用済みです（許可証は1回限り有効）。",
             "this grant has already been used (a grant works once)"),
    "other_medium": ("接続されている媒体は、承認された媒体ではありません。承認された媒体を接続してください。",
                     "the medium at this mount point is not the medium the grant approves; connect that medium"),
    "medium_unknown": ("書出し先の媒体を特定できません（USB 記録媒体ではないか、接続されていません）。",
                       "cannot tell which medium is at this mount point (not a USB medium, or not connected)"),
    "file_changed": ("承認後にファイルが変更されています。変更後の内容で申請し直してください。",
                     "a file was changed after approval; submit a new request with the new content"),
    "file_added": ("承認されていないファイルが含まれています。"
                   "承認されたファイルだけを置いたフォルダを指定してください。",
                   "the folder holds files that were not approved; point to a folder with only the approved files"),
    "file_missing": ("承認されたファイルが見つかりません。", "an approved file is missing"),
    "server_key_changed": ("サーバーの署名鍵が登録時と異なります。管理者に確認のうえ登録し直してください。",
                           "the server's signing key is not the one pinned at enrolment; check with the "
                           "administrator and enrol again"),
    "destination_exists": ("書出し先に同じ名前のフォルダが既にあります。", "the destination folder already exists"),
    "medium_removed": ("書出し中に媒体が取り外されました。媒体には何も残していません。",
                       "the medium was removed during the copy; nothing was left on it"),
    "disk_full": ("媒体の空き容量が足りません。媒体には何も残していません。",
                  "the medium is full; nothing was left on it"),
    "verify_failed": ("書き込んだ内容の読み戻し確認に失敗しました。媒体には何も残していません。",
                      "what was written did not read back the same; nothing was left on the medium"),
    "write_failed": ("媒体への書き込みに失敗しました。媒体には何も残していません。",
                     "writing to the medium failed; nothing was left on it"),
    "not_enrolled": ("この PC はまだ登録されていません（mamori agent enrol を実行してください）。",
                     "this PC is not enrolled yet: run `mamori agent enrol`"),
    "grant_unavailable": ("許可証を取得できません（サーバーに接続できないか、該当する許可証がありません）。"
                          "許可証ファイルを指定してください。",
                          "cannot fetch the grant (server unreachable or no such grant); give the grant file"),
}


class ExportRefused(WorkflowError):
    """An export the agent refused or abandoned; nothing is left on the medium."""

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in REASONS:
            raise ValueError(f"unknown refusal code {code}")
        self.code = code
        self.detail = detail
        super().__init__(self.message("ja") + " / " + self.message("en"))

    def message(self, lang: str = "ja") -> str:
        """The sentence for a person, in `lang` (ja or en), with the detail."""
        ja, en = REASONS[self.code]
        text = en if lang == "en" else ja
        return f"{text} ({self.detail})" if self.detail else text


class AgentError(WorkflowError):
    """The agent cannot do what was asked (not enrolled, bad home, server answer it cannot use)."""
