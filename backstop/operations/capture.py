"""Capturing: the live configuration written into the stack's desired-state document.

Then `pulumi up` (or `adopt`) adopts every object by its natural key, changing nothing live, and the next
`pulumi preview --refresh` finds nothing to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pulumi import automation as auto

from backstop.operations import audit
from backstop.operations.authorize import for_update
from backstop.operations.capture_read import VENDORS, read_live
from backstop.operations.stage import Stage, unseen
from backstop.plugin.model import DesiredState, parse_document
from backstop.runbook.adopt.runner import up_adopting
from backstop.runbook.session import StackSession, changed
from backstop.runbook.workspace import workspace_env

PROGRAM = "platform-config"


@dataclass(frozen=True)
class Captured:
    document: Path
    not_captured: list[str]
    secrets_stored: list[str]


def capture(
    session: StackSession,
    output: Path | None,
    adopt: bool,
    vercel_projects: list[str],
    vercel_team: str | None,
    stage: Stage = unseen,
    vendors: frozenset[str] = VENDORS,
    approval: Path | None = None,
) -> Captured:
    """Reads, validates and writes the document (to `output`, default the stack's own); readable secret
    values go into the stack's config, encrypted; `adopt` then runs `pulumi up` to adopt every object (on a
    stack approvals.yaml protects, with an approval of the captured document: `approval`)."""
    with stage(f"reading {session.name}'s live configuration…"):
        captured = read_live(session, vercel_projects, vercel_team, vendors)
    text = captured.text()
    document = parse_document(text, f"captured {session.name}")  # validated before anything is written
    target = output or session.path
    target.write_text(text)
    if captured.secrets:
        session.set_config(
            {f"{PROGRAM}:{k}": auto.ConfigValue(v, secret=True) for k, v in captured.secrets.items()}
        )
    if adopt:
        for_update(session.name, target, approval, "capture --adopt").use("capture --adopt")
        try:
            changes = adopt_all(session, target, document, stage)
        except Exception as exc:
            audit.failed("capture --adopt", session.name, exc)
            raise
        audit.done("capture --adopt", session.name, "ok", changes=changes)
    return Captured(target, captured.not_captured, sorted(captured.secrets))


def adopt_all(
    session: StackSession, target: Path, document: DesiredState, stage: Stage = unseen
) -> dict[str, int]:
    """`pulumi up` on the captured document (`document`, parsed from `target`): every object adopted by its
    natural key. Returns the update's resource changes by kind (the engine counts an adoption as a
    create) and the variables imported before it (`import`)."""
    # Clerk's write-only settings can't be read: adopting takes the declared ones as live.
    with (
        stage("adopting every object (pulumi up)…"),
        session.reading(target, document),
        workspace_env(BACKSTOP_ADOPT_AS_DECLARED="1"),
    ):
        result, adopted = up_adopting(session, document)
    imported = {"import": len(adopted.keys)} if adopted.keys else {}
    return {**changed(result.summary.resource_changes), **imported}
