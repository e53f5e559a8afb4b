"""Computing drift: what differs between the live services and the stack's desired state.

Managed drift is a refresh preview: the engine reads every managed object live and compares it with what
the desired state declares. Nothing is changed, live or in the state.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pulumi import automation as auto
from pulumi.automation import EngineEvent
from pulumi.automation.events import ResourcePreEvent, ResOutputsEvent, StepEventMetadata
from ruamel.yaml import YAML

from backstop.operations.capture_read import read_live
from backstop.operations.errors import Failure
from backstop.operations.notify import notify
from backstop.operations.oauth import dashboard_steps, oauth_check
from backstop.plugin.clients.errors import VendorError
from backstop.plugin.model import DesiredState
from backstop.runbook import fingerprint
from backstop.runbook.adopt.runner import created_times, live_variables
from backstop.runbook.alerts import Alert
from backstop.runbook.backups import history
from backstop.runbook.drift import vercel
from backstop.runbook.drift.oauth import OAuthDifference
from backstop.runbook.drift.unmanaged import load_ignore, unmanaged
from backstop.runbook.rehearsal.plan import referenced_stacks
from backstop.runbook.session import StackSession
from backstop.runbook.workspace import PROJECT_DIR, backups_dir, last_update_end, select, workspace_env

IGNORE_FILE = ".backstopignore"
HISTORY_PAGE = 20
STATE_EDIT_SLACK = timedelta(seconds=5)
"""The engine writes the state just before it records the run's end."""
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
    oauth: list[str] = field(default_factory=list)
    """Declared Clerk OAuth providers that differ live (read from the Frontend API; no API writes them)."""
    oauth_steps: list[str] = field(default_factory=list)
    """The dashboard steps that would put them right."""
    oauth_not_checked: str | None = None
    path: str = "full"
    """How managed drift was computed: `full` (refresh preview of the document, the program run) or
    `refresh-only` (live compared with the state the unchanged document was applied to)."""
    full_because: str | None = None
    """Why the refresh-only path was not taken, when it could have been asked for."""

    @property
    def drifted(self) -> int:
        counted = [u for u in self.unmanaged if not u.startswith("not checked")] if self.strict else []
        return len(self.managed) + len(self.out_of_band) + len(counted) + len(self.oauth)


