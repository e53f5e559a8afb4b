"""Checking: prove the apps accept what the vendors send, with signed test deliveries.

For every webhook endpoint the stack's document manages, a harmless test event (`backstop.test.ping`)
signed with the endpoint's signing secret, read from the stack's `webhook_secrets` output (decrypted in
memory only), goes to the endpoint's URL; the app must answer 2xx within the timeout. An endpoint whose
secret the stack doesn't know (adopted or imported) is not checkable, with the fix. A failure names the
variables that should hold the endpoint's secret and where they live. A restore and a drill run it at
their end: its result is in their reports and never stops them.
"""

from __future__ import annotations

import asyncio
import os
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

from backstop.operations.errors import INPUT_ERROR, Failure
from backstop.operations.notify import notify
from backstop.plugin.model.checks import SmokeCheck
from backstop.plugin.model.stacks import sibling_documents
from backstop.runbook.alerts import Alert
from backstop.runbook.check.delivery import deliver_all, secrets_by_output
from backstop.runbook.check.followers import followers
from backstop.runbook.check.report import CheckReport, Delivery, Smoke
from backstop.runbook.check.smoke import run_all
from backstop.runbook.check.targets import Target, targets
from backstop.runbook.restore.secrets import webhook_secrets
from backstop.runbook.session import StackSession

DELIVERY_BASE = "BACKSTOP_DELIVERY_BASE_URL"
PROGRAM = "platform-config"
DEFAULT_TIMEOUT = 10.0


def delivery_base(sandbox_only: bool = False) -> str | None:
    """`BACKSTOP_DELIVERY_BASE_URL`, checked: unset means plain HTTPS to each endpoint. `sandbox_only` (a
    drill): it must point into the sandbox, so a rehearsal never sends anything to a real app."""
    base = os.environ.get(DELIVERY_BASE) or None
    if base is not None:
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise Failure(INPUT_ERROR, f"{DELIVERY_BASE}: {base!r} is not an http(s) URL")
    sandbox = os.environ.get("BACKSTOP_SANDBOX_URL")
    if sandbox_only and not (base and sandbox and base.startswith(sandbox.rstrip("/") + "/")):
        raise Failure(
            INPUT_ERROR,
            f"a drill delivers only to the sandbox's apps: {DELIVERY_BASE} must point under "
            "BACKSTOP_SANDBOX_URL (`backstop sandbox env` prints both)",
        )
    return base


def run_check(
    session: StackSession, timeout: float = DEFAULT_TIMEOUT, sandbox_only: bool = False
) -> CheckReport:
    """`backstop check`: every endpoint at once. Bad input (document, stack, settings) raises before
    anything is sent."""
    if timeout <= 0:
        raise Failure(INPUT_ERROR, f"--timeout: {timeout:g} is not a positive number of seconds")
    started, clock = datetime.now(UTC), time.monotonic()
    document = session.desired
    base = delivery_base(sandbox_only)
    found = targets(document)
    smoke = [(check, smoke_headers(session, check)) for check in document.checks]
    known = secrets_by_output(webhook_secrets(session.outputs())) if found else {}
    results: dict[str, Delivery] = {}
    sending: list[tuple[Target, str]] = []
    for target in found:
        secret = known.get(target.output)
        if target.disabled:
            results[target.name] = _unsent(target, "skipped", "disabled: its vendor sends it nothing")
        elif secret is None:
            results[target.name] = _not_checkable(session.name, target, target.output in known)
        else:
            sending.append((target, secret))
    deliveries, smoked = asyncio.run(_both(sending, smoke, session.name, base, timeout))
    for delivery in deliveries:
        results[delivery.endpoint] = delivery
    ordered = [results[t.name] for t in found]
    if any(d.status == "failed" for d in ordered):
        ordered = _with_followers(session, ordered)
    report = CheckReport(
        stack=session.name,
        started_at=started,
        seconds=time.monotonic() - clock,
        delivered_through=base,
        deliveries=ordered,
        smoke=smoked,
    )
    failed = [d.endpoint for d in ordered if d.status == "failed"] + [
        f"checks.{s.key}" for s in smoked if s.status == "failed"
    ]
    if failed:
        notify(
            Alert(
                "check_failed",
                session.name,
                f"application checks failed: {report.summary()}",
                "error",
                {"failed": ", ".join(failed), "check": f"backstop check --stack {session.name}"},
            )
        )
    return report


