"""``mamori agent policy``: the device policy of an enrolled PC (USBGuard + udev on Linux; files for Windows)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mamori.agent import policy as agent_policy
from mamori.agent.rulesyntax import problems
from mamori.agent.udev import render_udev_rules
from mamori.agent.usbguard import DAEMON_CONF, RULES_FILE, lint_base_rules, render_rules, usbguard_check
from mamori.agent.windows import LOCAL_SYSTEM_SID, write_windows
from mamori.audit.checkpoint import Verifier, parse_verifier
from mamori.cli.common import EXIT_ERROR, Lang
from mamori.errors import AuditError, ConfigError
from mamori.guard.media.policy_document import MediaPolicy, verify_policy
from mamori.i18n import t

policy_app = typer.Typer(help="Device policy: USB media the server registered, everything else blocked.",
                         no_args_is_help=True)

LangOption = Annotated[Lang, typer.Option(help="Language of the messages.")]
KeyOption = Annotated[str | None, typer.Option(
    "--key", help="The server's grant-signing public key line (pinned at enrolment).", envvar="MAMORI_AGENT_KEY")]
KeyFileOption = Annotated[Path | None, typer.Option("--key-file", help="A file holding that key line.")]
StateOption = Annotated[Path, typer.Option("--state", help="The agent's state folder (0700).")]


def _say(key: str, lang: Lang, **values: object) -> str:
    """The catalogue's ``cli.agent_policy.<key>`` in *lang*."""
    return t(f"cli.agent_policy.{key}", lang.value, **values)


def _pinned(key: str | None, key_file: Path | None) -> Verifier:
    if key_file is not None:
        try:
            key = key_file.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read the key file {key_file}: {exc}") from exc
    if not key:
        raise ConfigError("give the pinned server key: --key LINE or --key-file PATH")
    try:
        return parse_verifier(key)
    except AuditError as exc:
        raise ConfigError(f"the pinned key is not a mamori key line: {exc}") from exc


def _policy_file(path: Path, key: str | None, key_file: Path | None) -> MediaPolicy:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the policy file {path}: {exc.strerror}") from exc
    return verify_policy(raw, _pinned(key, key_file))


def _read(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc


@policy_app.command("apply")
def apply(
    server: Annotated[str, typer.Option(help="The guard server's URL (https://...).", envvar="MAMORI_SERVER")],
    token: Annotated[str, typer.Option(help="This endpoint's token (prefer the MAMORI_AGENT_TOKEN variable).",
                                       envvar="MAMORI_AGENT_TOKEN")],
    state: StateOption,
    key: KeyOption = None,
    key_file: KeyFileOption = None,
    rules_file: Annotated[Path, typer.Option(help="The USBGuard rules file to install.")] = RULES_FILE,
    base_rules: Annotated[Path, typer.Option(help="The administrator's base rules (hubs, HID, internal).")] =
    Path("/etc/mamori/usbguard-base.rules"),
    udev_rules: Annotated[Path | None, typer.Option(help="Where the udev rule goes; omit to skip it.")] =
    Path("/etc/udev/rules.d/99-mamori-media.rules"),
    daemon_conf: Annotated[Path | None, typer.Option(help="usbguard-daemon.conf whose default-deny settings the "
                                                         "agent enforces.")] = DAEMON_CONF,
    reload: Annotated[bool, typer.Option(help="Restart usbguard / reload udev after installing.")] = True,
    lang: LangOption = Lang.ja,
) -> None:
    """Fetch the signed policy, verify it with the pinned key and install it; keep the last good on failure."""
    targets = agent_policy.Targets(rules_file=rules_file, base_rules=base_rules, udev_rules=udev_rules,
                                   daemon_conf=daemon_conf, reload=reload)
    result = agent_policy.update(server, token, _pinned(key, key_file), state, targets)
    version = result.version if result.version is not None else _say("none", lang)
    typer.echo(_say(result.status, lang, version=version, reason=result.reason))
    if result.status == "applied" and not result.usbguard_checked:
        typer.echo(_say("no_usbguard", lang), err=True)
    if result.daemon:
        typer.echo(result.daemon)
    if not result.ok:
        raise typer.Exit(EXIT_ERROR)


@policy_app.command("render")
def render(
    policy_file: Annotated[Path, typer.Argument(help="A signed policy (GET /api/media-policy).")],
    key: KeyOption = None,
    key_file: KeyFileOption = None,
    base_rules: Annotated[Path | None, typer.Option(help="The administrator's base rules.")] = None,
    udev: Annotated[bool, typer.Option(help="Print the udev rule instead of the USBGuard rules.")] = False,
) -> None:
    """Print the rules a signed policy gives (nothing is installed)."""
    policy = _policy_file(policy_file, key, key_file)
    typer.echo(render_udev_rules(policy) if udev else render_rules(policy, _read(base_rules)), nl=False)


@policy_app.command("windows")
def windows(
    policy_file: Annotated[Path, typer.Argument(help="A signed policy (GET /api/media-policy).")],
    out: Annotated[Path, typer.Option(help="Folder for the .reg, the MDE XML and the Intune files.")],
    key: KeyOption = None,
    key_file: KeyFileOption = None,
    writer_sid: Annotated[str, typer.Option(help="SID allowed to write registered media (the mamori service).")]
    = LOCAL_SYSTEM_SID,
    lang: LangOption = Lang.ja,
) -> None:
    """Write the Windows policy (Device Installation Restrictions .reg, Defender device control XML)."""
    written = write_windows(_policy_file(policy_file, key, key_file), out, writer_sid)
    typer.echo(_say("written", lang, count=len(written), out=out))


@policy_app.command("check")
def check(
    rules: Annotated[Path, typer.Argument(help="A USBGuard rules file.")],
    base: Annotated[bool, typer.Option(help="Also check it is safe as base rules (no broad storage allow).")]
    = False,
    lang: LangOption = Lang.ja,
) -> None:
    """Check a rules file with the agent's checker and USBGuard's parser (exit 2 when either refuses)."""
    text = _read(rules)
    found = [str(p) for p in problems(text)]
    if base and not found:
        found += [_say("unsafe", lang, reason=r) for r in lint_base_rules(text)]
    usbguard = usbguard_check(text)
    if usbguard.available and not usbguard.ok:
        found.append(f"usbguard-rule-parser: {usbguard.output.strip()[-500:]}")
    if found:
        typer.echo(_say("check_bad", lang, path=rules), err=True)
        for line in found:
            typer.echo(f"  {line}", err=True)
        raise typer.Exit(EXIT_ERROR)
    extra = _say("check_usbguard", lang) if usbguard.available else ""
    typer.echo(_say("check_ok", lang, path=rules, usbguard=extra))
    if not usbguard.available:
        typer.echo(_say("no_usbguard", lang), err=True)


@policy_app.command("status")
def status(state: StateOption, lang: LangOption = Lang.ja) -> None:
    """The media policy version in force on this PC (as reported to the server)."""
    version = agent_policy.applied_version(state)
    typer.echo(_say("status", lang, version=version if version is not None else _say("none", lang)))
