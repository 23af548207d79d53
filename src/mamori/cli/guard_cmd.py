"""``mamori guard``: set up and run the export-control server."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Annotated

import typer

from mamori.cli.common import Lang
from mamori.errors import ConfigError
from mamori.i18n import localize, said, t

app = typer.Typer(help="The export-control server (Django).", no_args_is_help=True)

LangOption = Annotated[Lang, typer.Option(help="Language of the messages.")]
HomeOption = Annotated[Path, typer.Option(help="The mamori home folder (database, keys, uploads, audit log).")]


def _django(home: Path) -> None:
    """Point Django at `home` and set it up (once per process)."""
    os.environ["MAMORI_HOME"] = str(home.resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mamori.guard.settings")
    try:
        import django
    except ImportError as exc:
        raise ConfigError("mamori guard needs Django: pip install 'mamori[server]'") from exc
    django.setup()


@app.command("init")
def init(
    home: HomeOption,
    admin: Annotated[str, typer.Option(help="User name of the first security administrator.")],
    lang: LangOption = Lang.ja,
) -> None:
    """Create the database, the signing keys and the first security administrator."""
    _django(home)
    from django.core.management import call_command

    from mamori.guard.accounts import services, totp
    from mamori.guard.accounts.models import Role, User
    from mamori.guard.auditlog.services import audit_log, record
    from mamori.guard.exports.grants import grant_signer, key_path

    call_command("migrate", interactive=False, verbosity=0)
    _private_database()
    if User.objects.exists():
        raise ConfigError(said("cli.guard.already_initialised", home=str(home)))
    grant_signer(home)
    audit_log()
    user, password = services.create_user(None, admin, Role.SECURITY_ADMIN, None)
    record("system", "guard.initialised", "home", str(home.resolve()), admin=user.username)
    say = lang.value
    typer.echo(t("cli.guard.initialised", say, home=home))
    typer.echo(t("cli.guard.init_admin", say, name=user.username))
    typer.echo(t("cli.guard.init_password", say, password=password))
    typer.echo(t("cli.guard.init_totp", say, uri=totp.provisioning_uri(user)))
    typer.echo(t("cli.guard.init_key", say, path=key_path(home).with_suffix(".pub")))


def _private_database() -> None:
    """The embedded SQLite file holds who exported what: owner-only, like everything else in HOME."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and Path(database["NAME"]).exists():
        Path(database["NAME"]).chmod(0o600)


@app.command("serve")
def serve(
    home: HomeOption,
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = "127.0.0.1",
    workers: Annotated[int, typer.Option(help="Web server processes (uvicorn).")] = 2,
) -> None:
    """Serve the web pages and the agent API (uvicorn) and run the scan worker; restart either if it exits."""
    if not (home / "guard" / "grant.key").exists():
        raise ConfigError(f"{home} is not initialised: run `mamori guard init --home {home} --admin NAME` first")
    if importlib.util.find_spec("uvicorn") is None:
        raise ConfigError("mamori guard serve needs uvicorn: pip install 'mamori[server]'")
    _django(home)
    from django.db import connections

    from mamori.guard import supervise

    def clean() -> None:
        removed = supervise.sweep_orphans(home)
        connections.close_all()
        if removed:
            typer.echo(f"removed {removed} files left by interrupted uploads", err=True)

    web = supervise.Child("web server", supervise.web_argv(host, port, workers), before_start=clean)
    worker = supervise.Child("scan worker", supervise.worker_argv(home))
    typer.echo(f"mamori guard on http://{host}:{port}/ (uvicorn, {max(1, workers)} processes, one scan worker)")
    code = supervise.supervise([web, worker], supervise.environment(home), lambda m: typer.echo(m, err=True))
    raise typer.Exit(code)


@app.command("worker")
def worker(home: HomeOption) -> None:
    """Run the background scan worker (`serve` starts one; more may run against the same database)."""
    _django(home)
    import signal

    from mamori.guard.exports.worker import serve_forever

    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda signum, _frame: stopping.append(signum))
    signal.signal(signal.SIGINT, lambda signum, _frame: stopping.append(signum))
    serve_forever(stop=lambda: bool(stopping))


