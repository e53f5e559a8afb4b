"""A restore's preflight: `backstop doctor`'s checks before the restore's first change (a dry run's too).

It stops only on what the restore itself needs (the engine, the state backend and its secrets, the vendor
credentials, the `vercel` plugin, the backup folder); in an emergency every other ✗ is a warning, printed
and kept in the report."""

from __future__ import annotations

from rich.markup import escape

from backstop.operations.console import err
from backstop.operations.doctor import diagnose_restore
from backstop.operations.errors import INPUT_ERROR, Failure
from backstop.plugin.model import DesiredState
from backstop.runbook.doctor.check import Check
from backstop.runbook.session import StackSession


def preflight(session: StackSession, document: DesiredState, source: str, created: bool = False) -> list[str]:
    """The warnings, one line each with its fix; a Failure (exit 2, nothing live changed) naming each
    check the restore can't go on without. `created`: the restore created the stack, gone from the
    backend, just before (the message says so)."""
    diagnosis = diagnose_restore(session, document, source)
    warnings = [line(check) for check in diagnosis.restore_warnings()]
    for warning in warnings:
        err.print(f"[yellow]warning:[/yellow] preflight {escape(warning)}", soft_wrap=True)
    blocking = diagnosis.blocking_restore()
    if blocking:
        lines = [f"✗ {check.name}: {check.detail}\n    fix: {check.fix}" for check in blocking]
        raise Failure(
            INPUT_ERROR,
            f"the preflight (`backstop doctor --stack {session.name}`) failed on what a restore needs; "
            "nothing live was changed and no backup was taken"
            + (" (the stack, gone from the backend, was created empty for it)" if created else "")
            + ":\n"
            + "\n".join(lines),
        )
    return warnings


def line(check: Check) -> str:
    going_on = "; the restore goes on, its own calls retry for longer" if check.unanswered else ""
    return f"✗ {check.name}: {check.detail} (fix: {check.fix}{going_on})"
