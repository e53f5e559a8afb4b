"""The audit log of changing operations (backstop/runbook/audit_log.py), and `backstop audit verify`.

Who appends what: `restore`, `db restore`, `up`, `capture --adopt` and `init` when they have changed
something, or failed part-way; `backup` and `db backup` for each backup written; `prune` when it deleted
backups (their ids in `removed`); `drill --live` for the drill as a whole (its scenario, result and the
objects it broke), after the records of its own restores. A refused approval (exit 2, nothing changed)
appends a `refused` record naming the reason, and the approval's signer and nonce when known, and only
when the stack's state backend can be read (a refusal before that is not recorded, with a warning).

The kind of each record: `database` for `db restore` and `db backup`; for `drill --live`, `database`
when the scenario broke the stack's database too (A and B with a Convex deployment: the matrix's data rule
is the one that then applies), else `configuration`; `configuration` for everything else (`prune` deletes
backups of both kinds and counts them apart).

`audit verify` checks the chain, each stack's head in its state backend, an approval for every change of
a protected stack (LIVE_CHANGES: the operations that change live vendor objects or data; backups and
prune write only backups and need none, and a refused record changed nothing), and the engine's own
history for `pulumi destroy` runs, which never run the program. A live change's record names the
approvals.yaml its command read (`approvals_sha256`), and is checked against that version: today's file,
or the one the project's git history holds, so a key revoked or a rule tightened since doesn't turn an
earlier, rightly approved change into a problem."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pulumi import automation as auto

from backstop.operations.console import err
from backstop.runbook.approvals.authorize import used
from backstop.runbook.approvals.check import Refused
from backstop.runbook.approvals.matrix import FILE, Kind, Matrix
from backstop.runbook.approvals.matrix_history import MatrixVersions, current_digest
from backstop.runbook.audit_log import HEAD_TAG, actor, append, head_problem, log_path, read_chain
from backstop.runbook.workspace import PROJECT_DIR, pulumi_cli

KINDS: dict[str, Kind] = {"db restore": "database", "db backup": "database"}
"""The kind of change each operation makes (configuration unless listed; a live drill's depends on its
scenario, above)."""
LIVE_CHANGES = frozenset({"restore", "db restore", "up", "capture --adopt", "init", "drill --live"})
"""The operations that change live vendor objects or data: on a protected stack each needs an approval."""
REFUSED = "refused"


def done(
    operation: str,
    stack: str,
    result: str,
    backup: str | None = None,
    changes: dict[str, int] | None = None,
    error: str | None = None,
    *,
    approved_by: str | None = None,
    kind: Kind | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Appends the operation's record and names it as the stack's head in its state backend. A live change
    (LIVE_CHANGES) carries the approval this process used on the stack (else `approved_by`, the name an
    unprotected stack's `--approved-by` gave); a backup taken inside one doesn't repeat it. `details` adds
    fields of the operation's own (a drill's scenario, say)."""
    live = operation in LIVE_CHANGES
    mine = [p for p in used() if p.expected.stack == stack] if live else []
    approvals = [a for p in mine if (a := p.audit()) is not None]
    signed_by = mine[-1].approved_by if mine else None
    _append(
        {
            **({"approvals_sha256": current_digest(PROJECT_DIR)} if live else {}),
            "operation": operation,
            "stack": stack,
            "kind": kind or KINDS.get(operation, "configuration"),
            "actor": actor(),
            "approval": approvals[-1] if approvals else None,
            "approved_by": signed_by or approved_by,
            "backup": backup,
            "result": result,
            "changes": changes or {},
            **(details or {}),
            **({"error": error[:300]} if error else {}),
        }
    )


def failed(operation: str, stack: str, exc: BaseException, **kwargs: Any) -> None:
    done(operation, stack, "failed", error=first_line(exc), **kwargs)