@app.command("endpoint")
def endpoint(
    home: HomeOption,
    name: Annotated[str, typer.Option(help="The endpoint's name (e.g. the PC's host name).")],
    department: Annotated[str | None, typer.Option(help="Department code it serves (default: all).")] = None,
    public_key: Annotated[Path | None, typer.Option(
        help="The agent's Ed25519 public key file; its reports must then be signed.")] = None,
    reenrol: Annotated[bool, typer.Option(
        "--reenrol", help="A new enrolment token for an existing endpoint (a reinstalled PC).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="Print only the token.")] = False,
    lang: LangOption = Lang.ja,
) -> None:
    """Register an endpoint agent and print its one-time enrolment token (shown once).

    On the PC: ``mamori agent enrol --server URL --token TOKEN``. The agent then registers its own key,
    receives its own token (this one stops working) and pins the grant-signing key whose fingerprint is
    printed here: compare the two.
    """
    _django(home)
    from mamori.guard.accounts.models import Department
    from mamori.guard.api.models import Endpoint
    from mamori.guard.api.services import create_endpoint, reset_enrolment
    from mamori.guard.api.signing import fingerprint
    from mamori.guard.exports.grants import grant_verifier

    if reenrol:
        existing = Endpoint.objects.filter(name=name.strip()).first()
        if existing is None:
            raise ConfigError(f"no endpoint named {name}; leave out --reenrol to create it")
        token = reset_enrolment(None, existing)
    else:
        dept = None
        if department is not None:
            dept = Department.objects.filter(code=department).first()
            if dept is None:
                raise ConfigError(f"no department with code {department}")
        key = ""
        if public_key is not None:
            try:
                key = public_key.read_text(encoding="ascii").strip()
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"cannot read the public key {public_key}: {exc}") from exc
        _, token = create_endpoint(None, name, dept, public_key=key)
    typer.echo(token)
    if not quiet:
        typer.echo(t("cli.guard.endpoint_enrol", lang.value, token=token))
        printed = fingerprint(grant_verifier(home).to_text())
        typer.echo(t("cli.guard.endpoint_fingerprint", lang.value, fingerprint=printed))


@app.command("migrate")
def migrate(home: HomeOption, lang: LangOption = Lang.ja) -> None:
    """Bring the database up to this version's schema (run after every upgrade)."""
    if not (home / "guard" / "grant.key").exists():
        raise ConfigError(f"{home} is not initialised: run `mamori guard init --home {home} --admin NAME` first")
    _django(home)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    _private_database()
    typer.echo(t("cli.guard.migrated", lang.value, home=home))


@app.command("rotate-grant-key")
def rotate_grant_key(home: HomeOption, lang: LangOption = Lang.ja) -> None:
    """Replace the grant-signing key; the old one is kept beside it, retired (endpoints must enrol again)."""
    if not (home / "guard" / "grant.key").exists():
        raise ConfigError(f"{home} is not initialised: run `mamori guard init --home {home} --admin NAME` first")
    _django(home)
    from datetime import UTC, datetime

    from mamori.guard.auditlog.services import record
    from mamori.guard.exports.grants import grant_verifier, key_path

    old = grant_verifier(home).to_text()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    key = key_path(home)
    for path in (key, key.with_suffix(".pub")):
        path.rename(path.with_name(f"{path.name}.retired-{stamp}"))
    new = grant_verifier(home).to_text()
    record("system", "guard.grant_key_rotated", "home", str(home.resolve()), old_key=old, new_key=new)
    typer.echo(t("cli.guard.new_key", lang.value, key=new))
    typer.echo(t("cli.guard.retired_key", lang.value, name=f"{key.name}.retired-{stamp}"))


@app.command("directory-check")
def directory_check(
    home: HomeOption,
    username: Annotated[str, typer.Argument(help="A user name as typed at log-in (uid / sAMAccountName).")],
) -> None:
    """Ask the configured directory about one person: their DN, groups, and the role and department they would get."""
    _django(home)
    from django.conf import settings

    if settings.MAMORI_DIRECTORY is None:
        raise ConfigError("no directory is configured: set MAMORI_LDAP_URI or write HOME/guard/directory.toml "
                          "(see the operations page)")
    from mamori.guard.accounts.directory_login import describe
    from mamori.guard.accounts.models import Department

    view = describe(username)
    if view is None:
        raise ConfigError(f"{username} is not found under {settings.MAMORI_DIRECTORY.user_base} with "
                          f"{settings.MAMORI_DIRECTORY.user_filter}")
    typer.echo(f"dn:         {view.dn}\nname:       {view.name}\nmail:       {view.mail}")
    for group in view.groups:
        typer.echo(f"group:      {group}")
    typer.echo(f"role:       {view.role}")
    if view.department is None:
        typer.echo("department: none (no mapped department group)")
    else:
        known = Department.objects.filter(code=view.department).first()
        typer.echo(f"department: {known if known else view.department + ' (not created in mamori yet)'}")


@app.command("import-staff")
def import_staff(
    home: HomeOption,
    staff_file: Annotated[Path, typer.Argument(help="The personnel system's export (CSV in any Japanese encoding, "
                                                    "or XLSX): ユーザー名, 氏名, 所属コード, 所属名, 役割.")],
    apply_it: Annotated[bool, typer.Option("--apply", help="Carry the plan out (without it: a dry run).")] = False,
    passwords: Annotated[Path | None, typer.Option(
        help="Where to write the new users' one-time passwords (CSV, mode 0600); needed with --apply.")] = None,
    lang: LangOption = Lang.ja,
) -> None:
    """Import staff and departments in bulk: shows the plan (dry run) unless --apply is given."""
    if apply_it and passwords is None:
        raise ConfigError("--apply creates users with one-time passwords: name a file for them with --passwords")
    if passwords is not None and passwords.exists():
        raise ConfigError(f"{passwords} exists; choose a new file for the one-time passwords")
    try:
        data = staff_file.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {staff_file}: {exc.strerror}") from exc
    _django(home)
    from mamori.guard.accounts import bulk
    from mamori.guard.accounts.models import Role, User

    rows = bulk.read_rows(data, staff_file.name)
    actor = User.objects.filter(role=Role.SECURITY_ADMIN, is_active=True).order_by("pk").first()
    if actor is None:
        raise ConfigError(f"{home} has no security administrator: run `mamori guard init` first")
    plan = bulk.plan(rows, actor)
    for change in plan.changes:
        where = t("cli.guard.import_line", lang.value, line=change.line) if change.line else ""
        typer.echo(f"{change.kind:10} {where}{change.subject} {localize(change.detail, lang.value)}".rstrip())
    typer.echo(t("cli.guard.import_plan", lang.value, rows=len(rows), create=plan.count("create"),
                 update=plan.count("update"), departments=plan.count("department"), heads=plan.count("head"),
                 errors=len(plan.errors)))
    if plan.errors:
        raise typer.Exit(1)
    if not apply_it:
        typer.echo(t("cli.guard.import_dry_run", lang.value))
        return
    assert passwords is not None
    created = bulk.apply(actor, plan)
    from mamori.guard.home import write_private

    write_private(passwords, ("username,one_time_password\n" + "".join(f"{u},{p}\n" for u, p in created)).encode())
    typer.echo(t("cli.guard.imported", lang.value, count=len(created), path=passwords))


@app.command("digest")
def digest(home: HomeOption, lang: LangOption = Lang.ja) -> None:
    """Mail each approver the export requests waiting for them (run daily from cron or a systemd timer)."""
    _django(home)
    from django.conf import settings
    from django.utils import timezone

    from mamori.guard.notices.digest import send_digest

    if not settings.MAMORI_NOTICES:
        raise ConfigError("no mail server is configured: set MAMORI_SMTP_HOST (and MAMORI_SMTP_PORT) first")
    typer.echo(t("cli.guard.digest_sent", lang.value, count=send_digest(timezone.localdate())))


@app.command("mail-checkpoint")
def mail_checkpoint(home: HomeOption, lang: LangOption = Lang.ja) -> None:
    """Mail the audit log's newest signed checkpoint to the auditors (run daily from cron or a systemd timer)."""
    _django(home)
    from django.conf import settings

    from mamori.guard.notices.checkpoint_mail import mail_checkpoint as send

    if not settings.MAMORI_NOTICES:
        raise ConfigError("no mail server is configured: set MAMORI_SMTP_HOST (and MAMORI_SMTP_PORT) first")
    typer.echo(t("cli.guard.checkpoint_mailed", lang.value, count=send()))
