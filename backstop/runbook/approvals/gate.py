"""The Pulumi program's gate (`__main__.py` calls `guard` once the document has loaded): an update of a
stack approvals.yaml protects goes ahead only with a valid approval of the document being applied
(BACKSTOP_APPROVAL), or as the engine run of a Backstop command that has verified and used one (its
grant). A preview is never gated. It stops before any resource is declared, so no vendor API is called."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import pulumi

from backstop.plugin.model import DesiredStateError
from backstop.runbook.approvals.check import APPROVAL_ENV, Expected, Refused, check, how_to_approve
from backstop.runbook.approvals.ledger import Ledger, grant_from_env, now, path_cli
from backstop.runbook.approvals.matrix import FILE, load_matrix
from backstop.runbook.backups.manifest import sha256


def guard(stack: str, document: Path) -> None:
    """Returns when the update may go on; otherwise says why and exits 2."""
    if pulumi.runtime.is_dry_run():
        return
    try:
        matrix = load_matrix(Path(FILE))
    except DesiredStateError as exc:
        _stop(str(exc))
    roles = matrix.required(stack, "configuration")
    if roles is None:
        return
    ledger = Ledger(stack, path_cli)
    moment = now()
    if ledger.granted(grant_from_env(), moment) is not None:
        return
    expected = Expected(
        stack, "configuration", "update", document_sha256=sha256(document), document_path=str(document)
    )
    given = os.environ.get(APPROVAL_ENV)
    if not given:
        _stop(
            f"{FILE} protects {stack}: an update needs an approval of {document} by {' or '.join(roles)} "
            f"(`pulumi preview` needs none). {how_to_approve(expected, env_only=True)}"
        )
    try:
        verified = check(Path(given), matrix, expected, moment, ledger.entries())
    except (Refused, DesiredStateError) as exc:
        _stop(f"{FILE} protects {stack}; the approval is refused: {exc}")
    ledger.record(verified.payload.nonce, "pulumi up", verified.payload.expires_at, moment)


def _stop(message: str) -> NoReturn:
    print(message, file=sys.stderr)
    sys.exit(2)
