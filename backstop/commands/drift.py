"""`backstop drift`: what differs between the live services and the stack's desired state.

Managed drift is a refresh preview: the engine reads every managed object live and compares it with what
the desired state declares. Nothing is changed, live or in the state.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Annotated

import typer
from pulumi.automation import EngineEvent

from backstop.alerts import Alert
from backstop.backups import history
from backstop.commands.common import DRIFT, OK, emit, failures, notify, out
from backstop.model import load_document
from backstop.workspace import backups_dir, document_path, select

IGNORED_OPS = {"same", "refresh", "read", "read-replacement", "discard"}
KINDS = {
    "create": "missing live (deleted out of band, or newly declared)",
    "update": "changed live",
    "replace": "changed in a way the vendor can't update: will be replaced",
    "create-replacement": "changed in a way the vendor can't update: will be replaced",
    "delete": "no longer declared: will be removed or archived",
}


@dataclass
class Change:
    name: str
    type: str
    op: str
    meaning: str
    fields: list[str] = field(default_factory=list)
    urn: str = ""


def managed_drift(stack_name: str) -> list[Change]:
    load_document(document_path(stack_name))
    changes: dict[str, Change] = {}

    def collect(event: EngineEvent) -> None:
        pre = event.resource_pre_event
        if pre is None:
            return
        meta = pre.metadata
        if meta.op.value in IGNORED_OPS or meta.type.startswith(("pulumi:", "backstop:components:")):
            return
        op = "replace" if meta.op.value in ("create-replacement", "delete-replaced") else meta.op.value
        if op == "delete-replaced":
            return
        changes[meta.urn] = Change(
            name=meta.urn.rsplit("::", 1)[-1],
            type=meta.type,
            op=op,
            meaning=KINDS.get(op, op),
            fields=sorted(meta.diffs or []),
            urn=meta.urn,
        )

    select(stack_name).preview(refresh=True, on_event=collect, color="never")
    return sorted(changes.values(), key=lambda c: (c.type, c.name))


def command(
    stack: Annotated[str, typer.Option(help="Stack to check")],
    notify_url: Annotated[
        str | None, typer.Option("--notify", help="Slack-compatible webhook to post to when drift is found")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Compare live services with the desired state.

    Exit 0 in sync, 1 drift, 2 input error, 3 vendor or engine error.
    """
    with failures(as_json):
        started = history.now()
        with out.status(f"reading {stack}'s live objects…"):
            changes = managed_drift(stack)
        history.record(backups_dir(), history.event("drift", stack, started, True, drifted=len(changes)))
        if changes:
            listed = ", ".join(f"{c.name} ({c.op})" for c in changes[:10])
            notify(
                Alert(
                    "drift_found",
                    stack,
                    f"drift in {len(changes)} object(s)",
                    "warning",
                    {"objects": listed, "restore": f"backstop restore --stack {stack} …"},
                ),
                notify_url,
            )

        def human() -> None:
            if not changes:
                out.print(
                    f"[green]in sync[/green]: every managed object of {stack} matches its desired state"
                )
                return
            out.print(f"[yellow]drift[/yellow] in {stack}: {len(changes)} object(s)")
            for change in changes:
                fields = f" ({', '.join(change.fields)})" if change.fields else ""
                out.print(f"  {change.op:<8} {change.name}{fields}: {change.meaning}")
            out.print("restore with `backstop restore` or `pulumi up --refresh`")

        emit(
            as_json,
            {"ok": True, "stack": stack, "in_sync": not changes, "managed": [asdict(c) for c in changes]},
            human,
        )
    raise typer.Exit(DRIFT if changes else OK)
