"""Sending an alert from an operation; a failed delivery is a warning on stderr, never the result."""

from __future__ import annotations

from rich.markup import escape

from backstop.operations.console import err
from backstop.runbook.alerts import Alert, send


def notify(alert: Alert, slack_url: str | None = None) -> None:
    for problem in send(alert, slack_url):
        err.print(f"[yellow]warning:[/yellow] {escape(problem)}")


def first_line(exc: BaseException) -> str:
    """An exception's first line (300 characters at most), for an alert's details."""
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__
