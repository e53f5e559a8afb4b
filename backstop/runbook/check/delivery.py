"""Sending the signed test events, all at once, and judging each answer.

Pass: a 2xx answer within the timeout (redirects are not followed, as Stripe and Svix don't). Anything
else fails with the status and the first 200 bytes of the answer, the endpoint's secret redacted; a
timeout or a refused connection fails too, never raising. With `BACKSTOP_DELIVERY_BASE_URL` set (the
sandbox's apps: `backstop sandbox env` prints it), a delivery to `https://<host>/<path>` goes to
`<base>/<host>/<path>` instead; unset, it is plain HTTPS to the endpoint's URL.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from urllib.parse import urlsplit

import httpx

from backstop.plugin.clients.tls import tls_context
from backstop.runbook.check.events import ping_event
from backstop.runbook.check.report import Delivery
from backstop.runbook.check.signing import SigningError, stripe_headers, svix_headers
from backstop.runbook.check.targets import Target

BODY_BYTES = 200
REDACTED = "[redacted]"
USER_AGENT = "Backstop (backstop check; signed test delivery)"


def routed(url: str, base: str | None) -> str:
    """Where a delivery to `url` goes: the URL itself, or `<base>/<host>/<path>?<query>`."""
    if not base:
        return url
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{base.rstrip('/')}/{parts.netloc}{parts.path or '/'}{query}"


def redact(text: str, secrets: list[str]) -> str:
    """`text` without any of `secrets` (a Svix secret also without its bare base64 key)."""
    forms = {form for secret in secrets for form in (secret, secret.removeprefix("whsec_")) if len(form) >= 8}
    for form in sorted(forms, key=len, reverse=True):  # the whole secret before its bare key
        text = text.replace(form, REDACTED)
    return text


def excerpt(content: bytes, secrets: list[str]) -> str:
    """The first 200 bytes of an answer, redacted before it is cut (a cut secret could leak a part)."""
    text = redact(content[:65536].decode("utf-8", errors="replace"), secrets)
    return text.encode()[:BODY_BYTES].decode("utf-8", errors="ignore")


def signed(target: Target, stack: str, secret: str) -> tuple[str, str, dict[str, str]]:
    """(event id, body, headers) of a test event for `target`, signed with `secret`."""
    now = int(time.time())
    event = ping_event(target.family, stack, target.key, now)
    if target.family == "stripe":
        signature = stripe_headers(event.payload, secret, now)
    else:
        signature = svix_headers(event.id, event.payload, secret, now)
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT, **signature}
    return event.id, event.payload, headers


async def deliver(
    client: httpx.AsyncClient, target: Target, stack: str, secret: str, base: str | None, timeout: float
) -> Delivery:
    result = target.delivery
    try:
        event_id, payload, headers = signed(target, stack, secret)
    except SigningError as exc:
        return result("failed", str(exc), fix="check the secret the stack holds for this endpoint")
    started = time.monotonic()
    try:
        answer = await client.post(routed(target.url, base), content=payload.encode(), headers=headers)
    except httpx.TimeoutException:
        took = time.monotonic() - started
        return result("failed", f"no answer within {timeout:g} s", seconds=took, event_id=event_id)
    except httpx.HTTPError as exc:
        took = time.monotonic() - started
        reason = redact(str(exc) or type(exc).__name__, [secret])
        return result("failed", f"could not deliver: {reason}", seconds=took, event_id=event_id)
    took = time.monotonic() - started
    body = excerpt(answer.content, [secret])
    if 200 <= answer.status_code < 300:
        return result(
            "passed", "accepted", http_status=answer.status_code, seconds=took, event_id=event_id, body=body
        )
    return result(
        "failed",
        _meaning(answer.status_code),
        http_status=answer.status_code,
        seconds=took,
        event_id=event_id,
        body=body,
    )


def _meaning(status: int) -> str:
    if status in (400, 401, 403):
        return "the app refused a correctly signed delivery: it verifies with a secret that isn't this one's"
    if status == 404:
        return "no receiver at this URL (is the app deployed there, with this route?)"
    if 300 <= status < 400:
        return "a redirect: Stripe and Svix don't follow redirects, so the app would miss every event"
    if status >= 500:
        return "the app failed while receiving it"
    return "the app did not accept it"


async def deliver_all(
    deliveries: list[tuple[Target, str]], stack: str, base: str | None, timeout: float
) -> list[Delivery]:
    """Every (endpoint, secret) at once, results in the same order."""
    if not deliveries:
        return []
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, verify=tls_context()) as client:
        return list(
            await asyncio.gather(
                *(deliver(client, target, stack, secret, base, timeout) for target, secret in deliveries)
            )
        )


def secrets_by_output(found: Mapping[str, object]) -> dict[str, str | None]:
    """The `webhook_secrets` output as {output path: secret or None}."""
    return {str(path): (value if isinstance(value, str) and value else None) for path, value in found.items()}