def check_drift(
    session: StackSession, strict: bool, notify_url: str | None, full: bool = False
) -> DriftReport:
    """`backstop drift`: the report, recorded in the stack's history; drift found alerts. `full` always
    runs the program (otherwise it is skipped when nothing changed since the last update)."""
    stack = session.name
    started = history.now()
    report = drift_report(session, fast=not full)
    report.strict = strict
    history.record(backups_dir(), history.event("drift", stack, started, True, drifted=report.drifted))
    if report.drifted:
        listed = ", ".join(
            [f"{c.name} ({c.op})" for c in report.managed]
            + [f"{o.name} ({', '.join(o.targets)}) changed out of band" for o in report.out_of_band]
            + ([f"{len(report.unmanaged)} unmanaged"] if strict and report.unmanaged else [])
            + report.oauth
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


def drift_report(session: StackSession, fast: bool = False) -> DriftReport:
    """Managed drift (the engine) and the checks that read the vendors directly (Vercel values written out
    of band, unmanaged objects, Clerk OAuth providers) run side by side: neither waits for the other."""
    document = session.desired
    session.validate()
    session.config()  # read once, before two threads share the session
    # PULUMI_SKIP_CONFIRMATIONS=true is `--yes` to the CLI, which refuses it beside --preview-only; set
    # before the thread starts, so no engine run of either sees the environment change.
    with workspace_env(PULUMI_SKIP_CONFIRMATIONS="false"), ThreadPoolExecutor(max_workers=1) as pool:
        beside = pool.submit(_vendor_checks, session, document)
        path, because = "full", None
        changes: list[Change] = []
        if fast:
            try:
                because = unchanged_since_update(session)
            except auto.errors.CommandError as exc:
                because = f"the stack's history could not be read: {_last_line(exc)}"
            if because is None:
                try:
                    found = refresh_only_drift(session)
                except auto.errors.CommandError as exc:
                    because = f"`pulumi refresh --preview-only` failed: {_last_line(exc)}"
                else:
                    path = "full" if found else "refresh-only"
                    because = (
                        "live differs from the state: the full preview names what to change"
                        if found
                        else None
                    )
            if because is not None:
                path = "full"
        if path == "full":
            changes = managed_drift(session)
        out_of_band, unmanaged_found, (oauth, not_checked) = beside.result()
    return DriftReport(
        changes,
        out_of_band,
        unmanaged_found,
        asserted_not_observed(document),
        oauth=[d.describe() for d in oauth],
        oauth_steps=dashboard_steps(oauth, document),
        oauth_not_checked=not_checked,
        path=path,
        full_because=because,
    )


def _vendor_checks(
    session: StackSession, document: DesiredState
) -> tuple[list[vercel.OutOfBand], list[str], tuple[list[OAuthDifference], str | None]]:
    out_of_band: list[vercel.OutOfBand] = []
    if document.vercel is not None and document.scope.vercel is not None:
        created = created_times(session)
        out_of_band, _ = vercel.classify(
            document, live_variables(session, document), set(created), last_update_end(session.stack), created
        )
    return out_of_band, unmanaged_objects(session), oauth_check(session, document)


def unchanged_since_update(session: StackSession) -> str | None:
    """None when the state is exactly what the current document, config and code applied: the last update
    succeeded with today's fingerprint, only refreshes that changed nothing ran since, and no stack the
    document reads outputs of was updated after it. Otherwise why not (the full path runs)."""
    entries = session.stack.history(page_size=HISTORY_PAGE, show_secrets=False)
    since = []
    for entry in entries:
        if entry.kind == "update":
            last = entry
            break
        since.append(entry)
    else:
        return "no update in the stack's recent history"
    if last.result != "succeeded":
        return f"the last update {last.result}"
    for entry in since:
        changed = {k: v for k, v in (entry.resource_changes or {}).items() if k != "same" and v}
        if entry.kind != "refresh" or entry.result != "succeeded" or changed:
            return f"a {entry.kind} changed the state since the last update"
    newest = _utc(entries[0].end_time or entries[0].start_time)
    written = _checkpoint_time(session)
    if written is None or written > newest + STATE_EDIT_SLACK:
        # `pulumi state delete`, `stack import` and a killed run write the state and leave no history.
        return "the state was written after the last update or refresh (an edit, an import or a killed run)"
    recorded = session.outputs().get(fingerprint.OUTPUT)
    config = session.config()
    current = fingerprint.fingerprint(session.path.read_bytes(), config, fingerprint.code_digest(PROJECT_DIR))
    if recorded is None or recorded.value != current:
        return "the document, the stack's config or the code changed since the last update"
    for other in sorted(referenced_stacks(session.desired.model_dump(mode="json"))):
        try:
            entries = select(other).history(page_size=HISTORY_PAGE, show_secrets=False)
        except auto.errors.CommandError:
            return f"{other}, whose outputs the document reads, could not be read"
        updates = [e for e in entries if e.kind == "update"]
        if updates and (updates[0].end_time or updates[0].start_time) > last.start_time:
            return f"{other}, whose outputs the document reads, was updated since"
    return None


def _checkpoint_time(session: StackSession) -> datetime | None:
    raw = ((session.export().get("deployment") or {}).get("manifest") or {}).get("time")
    try:
        return _utc(datetime.fromisoformat(str(raw)))
    except ValueError:
        return None


def _utc(moment: datetime) -> datetime:
    """The Automation API's history times are naive UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def refresh_only_drift(session: StackSession) -> bool:
    """Whether `pulumi refresh --preview-only` finds any managed object that differs live from the state."""
    found = []

    def collect(event: EngineEvent) -> None:
        # A refresh step's outcome (same, update or delete, with its diffs) is in its outputs event.
        meta = _managed_step(event.res_outputs_event)
        if meta is not None:
            found.append(meta.urn)

    session.stack.preview_refresh(on_event=collect, color="never")
    return bool(found)


def drift_after_update(session: StackSession) -> list[Change]:
    """What a successful update of the session's document left different: live compared with the state it
    just wrote (`refresh --preview-only`, the program not run, as drift's refresh-only path); only when that
    finds a difference (or fails) does the full refresh preview run, to name what an update would change."""
    try:
        # The CLI refuses --preview-only beside PULUMI_SKIP_CONFIRMATIONS=true (`--yes`).
        with workspace_env(PULUMI_SKIP_CONFIRMATIONS="false"):
            found = refresh_only_drift(session)
    except auto.errors.CommandError:
        found = True
    return managed_drift(session) if found else []


def _managed_step(
    event: ResourcePreEvent | ResOutputsEvent | None,
) -> StepEventMetadata | None:
    """An event's step when it changes a managed object (not the stack, a provider or a component)."""
    if event is None:
        return None
    meta = event.metadata
    if meta.op.value in IGNORED_OPS or meta.type.startswith(("pulumi:", "backstop:components:")):
        return None
    return meta


def _last_line(exc: Exception) -> str:
    return ["", *str(exc).strip().splitlines()][-1][:200]


def refreshed_drift(session: StackSession) -> list[Change]:
    """Refresh the stack's state (it takes what is live), then what the document would change. Nothing,
    without running the program, when the refresh changed nothing and the state is what today's document,
    config and code applied (`unchanged_since_update`); otherwise a plain preview of the refreshed state."""
    session.validate()
    if not session.refresh() and unchanged_since_update(session) is None:
        return []
    return managed_drift(session, refresh=False)


def managed_drift(session: StackSession, refresh: bool = True) -> list[Change]:
    """A refresh preview of the session's document (validated first); nothing is written. `refresh`
    False: the caller has just refreshed the stack's state, so a plain preview compares the same."""
    session.validate()
    changes: dict[str, Change] = {}

    def collect(event: EngineEvent) -> None:
        meta = _managed_step(event.resource_pre_event)
        if meta is None:
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
        live = read_live(session, [], None, values=False).document
    except (Failure, VendorError) as exc:
        return [f"not checked: {exc}"]
    declared = YAML(typ="safe").load(session.path.read_text()) or {}
    return unmanaged(live, declared, load_ignore(PROJECT_DIR / IGNORE_FILE))
