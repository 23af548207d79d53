"""``mamori audit``: check the tamper-evident log and export receipts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mamori.cli.common import EXIT_PII_FOUND, Lang
from mamori.i18n import localize, message_of, t

app = typer.Typer(help="Check the tamper-evident audit log.", no_args_is_help=True)

EXIT_INCONSISTENT = EXIT_PII_FOUND  # 1: the check ran and found the log altered


@app.command("verify")
def verify(
    home: Annotated[Path, typer.Option(help="The mamori home folder holding audit/.")],
    public_key: Annotated[Path | None, typer.Option(help="The public key you hold (default: the log's own).")] = None,
    trusted: Annotated[list[Path] | None, typer.Option(
        help="A signed checkpoint you kept (repeatable): the log must still hold exactly what it signed.")] = None,
    witness: Annotated[list[Path] | None, typer.Option(
        help="A witness folder of published checkpoints (every *.checkpoint in it is trusted).")] = None,
    database: Annotated[bool, typer.Option(
        "--database", help="Also check that every request, approval, grant and execution in the guard "
        "database has its audit entry.")] = False,
    lang: Annotated[Lang, typer.Option(help="Language of the messages.")] = Lang.ja,
) -> None:
    """Re-read every entry and checkpoint; exit 1 on any inconsistency (see docs/audit.md for what it proves)."""
    from mamori.audit import load_verifier, verify_log
    from mamori.audit.witness import read_checkpoints

    say = lang.value
    held = read_checkpoints([*(trusted or []), *(witness or [])])
    report = verify_log(home, public_key=load_verifier(public_key) if public_key else None,
                        trusted=[note for _, note in held])
    failed = not report.ok
    if report.ok:
        typer.echo(t("cli.audit.consistent", say, entries=report.entries_checked,
                     checkpoints=report.checkpoints_checked, root=report.root.hex()))
        for note in report.notes:
            typer.echo(t("cli.audit.note", say, note=localize(note, say)))
        if not held:
            typer.echo(t("cli.audit.no_checkpoint", say))
    else:
        typer.echo(t("cli.audit.inconsistent", say, problem=localize(report.problem, say)), err=True)
    if database:
        failed = _cross_check(home, say) or failed
    if failed:
        raise typer.Exit(EXIT_INCONSISTENT)


def _cross_check(home: Path, say: str) -> bool:
    """Run the database cross-check; True when it found entries missing."""
    from mamori.cli.guard_cmd import _django

    _django(home)
    from mamori.guard.auditlog.crosscheck import cross_check

    result = cross_check(home)
    if result.ok:
        typer.echo(t("cli.audit.db_matches", say, rows=result.rows, entries=result.entries))
        return False
    typer.echo(t("cli.audit.db_missing", say, count=result.missing_count), err=True)
    for line in result.missing:
        typer.echo(f"  {line}", err=True)
    return True


@app.command("verify-receipt")
def verify_receipt_cmd(
    receipt: Annotated[Path, typer.Argument(help="A receipt JSON file.")],
    public_key: Annotated[Path, typer.Option(help="The log's public key file (checkpoint.pub).")],
    lang: Annotated[Lang, typer.Option(help="Language of the messages.")] = Lang.ja,
) -> None:
    """Check one receipt offline: the entry, its inclusion proof and the signed checkpoint."""
    from mamori.audit import Receipt, load_verifier, verify_receipt
    from mamori.errors import AuditIntegrityError

    try:
        checkpoint = verify_receipt(Receipt.from_json(receipt.read_bytes()), load_verifier(public_key))
    except AuditIntegrityError as error:
        typer.echo(t("cli.audit.receipt_bad", lang.value, error=message_of(error, lang.value)), err=True)
        raise typer.Exit(EXIT_INCONSISTENT) from None
    typer.echo(t("cli.audit.receipt_ok", lang.value, size=checkpoint.size))
