"""``mamori agent``: the endpoint agent — enrol a PC, write approved exports, send its queue."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from mamori.cli.agent_policy_cmd import policy_app
from mamori.cli.common import EXIT_ERROR, Lang
from mamori.i18n import t

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


def _say(lang: Lang, key: str, **values: object) -> None:
    typer.echo(t(key, lang.value, **values))


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
    _say(lang, "cli.agent.enrolled", endpoint=config.endpoint, server=config.server)
    _say(lang, "cli.agent.fingerprint", fingerprint=config.grant_fingerprint)


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
        _say(lang, "cli.agent.refused", message=refusal.message(lang.value))
        raise typer.Exit(EXIT_ERROR) from None
    size = sum(f.size for f in result.files)
    _say(lang, "cli.agent.written", files=len(result.files), size=size, folder=result.folder)
    if flushed.unreachable:
        _say(lang, "cli.agent.queued")
    elif (result.folder / "mamori-receipt.json").exists():
        _say(lang, "cli.agent.receipt", path=result.folder / "mamori-receipt.json")


@app.command("sync")
def sync(home: HomeOption = None, lang: LangOption = Lang.ja) -> None:
    """Send queued events and export reports to the server; exit 1 if it cannot be reached."""
    from mamori.agent.runner import make_agent

    flushed, reached = make_agent(_home(home), lang=lang.value).sync()
    _say(lang, "cli.agent.synced", sent=flushed.sent, failed=flushed.failed, pending=flushed.pending)
    if not reached:
        _say(lang, "cli.agent.unreachable", why=flushed.unreachable)
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
    for key in ("home", "server", "endpoint", "enrolled_at", "grant_key_fingerprint", "server_reachable",
                "server_key_matches", "queued", "sent", "policy_version"):
        typer.echo(f"{t(f'cli.agent.status.{key}', lang.value)}: {state[key]}")
    for failed in state["refused_by_server"]:
        why = f"{failed['path']} ({failed['status']}) {failed['answer'].get('message', '')}"
        _say(lang, "cli.agent.server_refused", why=why)
    if state["server_key_matches"] is False:
        raise typer.Exit(EXIT_ERROR)
