"""`pulumi up` that adopts live objects a plain create would refuse.

Vercel refuses a second variable with the same name and target (ENV_CONFLICT). Before the update, every
declared variable that already exists live is imported; if the update still stops on ENV_CONFLICT (a run
killed after the create reached Vercel, or a variable made by hand meanwhile), the variables it names are
imported and the update runs again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from backstop.operations import audit
from backstop.operations.authorize import for_update
from backstop.operations.errors import INPUT_ERROR, Failure
from backstop.operations.stage import Stage, unseen
from backstop.plugin.model.stacks import check_ownership
from backstop.runbook.adopt import phases
from backstop.runbook.adopt.runner import up_adopting
from backstop.runbook.adopt.vercel import PROJECT
from backstop.runbook.session import StackSession, changed
from backstop.runbook.workspace import clear_stale_lock, repair_checkpoint


@dataclass(frozen=True)
class Updated:
    changes: dict[str, int]
    """Resource changes by kind, `same` left out."""
    adopted: list[str]
    conflict_retries: int
    stale_lock_cleared: list[str]
    phases: list[str]
    """How a large update ran in two phases (adopt/phases.py); empty for one phase."""


def update(session: StackSession, stage: Stage = unseen, approval: Path | None = None) -> Updated:
    """Validates the document and its ownership first, and the approval a protected stack needs (of this
    document); puts back a checkpoint a killed run left unreadable and clears its lock; then the update."""
    check_ownership(session.desired, session.path)
    try:
        two_phases = phases.plan(session.name, PROJECT, phases.declared_objects(session.desired))
    except ValueError as exc:
        raise Failure(INPUT_ERROR, str(exc)) from None
    pending = for_update(session.name, session.path, approval)
    # A checkpoint the kill truncated first: `pulumi cancel` can't even load it.
    repaired = repair_checkpoint(session.name)
    cleared = ([repaired] if repaired else []) + clear_stale_lock(session.name)
    pending.use("up")
    try:
        with stage(f"updating {session.name}…"):
            result, adopted = up_adopting(session, session.desired, None, two_phases)
    except Exception as exc:
        audit.failed("up", session.name, exc)
        raise
    changes = changed(result.summary.resource_changes)
    audit.done("up", session.name, "ok", changes=changes)
    return Updated(changes, adopted.keys, adopted.rounds, cleared, adopted.phases)
