"""``mamori agent``: the endpoint agent — enrol a PC, write approved exports, send its queue."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from mamori.cli.agent_policy_cmd import policy_app
from mamori.cli.common import EXIT_ERROR, Lang

app = typer.Typer(help="The endpoint agent: enrol this PC, write approved exports, send events.",
                  no_args_is_help=True)

# The device-policy half: `mamori agent policy apply|render|windows|check|status`.
app.add_typer(policy_app, name="policy")

HomeOption = Annotated[Path | None, typer.Option(
    help="The agent home (default: $MAMORI_AGENT_HOME, /var/lib/mamori-agent for root).")]
LangOption = Annotated[Lang, typer.Option(help="Language of the messages.")]


def _home(home: Path | None) -> Path:
    from mamori.agent.home import HOME_ENV, default_home
    from mamori.agent.refusal import AgentError

    # Under sudo the agent writes as root for a user: that user must not choose the home (its pinned key,
    # its medium tables), or they could have root write anything anywhere.
    if os.environ.get("SUDO_USER") and (home is not None or os.environ.get(HOME_ENV)):
        raise AgentError("under sudo the agent uses its own home only: leave out --home and MAMORI_AGENT_HOME")
    return home if home is not None else default_home()


def _say(lang: Lang, ja: str, en: str) -> None:
    typer.echo(en if lang is Lang.en else ja)


@app.command("enrol")
def enrol(
    server: Annotated[str, typer.Option(help="The guard server, e.g. https://guard.city.example.")],
    token: Annotated[str, typer.Option(help="The one-time token printed by `mamori guard endpoint`.")],
    home: HomeOption = None,
    fingerprint: Annotated[str | None, typer.Option(
        help="The grant-key fingerprint the administrator read out; enrolment fails if it differs.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Enrol again over an existing enrolment.")] = False,
    sysfs_root: Annotated[str, typer.Option(hidden=True)] = "/sys",
    mountinfo: Annotated[str, typer.Option(hidden=True)] = "/proc/self/mountinfo",
    lang: LangOption = Lang.ja,
) -> None:
    """Register this PC with the server and pin the server's grant-signing key."""
    from mamori.agent.home import AgentHome
    from mamori.agent.runner import enrol as do_enrol

    config = do_enrol(AgentHome(_home(home)), server, token, expect_fingerprint=fingerprint, force=force,
                      sysfs_root=sysfs_root, mountinfo=mountinfo)
    _say(lang, f"登録しました: 端末名 {config.endpoint}（{config.server}）",
         f"enrolled as endpoint {config.endpoint} with {config.server}")
    _say(lang, f"  サーバー署名鍵の指紋（管理者の表示と同じか確認してください）: {config.grant_fingerprint}",
         f"  server grant-key fingerprint (must equal what the administrator sees): {config.grant_fingerprint}")


@app.command("export")
def export(
    grant: Annotated[str, typer.Argument(help="The grant id (fetched from the server) or a grant file.")],
    to: Annotated[Path, typer.Option("--to", help="Mount point of the approved medium.")],
    source: Annotated[Path, typer.Option("--from", help="Folder holding exactly the approved files.")] = Path("."),
    home: HomeOption = None,
    lang: LangOption = Lang.ja,
) -> None:
    """Write an approved export to its medium: verified, all files or none."""
    from mamori.agent.refusal import ExportRefused
    from mamori.agent.runner import make_agent

    agent = make_agent(_home(home), lang=lang.value)
    try:
        result, flushed = agent.export(grant, source, to)
    except ExportRefused as refusal:
        _say(lang, f"書き出しを中止しました: {refusal.message('ja')}", f"export refused: {refusal.message('en')}")
        raise typer.Exit(EXIT_ERROR) from None
    size = sum(f.size for f in result.files)
    _say(lang, f"書き出しました: {len(result.files)} ファイル, {size} バイト → {result.folder}",
         f"written: {len(result.files)} files, {size} bytes → {result.folder}")
    if flushed.unreachable:
        _say(lang, "  サーバーに接続できないため、完了報告は次回の接続時に送ります（mamori agent sync）。",
             "  the server is unreachable: the report is queued and sent on reconnection (mamori agent sync)")
    elif (result.folder / "mamori-receipt.json").exists():
        _say(lang, f"  監査ログの受領証: {result.folder / 'mamori-receipt.json'}",
             f"  audit receipt: {result.folder / 'mamori-receipt.json'}")


@app.command("sync")
def sync(home: HomeOption = None, lang: LangOption = Lang.ja) -> None:
    """Send queued events and export reports to the server; exit 1 if it cannot be reached."""
    from mamori.agent.runner import make_agent

    flushed, reached = make_agent(_home(home), lang=lang.value).sync()
    _say(lang, f"送信 {flushed.sent} 件, 拒否 {flushed.failed} 件, 未送信 {flushed.pending} 件",
         f"sent {flushed.sent}, refused {flushed.failed}, still queued {flushed.pending}")
    if not reached:
        _say(lang, f"  サーバーに接続できません: {flushed.unreachable}", f"  server unreachable: {flushed.unreachable}")
        raise typer.Exit(1)


@app.command("status")
def status(
    home: HomeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
    lang: LangOption = Lang.ja,
) -> None:
    """Show enrolment, the pinned key, the server's reachability and the queue."""
    from mamori.agent.runner import make_agent

    state = make_agent(_home(home), lang=lang.value).status()
    if as_json:
        typer.echo(json.dumps(state, ensure_ascii=False, indent=1))
        return
    labels = {"home": ("ホーム", "home"), "server": ("サーバー", "server"), "endpoint": ("端末名", "endpoint"),
              "enrolled_at": ("登録日時", "enrolled at"),
              "grant_key_fingerprint": ("署名鍵の指紋", "grant-key fingerprint"),
              "server_reachable": ("サーバー接続", "server reachable"),
              "server_key_matches": ("署名鍵の一致", "server key matches"), "queued": ("未送信", "queued"),
              "sent": ("送信済", "sent"), "policy_version": ("適用中の媒体ポリシー", "device policy applied")}
    for key, (ja, en) in labels.items():
        typer.echo(f"{en if lang is Lang.en else ja}: {state[key]}")
    for failed in state["refused_by_server"]:
        why = f"{failed['path']} ({failed['status']}) {failed['answer'].get('message', '')}"
        _say(lang, f"サーバーが拒否した報告: {why}", f"report refused by the server: {why}")
    if state["server_key_matches"] is False:
        raise typer.Exit(EXIT_ERROR)