async def _both(
    sending: list[tuple[Target, str]],
    smoke: list[tuple[SmokeCheck, dict[str, str]]],
    stack: str,
    base: str | None,
    timeout: float,
) -> tuple[list[Delivery], list[Smoke]]:
    return await asyncio.gather(deliver_all(sending, stack, base, timeout), run_all(smoke, base))


def smoke_headers(session: StackSession, check: SmokeCheck) -> dict[str, str]:
    """The check's header values from the stack's secrets (decrypted in memory only); a missing or plain
    value is bad input, refused before anything is sent."""
    headers = {}
    for name, source in check.headers.items():
        where = f"{session.path}: checks.{check.key}.headers.{name}: config {source.secret}"
        fix = f"`pulumi config set --secret {source.secret} … --stack {session.name}`"
        value = session.config().get(f"{PROGRAM}:{source.secret}")
        if value is None or not value.value:
            raise Failure(INPUT_ERROR, f"{where} is not set on stack {session.name}: {fix}")
        if not value.secret:
            raise Failure(INPUT_ERROR, f"{where} is a plain value; a header comes only from a secret: {fix}")
        headers[name] = value.value
    return headers


def check_after(session: StackSession, drill: bool = False) -> CheckReport:
    """The check at the end of a restore or a drill: whatever goes wrong is reported, never raised."""
    try:
        return run_check(session, sandbox_only=drill)
    except Exception as exc:
        reason = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        return CheckReport(stack=session.name, started_at=datetime.now(UTC), seconds=0.0, error=reason)


def _unsent(target: Target, status: str, detail: str, fix: str | None = None) -> Delivery:
    return target.delivery(status, detail, fix=fix)


def _not_checkable(stack: str, target: Target, in_outputs: bool) -> Delivery:
    if not in_outputs:
        return _unsent(
            target,
            "not_checkable",
            "the stack's outputs hold no secret for it (not applied yet?)",
            f"`backstop up --stack {stack}`, then check again",
        )
    fix = (
        f"`backstop restore --stack {stack} --backup <id> --rotate-secrets` recreates the endpoint, so the "
        "stack knows its new secret and writes it to the variables that follow it"
        if target.family == "stripe"
        else f"`backstop up --stack {stack}` reads the endpoint's secret from Svix"
    )
    return _unsent(
        target,
        "not_checkable",
        "its signing secret is unknown (adopted or imported: Stripe never shows it again)",
        fix,
    )


def _with_followers(session: StackSession, deliveries: list[Delivery]) -> list[Delivery]:
    """Failed deliveries get the variables that should hold their endpoint's secret, and the fix."""
    documents = {session.name: session.desired, **sibling_documents(session.path, session.name)}
    out = []
    for delivery in deliveries:
        if delivery.status != "failed" or delivery.http_status is None:
            out.append(delivery)
            continue
        found = followers(session.name, f"{delivery.endpoint}.secret", documents)
        owners = sorted({f.stack for f in found})
        if delivery.http_status in (400, 401, 403) and owners:
            fix = (
                "write the endpoint's secret into them again: "
                + ", ".join(
                    f"`backstop restore --stack {o} --backup <id>` (or `backstop up --stack {o}`)"
                    for o in owners
                )
                + "; `backstop drift` shows a value written out of band"
            )
        elif delivery.http_status in (400, 401, 403):
            fix = (
                f"no document wires a variable to {delivery.endpoint}: declare the app's variable with "
                f"`value_from: {{output: {delivery.endpoint}.secret}}` so every update keeps it right"
            )
        else:
            fix = None
        out.append(delivery.model_copy(update={"verifies_with": [f.describe() for f in found], "fix": fix}))
    return out
