"""The approval each changing command checks first (backstop/runbook/approvals/authorize.py): what it is
about to change, as an approval names it. A refusal is appended to the audit log (operations/audit.py)
before it is raised."""

from __future__ import annotations

from pathlib import Path

from backstop.operations import audit
from backstop.runbook.approvals.authorize import Pending, authorize
from backstop.runbook.approvals.check import Expected, Refused
from backstop.runbook.backups.catalogue import Backup
from backstop.runbook.backups.manifest import MANIFEST, sha256


def for_restore(
    stack: str, chosen: Backup, approval: Path | None, approved_by: str | None, drill: bool = False
) -> Pending:
    """A restore of `chosen` into `stack`: the approval must name the backup and its manifest's SHA-256."""
    expected = Expected(
        stack, "configuration", "restore", backup=chosen.id, manifest_sha256=sha256(chosen.folder / MANIFEST)
    )
    try:
        return authorize(expected, approval, approved_by, drill)
    except Refused as exc:
        audit.refused("restore", stack, exc, backup=chosen.id)
        raise


def for_update(stack: str, document: Path, approval: Path | None, operation: str = "up") -> Pending:
    """An update applying `document` (`up`, `capture --adopt`, `init`): the approval must name the
    document's SHA-256."""
    expected = Expected(
        stack, "configuration", "update", document_sha256=sha256(document), document_path=str(document)
    )
    try:
        return authorize(expected, approval, None)
    except Refused as exc:
        audit.refused(operation, stack, exc)
        raise
