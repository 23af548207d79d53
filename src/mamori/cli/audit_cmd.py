"""``mamori audit``: check the tamper-evident log and export receipts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mamori.cli.common import EXIT_PII_FOUND, Lang

app = typer.Typer(help="Check the tamper-evident audit log.", no_args_is_help=True)

EXIT_INCONSISTENT = EXIT_PII_FOUND  # 1: the check ran and found the log altered


@app.command("verify")
def verify(
    home: Annotated[Path, typer.Option(help="The mamori home folder holding audit/.")],
    public_key: Annotated[Path | None, typer.Option(help="The public key you hold (default: the log's own).")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the messages.")] = Lang.ja,
) -> None:
    """Re-read every entry and checkpoint; exit 1 on any inconsistency."""
    from mamori.audit import load_verifier, verify_log

    report = verify_log(home, public_key=load_verifier(public_key) if public_key else None)
    if report.ok:
        ok = "監査ログは整合しています" if lang is Lang.ja else "audit log is consistent"
        typer.echo(f"{ok}: {report.entries_checked} entries, {report.checkpoints_checked} checkpoints, "
                   f"root {report.root.hex()}")
        for note in report.notes:
            typer.echo(f"  note: {note}")
        return
    bad = "監査ログに不整合があります" if lang is Lang.ja else "audit log is INCONSISTENT"
    typer.echo(f"{bad}: {report.problem}", err=True)
    raise typer.Exit(EXIT_INCONSISTENT)


@app.command("verify-receipt")
def verify_receipt_cmd(
    receipt: Annotated[Path, typer.Argument(help="A receipt JSON file.")],
    public_key: Annotated[Path, typer.Option(help="The log's public key file (checkpoint.pub).")],
) -> None:
    """Check one receipt offline: the entry, its inclusion proof and the signed checkpoint."""
    from mamori.audit import Receipt, load_verifier, verify_receipt
    from mamori.errors import AuditIntegrityError

    try:
        checkpoint = verify_receipt(Receipt.from_json(receipt.read_bytes()), load_verifier(public_key))
    except AuditIntegrityError as error:
        typer.echo(f"receipt does NOT verify: {error}", err=True)
        raise typer.Exit(EXIT_INCONSISTENT) from None
    typer.echo(f"receipt verifies against checkpoint of size {checkpoint.size}")
