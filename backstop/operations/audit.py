"""The audit log of changing operations (backstop/runbook/audit_log.py): what `restore`, `db restore`,
`up` and `capture --adopt` append when they have changed something, or failed part-way; and `backstop
audit verify`: the chain, each stack's head in its state backend, an approval for every change of a
protected stack, and the engine's own history for `pulumi destroy` runs, which never run the program."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pulumi import automation as auto

from backstop.operations.console import err
from backstop.runbook.approvals.authorize import matrix, used
from backstop.runbook.approvals.matrix import Kind, Matrix
from backstop.runbook.audit_log import HEAD_TAG, actor, append, head_problem, log_path, read_chain
from backstop.runbook.workspace import pulumi_cli

KINDS: dict[str, Kind] = {"db restore": "database"}
"""The kind of change each operation makes (configuration unless listed)."""


def done(
    operation: str,
    stack: str,
    result: str,
    backup: str | None = None,
    changes: dict[str, int] | None = None,
    error: str | None = None,
) -> None:
    """Appends the operation's record, with the approvals this process used, and names it as the stack's
    head in its state backend."""
    approvals = [a for p in used() if p.expected.stack == stack and (a := p.audit()) is not None]
    record: dict[str, Any] = {
        "operation": operation,
        "stack": stack,
        "kind": KINDS.get(operation, "configuration"),
        "actor": actor(),
        "approval": approvals[-1] if approvals else None,
        "approved_by": next((p.approved_by for p in reversed(used()) if p.expected.stack == stack), None),
        "backup": backup,
        "result": result,
        "changes": changes or {},
    }
    if error:
        record["error"] = error[:300]
    try:
        append(record, tags=pulumi_cli)
    except auto.errors.CommandError as exc:
        err.print(f"warning: the audit head of {stack} was not stored in its backend: {str(exc)[-200:]}")


def failed(operation: str, stack: str, exc: BaseException) -> None:
    done(operation, stack, "failed", error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


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
    rules = matrix()
    for record in records:
        problem = _approval_problem(record, rules)
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


def _approval_problem(record: dict[str, Any], rules: Matrix) -> str | None:
    """A change of a protected stack must carry an approval by a listed key of a person holding a role
    the matrix asks for."""
    stack, kind = str(record.get("stack")), record.get("kind", "configuration")
    roles = rules.required(stack, "database" if kind == "database" else "configuration")
    if not roles or record.get("operation") == "drill":
        return None
    approval = record.get("approval")
    if not isinstance(approval, dict):
        return f"a {record.get('operation')} of {stack} without an approval ({' or '.join(roles)} needed)"
    holder = rules.keys().get(str(approval.get("fingerprint")))
    if holder is None or holder[0] != approval.get("signer"):
        signer, fingerprint = approval.get("signer"), approval.get("fingerprint")
        return f"approved with key {fingerprint}, which approvals.yaml doesn't give {signer}"
    if not rules.holds(holder[0], roles):
        return f"approved by {holder[0]}, who doesn't hold {' or '.join(roles)}"
    return None
