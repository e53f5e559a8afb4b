"""The `backstop` command line.

Only the invoked command's module is imported (each pulls in the engine and the vendor clients it needs);
`backstop`, `backstop --help` and anything unknown load them all, so help lists every command.
"""

from __future__ import annotations

import importlib
import sys

import typer

GROUPS = ("sandbox", "db", "audit")
"""Commands with subcommands of their own (a `typer.Typer` named `app` in their module)."""
COMMANDS = (
    "approve",
    "backup",
    "capture",
    "backups",
    "check",
    "doctor",
    "drift",
    "drill",
    "init",
    "prune",
    "restore",
    "status",
    "up",
    "verify",
)
"""Commands that are one function (`command` in their module)."""


def build(names: tuple[str, ...] = GROUPS + COMMANDS) -> typer.Typer:
    app = typer.Typer(
        help="Backups, drift detection and restores of third-party configuration, on the Pulumi engine.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def _group() -> None:
        # A callback keeps the app a group even when it holds one command, so `backstop up` stays `up`.
        pass

    for name in names:
        module = importlib.import_module(f"backstop.cli.commands.{name}")
        if name in GROUPS:
            app.add_typer(module.app, name=name)
        else:
            app.command(name)(module.command)
    return app


def invoked(argv: list[str]) -> tuple[str, ...]:
    """The one command `argv` names, or every command when it names none (help, or a mistake)."""
    first = argv[0] if argv else ""
    return (first,) if first in GROUPS + COMMANDS else GROUPS + COMMANDS


def __getattr__(name: str) -> typer.Typer:
    if name == "app":  # the whole command line, for tests and tools that drive it in-process
        return build()
    raise AttributeError(name)


def main() -> None:
    build(invoked(sys.argv[1:]))()


if __name__ == "__main__":
    main()
