"""The `backstop` command line."""

from __future__ import annotations

import typer

from backstop.cli.commands import (
    backup,
    backups,
    capture,
    db,
    drift,
    drill,
    prune,
    restore,
    sandbox,
    status,
    up,
)

app = typer.Typer(
    help="Backups, drift detection and restores of third-party configuration, on the Pulumi engine.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(sandbox.app, name="sandbox")
app.add_typer(db.app, name="db")
app.command("backup")(backup.command)
app.command("capture")(capture.command)
app.command("backups")(backups.command)
app.command("drift")(drift.command)
app.command("drill")(drill.command)
app.command("prune")(prune.command)
app.command("restore")(restore.command)
app.command("status")(status.command)
app.command("up")(up.command)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
