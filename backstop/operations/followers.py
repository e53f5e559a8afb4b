"""A restore's Vercel steps: values written out of band, variables that follow webhook secrets (here or in
the stacks that read this one's), and the deploy hook that makes new values live."""

from __future__ import annotations

import asyncio

from pulumi import automation as auto
from rich.markup import escape

from backstop.operations.console import err
from backstop.operations.errors import INPUT_ERROR, Failure
from backstop.plugin.clients.vercel_client import trigger_deploy_hook
from backstop.plugin.model import DesiredState
from backstop.plugin.model.stacks import sibling_documents
from backstop.runbook.adopt.runner import created_times, live_variables, up_adopting
from backstop.runbook.adopt.vercel import ENV_TYPE
from backstop.runbook.approvals.matrix import FILE, load_matrix
from backstop.runbook.drift import vercel
from backstop.runbook.restore import secrets
from backstop.runbook.session import StackSession
from backstop.runbook.workspace import PROJECT_DIR, last_update_end, select


def out_of_band_writes(session: StackSession, document: DesiredState) -> list[vercel.OutOfBand]:
    """Sensitive Vercel values written by someone else since the last `up`: restore writes them again."""
    if document.vercel is None or not document.vercel.projects:
        return []
    live = live_variables(session, document)
    created = created_times(session)
    return vercel.classify(document, live, set(created), last_update_end(session.stack), created)[0]


def follows(document: DesiredState, key: str) -> bool:
    """Whether the variable `key` follows a webhook secret output (kept live when it leaves the state; a
    variable following an object id is an ordinary resource, which a replacement rewrites)."""
    variables = document.vercel.variables() if document.vercel else []
    return any(
        v.key == key and v.value_from is not None and v.value_from.follows_secret for _, v in variables
    )


def unreachable_secrets(session: StackSession, document: DesiredState) -> list[str]:
    """Variables following an unknown secret that are missing live (a failed verification)."""
    if document.vercel is None or not document.vercel.projects:
        return []
    unknown: dict[str, set[str]] = {}
    for _, var in document.vercel.variables():
        followed = secrets.followed_source(var, session.name)
        if followed is not None and followed[0] not in unknown:
            try:
                outputs = session.outputs() if followed[0] == session.name else select(followed[0]).outputs()
                unknown[followed[0]] = secrets.unknown_paths(outputs)
            except auto.errors.StackNotFoundError:
                unknown[followed[0]] = set()
    if not any(unknown.values()):
        return []
    return secrets.missing_followers(document, live_variables(session, document), unknown)


def redeploy(session: StackSession, document: DesiredState, changed: list[str]) -> str | None:
    """Trigger the deploy hook the document names when the restore changed Vercel variables.

    Vercel applies variables to new deployments only. Off unless `vercel.redeploy_hook` names a config key
    holding the hook URL (a secret: anyone holding it can deploy).
    """
    hook = document.vercel.redeploy_hook if document.vercel else None
    if hook is None or not any(ENV_TYPE in urn for urn in changed):
        return None
    url = session.secret(f"platform-config:{hook}", "BACKSTOP_VERCEL_DEPLOY_HOOK")
    if not url:
        raise Failure(INPUT_ERROR, f"vercel.redeploy_hook names platform-config:{hook}, which is not set")
    job = asyncio.run(trigger_deploy_hook(url))
    return str((job.get("job") or {}).get("id") or "triggered")


def readers_of(session: StackSession) -> list[str]:
    """Stacks whose documents read this stack's webhook secrets (through a StackReference)."""
    stack_name = session.name
    return sorted(
        name
        for name, other in sibling_documents(session.path, stack_name).items()
        if other.vercel is not None
        and any(
            var.value_from is not None
            and var.value_from.stack_output is not None
            and var.value_from.stack_output.stack == stack_name
            for _, var in other.vercel.variables()
        )
    )


def update_reader(stack_name: str) -> bool:
    """The chained update of a stack that reads the restored one's secrets; False (left to update next,
    with how) for a stack approvals.yaml protects: its update needs its own signed approval, and the
    restore that got here is done and must not fail on it."""
    roles = load_matrix(PROJECT_DIR / FILE).required(stack_name, "configuration")
    if roles is not None:
        name = escape(stack_name)
        err.print(
            f"[yellow]warning:[/yellow] not chained: {FILE} protects {name}, whose update needs an approval "
            f"by {' or '.join(roles)}: `backstop approve --stack {name} --document snapshots/{name}.yaml "
            f"--key …`, then `backstop up --stack {name} --approval FILE`",
            soft_wrap=True,
        )
        return False
    reader = StackSession(stack_name)
    with reader.program_env():
        up_adopting(reader, reader.desired)
    return True
