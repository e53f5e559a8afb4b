"""Running the document's smoke checks (`checks:`), all at once, and judging each answer.

Pass: the expected status and, when declared, the text in the body and the value at the JSON path. Anything
else fails with what was found and the first 200 bytes of the answer, the check's header secrets redacted;
a timeout or a refused connection fails too, never raising. Routed as the test deliveries are
(`BACKSTOP_DELIVERY_BASE_URL`), and redirects are not followed: a check names the URL it means.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import httpx

from backstop.plugin.clients.tls import tls_context
from backstop.plugin.model.checks import Expect, SmokeCheck
from backstop.runbook.check.delivery import excerpt, redact, routed
from backstop.runbook.check.report import Smoke

USER_AGENT = "Backstop (backstop check; smoke check)"
MISSING = object()


def value_at(document: Any, path: str) -> Any:
    """The value at dotted `path` (a number indexes a list), or MISSING."""
    node = document
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    return node


def judge(expect: Expect, status: int, content: bytes) -> str | None:
    """Why the answer fails the expectation, or None when it passes."""
    if status != expect.status:
        return f"answered {status}, expected {expect.status}"
    text = content.decode("utf-8", errors="replace")
    if expect.text is not None and expect.text not in text:
        return f"the answer doesn't contain {expect.text!r}"
    if expect.json_path is not None:
        try:
            found = value_at(json.loads(text), expect.json_path)
        except json.JSONDecodeError:
            return f"the answer is not JSON, so it has no {expect.json_path}"
        if found is MISSING:
            return f"the answer has no {expect.json_path}"
        # JSON's true is not 1: compare type and value.
        if type(found) is not type(expect.equals) or found != expect.equals:
            return f"{expect.json_path} is {json.dumps(found)[:80]}, expected {json.dumps(expect.equals)}"
    return None


async def run_one(
    client: httpx.AsyncClient, check: SmokeCheck, headers: Mapping[str, str], base: str | None
) -> Smoke:
    # `Bearer <token>`: an app that echoes the bare token must not show it either.
    secrets = [form for value in headers.values() for form in {value, *value.split()[-1:]}]

    def result(status: Literal["passed", "failed"], detail: str, **fields: Any) -> Smoke:
        return Smoke(
            key=check.key, url=check.url, method=check.method, status=status, detail=detail, **fields
        )

    started = time.monotonic()
    try:
        answer = await client.request(
            check.method,
            routed(check.url, base),
            json=check.body,
            headers={"User-Agent": USER_AGENT, **headers},
            timeout=check.timeout_seconds,
        )
    except httpx.TimeoutException:
        took = time.monotonic() - started
        return result("failed", f"no answer within {check.timeout_seconds:g} s", seconds=took)
    except httpx.HTTPError as exc:
        took = time.monotonic() - started
        return result("failed", f"no answer: {redact(str(exc) or type(exc).__name__, secrets)}", seconds=took)
    took = time.monotonic() - started
    failure = judge(check.expect, answer.status_code, answer.content)
    body = excerpt(answer.content, secrets)
    if failure is None:
        return result("passed", "as expected", http_status=answer.status_code, seconds=took)
    return result("failed", redact(failure, secrets), http_status=answer.status_code, seconds=took, body=body)


async def run_all(checks: Sequence[tuple[SmokeCheck, Mapping[str, str]]], base: str | None) -> list[Smoke]:
    """Every (check, its resolved headers) at once, results in the same order."""
    if not checks:
        return []
    async with httpx.AsyncClient(follow_redirects=False, verify=tls_context()) as client:
        return list(
            await asyncio.gather(*(run_one(client, check, headers, base) for check, headers in checks))
        )
