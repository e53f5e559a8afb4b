"""Computing drift: what differs between the live services and the stack's desired state.

Managed drift is a refresh preview: the engine reads every managed object live and compares it with what
the desired state declares. Nothing is changed, live or in the state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pulumi.automation import EngineEvent
from ruamel.yaml import YAML

from backstop.operations.capture_read import read_live
from backstop.operations.errors import Failure
from backstop.operations.notify import notify
from backstop.plugin.clients.errors import VendorError
from backstop.plugin.model import DesiredState
from backstop.runbook.adopt.runner import created_times, live_variables
from backstop.runbook.alerts import Alert
from backstop.runbook.backups import history
from backstop.runbook.drift import vercel
from backstop.runbook.drift.unmanaged import load_ignore, unmanaged
from backstop.runbook.session import StackSession
from backstop.runbook.workspace import PROJECT_DIR, backups_dir, last_update_end

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


@dataclass
class DriftReport:
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


def check_drift(session: StackSession, strict: bool, notify_url: str | None) -> DriftReport:
    """`backstop drift`: the report, recorded in the stack's history; drift found alerts."""
    stack = session.name
    started = history.now()
    report = drift_report(session)
    report.strict = strict
    history.record(backups_dir(), history.event("drift", stack, started, True, drifted=report.drifted))
    if report.drifted:
        listed = ", ".join(
            [f"{c.name} ({c.op})" for c in report.managed]
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
    return report


def drift_report(session: StackSession) -> DriftReport:
    document = session.desired
    changes = managed_drift(session)
    out_of_band: list[vercel.OutOfBand] = []
    if document.vercel is not None and document.scope.vercel is not None:
        created = created_times(session)
        out_of_band, _ = vercel.classify(
            document, live_variables(session, document), set(created), last_update_end(session.stack), created
        )
    return DriftReport(changes, out_of_band, unmanaged_objects(session), asserted_not_observed(document))


def managed_drift(session: StackSession, refresh: bool = True) -> list[Change]:
    """A refresh preview of the session's document (validated first); nothing is written. `refresh`
    False: the caller has just refreshed the stack's state, so a plain preview compares the same."""
    session.validate()
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

    session.stack.preview(refresh=refresh, on_event=collect, color="never")
    return sorted(changes.values(), key=lambda c: (c.type, c.name))


def asserted_not_observed(document: DesiredState) -> list[str]:
    asserted = document.clerk.write_only() if document.clerk else []
    for _, var in document.vercel.variables() if document.vercel else []:
        if var.sensitive:
            asserted.append(f"vercel {var.name} ({', '.join(var.targets)}): sensitive value")
    return asserted


def unmanaged_objects(session: StackSession) -> list[str]:
    """What capture reads inside the scope, minus what the document declares and what is ignored."""
    try:
        live = read_live(session, [], None).document
    except (Failure, VendorError) as exc:
        return [f"not checked: {exc}"]
    declared = YAML(typ="safe").load(session.path.read_text()) or {}
    return unmanaged(live, declared, load_ignore(PROJECT_DIR / IGNORE_FILE))
