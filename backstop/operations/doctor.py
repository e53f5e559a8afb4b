"""`backstop doctor`: the preflight before trusting a schedule or a restore, one check per line."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from dataclasses import dataclass

from backstop.plugin.clients.connections import Connections, session_connections
from backstop.plugin.model import DesiredState, DesiredStateError
from backstop.runbook.doctor import engine, storage, vendors
from backstop.runbook.doctor.check import Check, failed, passed
from backstop.runbook.session import StackSession
from backstop.runbook.workspace import PROJECT_DIR, backups_dir


@dataclass(frozen=True)
class Diagnosis:
    stack: str
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def blocking_restore(self) -> list[Check]:
        """The failed checks a restore can't go on without (the others are warnings in an emergency).

        A credential probe the vendor didn't answer (a 5xx, a rate limit, no connection) is a warning too:
        it says nothing about the credential, and the restore's own calls retry for longer."""
        return [
            check for check in self.checks if not check.ok and check.restore_needs and not check.unanswered
        ]

    def restore_warnings(self) -> list[Check]:
        """The failed checks a restore goes on without, warning."""
        blocking = self.blocking_restore()
        return [check for check in self.checks if not check.ok and check not in blocking]


def diagnose(stack: str, env: Mapping[str, str] | None = None) -> Diagnosis:
    environ: Mapping[str, str] = os.environ if env is None else env
    session = StackSession(stack)
    checks = engine.engine_versions(PROJECT_DIR)
    try:
        document = session.desired
    except DesiredStateError as exc:
        checks.append(
            failed("desired state", str(exc), "fix the document as the message says", restore_needs=True)
        )
        return Diagnosis(stack, checks)
    checks.append(passed("desired state", f"{session.path} is valid", restore_needs=True))
    return Diagnosis(stack, checks + _around(session, document, environ))


def diagnose_restore(
    session: StackSession, document: DesiredState, source: str, env: Mapping[str, str] | None = None
) -> Diagnosis:
    """The same checks before a restore, on the restore's own session (the stack is selected and its
    config decrypted once for both) and on the document the restore applies (`source` names it), which
    the restore has already validated."""
    environ: Mapping[str, str] = os.environ if env is None else env
    # The restore's workspace ran the pinned CLI's `pulumi version` already.
    checks = engine.engine_versions(PROJECT_DIR, f"v{session.stack.workspace.pulumi_version}")
    checks.append(passed("desired state", f"{source} is valid", restore_needs=True))
    return Diagnosis(session.name, checks + _around(session, document, environ))


def _around(session: StackSession, document: DesiredState, environ: Mapping[str, str]) -> list[Check]:
    """Everything around a valid document: state, plugin, credentials, backup folder, database."""
    backend = storage.state(session)
    checks = [backend]
    if document.vercel is not None:
        checks.append(
            engine.vercel_plugin(PROJECT_DIR, environ, sandbox=bool(environ.get("BACKSTOP_VERCEL_BASE_URL")))
        )
    links = session_connections(session, environ) if backend.ok else Connections.resolve({}, environ)
    checks += asyncio.run(vendors.credentials(document, links))
    checks.append(storage.backups_folder(backups_dir() / session.name))
    if backend.ok:
        checks += storage.database(session.config(), environ)
    return checks
