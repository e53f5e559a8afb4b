"""The approval a Backstop command needs before it changes anything: none on a stack approvals.yaml
doesn't protect (`--approved-by` is then only recorded), a verified signed approval on one it does
(`--approved-by` refused there). Verified first, before any call; used (its nonce recorded in the stack's
ledger, the engine runs granted) only right before the first change, so a refused preflight or a dry run
doesn't spend it."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from backstop.runbook.approvals.check import APPROVAL_ENV, Expected, Refused, Verified, check, how_to_approve
from backstop.runbook.approvals.ledger import GRANT_ENV, Ledger, now
from backstop.runbook.approvals.matrix import FILE, Matrix, load_matrix
from backstop.runbook.workspace import PROJECT_DIR, pulumi_cli

_USED: list[Pending] = []
"""The approvals this process used, for the audit log."""


def used() -> list[Pending]:
    return list(_USED)


@dataclass
class Pending:
    expected: Expected
    approved_by: str | None
    """Who approved (the signer), the name `--approved-by` gave on an unprotected stack, or None."""
    verified: Verified | None
    drill: bool
    protected: bool
    used: str | None = field(default=None)
    """The ledger entry, once used."""

    def use(self, operation: str) -> None:
        """Records the approval's nonce in the stack's ledger (or, for a sandbox drill of a protected
        stack, an entry of its own) and grants this process's engine runs through the program's gate."""
        if self.used is not None:
            return
        ledger = Ledger(self.expected.stack, pulumi_cli)
        if self.verified is not None:
            payload = self.verified.payload
            entry, until = payload.nonce, payload.expires_at
        elif self.drill and self.protected:
            entry, until = f"drill-{secrets.token_hex(8)}", now()
        else:
            return
        os.environ[GRANT_ENV] = ledger.record(entry, operation, until, now())
        self.used = entry
        _USED.append(self)

    def audit(self) -> dict[str, str] | None:
        """What the audit log records of the approval."""
        if self.verified is None:
            return None
        payload = self.verified.payload
        return {
            "signer": self.verified.signer,
            "fingerprint": self.verified.fingerprint,
            "nonce": payload.nonce,
            "digest": payload.manifest_sha256 or payload.document_sha256 or "",
            "subject": payload.subject(),
        }


def matrix() -> Matrix:
    return load_matrix(PROJECT_DIR / FILE)


def approval_path(given: Path | None) -> Path | None:
    """`--approval FILE`, else BACKSTOP_APPROVAL."""
    if given is not None:
        return given
    env = os.environ.get(APPROVAL_ENV)
    return Path(env) if env else None


def authorize(
    expected: Expected, approval: Path | None, approved_by: str | None, drill: bool = False
) -> Pending:
    """Verified (or refused with `Refused`) before anything is read from a vendor or changed."""
    rules = matrix()
    roles = rules.required(expected.stack, expected.kind)
    path = approval_path(approval)
    protected = roles is not None
    if drill:
        return Pending(expected, approved_by or "not required: sandbox drill", None, True, protected)
    if protected and approved_by:
        raise Refused(
            "approved-by",
            f"--approved-by is not accepted for {expected.stack}: approvals.yaml requires a signed approval "
            f"by {' or '.join(roles or [])}. {how_to_approve(expected)}",
        )
    if path is None:
        if protected:
            raise Refused(
                "missing",
                f"{expected.kind} of {expected.stack} needs approval by {' or '.join(roles or [])}. "
                + how_to_approve(expected),
            )
        if approved_by and approved_by not in rules.people:
            raise Refused("unknown-person", f"{approved_by!r} is not in {FILE}")
        return Pending(expected, approved_by, None, False, False)
    used = Ledger(expected.stack, pulumi_cli).entries()
    verified = check(path, rules, expected, now(), used)
    return Pending(expected, verified.signer, verified, False, protected)
