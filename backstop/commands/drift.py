"""`backstop drift`: what differs between the live services and the stack's desired state.

Managed drift is a refresh preview: the engine reads every managed object live and compares it with what
the desired state declares. Nothing is changed, live or in the state.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated

import typer
from pulumi.automation import EngineEvent
from ruamel.yaml import YAML

from backstop.adopt.runner import created_times, live_variables
from backstop.alerts import Alert
from backstop.backups import history
from backstop.clients.errors import VendorError
from backstop.commands.capture import build
from backstop.commands.common import DRIFT, OK, Failure, emit, failures, notify, out
from backstop.drift import vercel
from backstop.drift.unmanaged import load_ignore, unmanaged
from backstop.model import DesiredState, load_document
from backstop.workspace import PROJECT_DIR, backups_dir, document_path, last_update_end, select

IGNORE_FILE = ".backstopignore"
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


@dataclass
class Report:
    managed: list[Change]
    out_of_band: list[vercel.OutOfBand]
    unmanaged: list[str]
    """Live objects in the stack's scope that no declaration matches (`.backstopignore` leaves some out)."""
    asserted: list[str]
    """Write-only values Backstop asserts but can't read back: drift can't observe them."""

    strict: bool = False
    """Unmanaged objects count as drift (`--strict`); otherwise they are reported only."""

    @property
    def drifted(self) -> int:
        counted = [u for u in self.unmanaged if not u.startswith("not checked")] if self.strict else []
        return len(self.managed) + len(self.out_of_band) + len(counted)


def asserted_not_observed(document: DesiredState) -> list[str]:
    asserted = document.clerk.write_only() if document.clerk else []
    for _, var in document.vercel.variables() if document.vercel else []:
        if var.sensitive:
            asserted.append(f"vercel {var.name} ({', '.join(var.targets)}): sensitive value")
    return asserted


def drift_report(stack_name: str) -> Report:
    path = document_path(stack_name)
    document = load_document(path)
    changes = managed_drift(stack_name)
    out_of_band: list[vercel.OutOfBand] = []
    if document.vercel is not None and document.scope.vercel is not None:
        stack = select(stack_name)
        created = created_times(stack_name)
        out_of_band, _ = vercel.classify(
            document, live_variables(stack, document), set(created), last_update_end(stack), created
        )
    return Report(changes, out_of_band, unmanaged_objects(stack_name, path), asserted_not_observed(document))


def unmanaged_objects(stack_name: str, path: Path) -> list[str]:
    """What capture reads inside the scope, minus what the document declares and what is ignored."""
    try:
        live = build(stack_name, [], None).document
    except (Failure, VendorError) as exc:
        return [f"not checked: {exc}"]
    declared = YAML(typ="safe").load(path.read_text()) or {}
    return unmanaged(live, declared, load_ignore(PROJECT_DIR / IGNORE_FILE))


def command(
    stack: Annotated[str, typer.Option(help="Stack to check")],
    notify_url: Annotated[
        str | None, typer.Option("--notify", help="Slack-compatible webhook to post to when drift is found")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Unmanaged objects in the stack's scope count as drift")
    ] = False,
) -> None:
    """Compare live services with the desired state.

    Exit 0 in sync, 1 drift, 2 input error, 3 vendor or engine error.
    """
    with failures(as_json):
        started = history.now()
        with out.status(f"reading {stack}'s live objects…"):
            report = drift_report(stack)
        report.strict = strict
        changes = report.managed
        history.record(backups_dir(), history.event("drift", stack, started, True, drifted=report.drifted))
        if report.drifted:
            listed = ", ".join(
                [f"{c.name} ({c.op})" for c in changes]
                + [f"{o.name} ({', '.join(o.targets)}) changed out of band" for o in report.out_of_band]
                + ([f"{len(report.unmanaged)} unmanaged"] if strict and report.unmanaged else [])
            )
            notify(
                Alert(
                    "drift_found",
                    stack,
                    f"drift in {report.drifted} object(s)",
                    "warning",
                    {"objects": listed, "restore": f"backstop restore --stack {stack} …"},
                ),
                notify_url,
            )

        def human() -> None:
            if not report.drifted:
                out.print(
                    f"[green]in sync[/green]: every managed object of {stack} matches its desired state"
                )
            else:
                out.print(f"[yellow]drift[/yellow] in {stack}: {report.drifted} object(s)")
            for change in changes:
                fields = f" ({', '.join(change.fields)})" if change.fields else ""
                out.print(f"  {change.op:<8} {change.name}{fields}: {change.meaning}", markup=False)
            for oob in report.out_of_band:
                out.print(
                    f"  changed  {oob.name} ({', '.join(oob.targets)}): sensitive value changed out of band "
                    f"at {oob.updated_at:%Y-%m-%d %H:%M:%S} UTC (after the last `pulumi up`)"
                )
            if report.unmanaged:
                out.print(
                    f"unmanaged ({len(report.unmanaged)}: live in {stack}'s scope, not declared; "
                    f"list known extras in {IGNORE_FILE}):"
                )
                for extra in report.unmanaged:
                    out.print(f"  {extra}", markup=False)
            if report.asserted:
                out.print(f"asserted, not observed ({len(report.asserted)} write-only values):")
                for line in report.asserted:
                    out.print(f"  {line}", markup=False)
            if report.drifted:
                out.print("restore with `backstop restore`")

        emit(
            as_json,
            {
                "ok": True,
                "stack": stack,
                "in_sync": not report.drifted,
                "managed": [asdict(c) for c in changes],
                "out_of_band": [asdict(o) for o in report.out_of_band],
                "unmanaged": report.unmanaged,
                "asserted_not_observed": report.asserted,
            },
            human,
        )
    raise typer.Exit(DRIFT if report.drifted else OK)