def refused(
    operation: str,
    stack: str,
    exc: Refused,
    backup: str | None = None,
    kind: Kind | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """A refused attempt: nothing changed, no vendor called. Recorded only when the stack's state backend
    can be read (it also holds the head); the approval is named by its signer and nonce only."""
    try:
        pulumi_cli("stack", "tag", "ls", "--json", "--stack", stack)
    except auto.errors.CommandError as problem:
        err.print(
            f"warning: the refusal is not in the audit log: {stack}'s state backend can't be read "
            f"({_last_line(problem)})"
        )
        return
    refusal = {"reason": exc.reason, "signer": exc.signer, "nonce": exc.nonce}
    _append(
        {
            "operation": operation,
            "stack": stack,
            "kind": kind or KINDS.get(operation, "configuration"),
            "actor": actor(),
            "approval": None,
            "approved_by": None,
            "backup": backup,
            "result": REFUSED,
            "changes": {},
            "refusal": {k: v for k, v in refusal.items() if v is not None},
            **(details or {}),
            "error": first_line(exc)[:300],
        }
    )


def _append(record: dict[str, Any]) -> None:
    try:
        append(record, tags=pulumi_cli)
    except auto.errors.CommandError as exc:
        err.print(
            f"warning: the audit head of {record['stack']} was not stored in its backend: {str(exc)[-200:]}"
        )


def first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__


def _last_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return (lines or [type(exc).__name__])[-1][-200:]


@dataclass
class Verdict:
    records: int = 0
    problems: list[str] = field(default_factory=list)


def verify() -> Verdict:
    path = log_path()
    records, lines, broken = read_chain(path)
    verdict = Verdict(len(records))
    if broken is not None:
        verdict.problems.append(f"{path}: record {broken.seq}: {broken.reason}")
    versions = MatrixVersions(PROJECT_DIR)
    for record in records:
        problem = _checked_against(record, versions)
        if problem:
            verdict.problems.append(f"{path}: record {record['seq']}: {problem}")
    for stack in sorted({str(r.get("stack")) for r in records}):
        try:
            tags = json.loads(pulumi_cli("stack", "tag", "ls", "--json", "--stack", stack) or "{}")
            history = json.loads(pulumi_cli("stack", "history", "--json", "--stack", stack) or "[]")
        except auto.errors.CommandError as exc:
            verdict.problems.append(f"{stack}: can't read its state backend: {str(exc).strip()[-200:]}")
            continue
        if broken is None:
            head = head_problem(stack, records, lines, tags.get(HEAD_TAG))
            if head:
                verdict.problems.append(head)
        for update in history:
            if update.get("kind") == "destroy":
                verdict.problems.append(
                    f"{stack}: `pulumi destroy` at {update.get('startTime')}, outside Backstop (the engine's "
                    "history; a destroy never runs the program, so no approval was checked)"
                )
    return verdict


def _checked_against(record: dict[str, Any], versions: MatrixVersions) -> str | None:
    """The record checked against the approvals.yaml its command checked it against (by digest: today's,
    or the version git holds), so a key or a rule changed since doesn't make an old record a problem."""
    if record.get("operation") not in LIVE_CHANGES or record.get("result") == REFUSED:
        return None
    sha256 = record.get("approvals_sha256")
    version = versions.get(str(sha256) if sha256 else None)
    if version is None:
        shallow = (
            " (this checkout is shallow: `git fetch --unshallow`, or `fetch-depth: 0` for actions/checkout)"
            if versions.shallow
            else ""
        )
        return (
            f"checked against an approvals.yaml (sha256 {str(sha256)[:12]}…) that is neither today's nor "
            f"any version in the project's git history: its approval can't be checked{shallow}"
        )
    problem = _approval_problem(record, version.matrix)
    return f"{problem} ({version.where})" if problem and version.where != FILE else problem


def _approval_problem(record: dict[str, Any], rules: Matrix) -> str | None:
    """A live change (LIVE_CHANGES, not refused: `_checked_against` asks only of those) of a protected stack
    must carry an approval by a listed key of a person holding a role the matrix asks for."""
    stack, kind = str(record.get("stack")), record.get("kind", "configuration")
    roles = rules.required(stack, "database" if kind == "database" else "configuration")
    if not roles:
        return None
    approval = record.get("approval")
    if not isinstance(approval, dict):
        operation = str(record.get("operation"))
        article = "an" if operation[:1] in ("a", "e", "i", "o", "u") else "a"
        return f"{article} {operation} of {stack} without an approval ({' or '.join(roles)} needed)"
    holder = rules.keys().get(str(approval.get("fingerprint")))
    if holder is None or holder[0] != approval.get("signer"):
        signer, fingerprint = approval.get("signer"), approval.get("fingerprint")
        return f"approved with key {fingerprint}, which approvals.yaml doesn't give {signer}"
    if not rules.holds(holder[0], roles):
        return f"approved by {holder[0]}, who doesn't hold {' or '.join(roles)}"
    return None
