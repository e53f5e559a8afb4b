"""The `backstop` command line."""

from __future__ import annotations

import typer

from backstop.commands import sandbox

app = typer.Typer(
    help="Backups, drift detection and restores of third-party configuration, on the Pulumi engine.",
    no_args_is_help=True,
)
app.add_typer(sandbox.app, name="sandbox")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
