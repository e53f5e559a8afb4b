"""The Clerk and Svix clients against the sandbox: retries that honour Retry-After, bounded; errors that
never show a credential; Svix pagination and the App Portal exchange."""

from __future__ import annotations

import asyncio
import time

import pytest

from backstop.plugin.clients.clerk_client import ClerkApi, ClerkApiError
from backstop.plugin.clients.errors import VendorError
from backstop.plugin.clients.retry import RetryPolicy
from backstop.plugin.clients.svix_client import SvixApi, parse_portal_link
from tests.support import SandboxProcess

STAGING_KEY = "sk_test_sandbox_clerk_derrimut_staging"
FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05)


def clerk(sandbox: SandboxProcess, key: str = STAGING_KEY, policy: RetryPolicy | None = None) -> ClerkApi:
    return ClerkApi(key, f"{sandbox.url}/clerk/v1", policy)


def fault(sandbox: SandboxProcess, **spec: object) -> None:
    sandbox.http.post("/_sandbox/faults", json=spec).raise_for_status()


def test_a_rate_limited_request_waits_what_clerk_asks_then_succeeds(sandbox: SandboxProcess) -> None:
    fault(sandbox, vendor="clerk", kind="status", status=429, headers={"Retry-After": "0.3"}, times=2)

    async def scenario() -> float:
        started = time.monotonic()
        await clerk(sandbox).list_all("redirect_urls")
        return time.monotonic() - started

    assert asyncio.run(scenario()) >= 0.6
    assert sandbox.requests()["by_route"]["clerk GET /v1/redirect_urls"] == 3


def test_retries_are_bounded_and_the_last_answer_is_reported(sandbox: SandboxProcess) -> None:
    fault(sandbox, vendor="clerk", kind="status", status=503)

    async def scenario() -> None:
        await clerk(sandbox, policy=FAST).instance()

    with pytest.raises(VendorError) as caught:
        asyncio.run(scenario())
    assert caught.value.status == 503 and "internal_clerk_error" in str(caught.value)
    assert sandbox.requests()["total"] == 3


def test_errors_name_clerks_reason_and_never_the_key(sandbox: SandboxProcess) -> None:
    wrong = "sk_test_canary_not_a_real_key_71c3"

    async def unauthorised() -> None:
        await clerk(sandbox, key=wrong).instance()

    with pytest.raises(ClerkApiError) as caught:
        asyncio.run(unauthorised())
    assert caught.value.status == 401 and "clerk_key_invalid" in caught.value.codes
    assert wrong not in str(caught.value) and STAGING_KEY not in str(caught.value)

    async def invalid() -> None:
        await clerk(sandbox).create("redirect_urls", {"url": "no scheme"})

    with pytest.raises(ClerkApiError) as invalid_url:
        asyncio.run(invalid())
    assert invalid_url.value.status == 422 and invalid_url.value.param == "url"


def test_the_portal_link_opens_the_svix_api_and_lists_page_by_page(sandbox: SandboxProcess) -> None:
    async def scenario() -> tuple[list[str], list[str], str]:
        link = await clerk(sandbox).svix_url(ensure_app=True)
        assert link is not None
        assert "oneTimeToken" not in repr(parse_portal_link(link))
        svix = await SvixApi.open(link, f"{sandbox.url}/svix")
        made = [
            (await svix.create_endpoint({"url": f"https://h{i}.example.com/w", "uid": f"e{i}"}, f"k{i}"))[
                "id"
            ]
            for i in range(5)
        ]
        listed = [e["id"] for e in await svix.list_endpoints(page=2)]
        return made, listed, await svix.endpoint_secret(made[0])

    made, listed, secret = asyncio.run(scenario())
    assert listed == made, "every page, oldest first, none twice"
    assert secret.startswith("whsec_")
    assert sandbox.requests()["by_route"]["svix GET /api/v1/app/{app_id}/endpoint"] == 3


def test_without_an_application_no_link_is_made_unless_asked(sandbox: SandboxProcess) -> None:
    async def scenario() -> tuple[str | None, str | None, str | None]:
        api = clerk(sandbox)
        return await api.svix_url(ensure_app=False), await api.svix_url(True), await api.svix_url(True)

    missing, created, again = asyncio.run(scenario())
    assert missing is None and created and again
    assert len(sandbox.dump()["svix"]["ins_derrimut_staging"]["applications"]) == 1


def test_a_one_time_token_works_once_and_failures_hide_it(sandbox: SandboxProcess) -> None:
    async def scenario() -> str:
        link = await clerk(sandbox).svix_url(ensure_app=True)
        assert link is not None
        await SvixApi.open(link, f"{sandbox.url}/svix")
        with pytest.raises(VendorError) as caught:
            await SvixApi.open(link, f"{sandbox.url}/svix")
        assert caught.value.status == 401
        assert parse_portal_link(link).one_time_token not in str(caught.value)
        return link

    asyncio.run(scenario())
    with pytest.raises(VendorError, match="no readable #key fragment"):
        parse_portal_link("https://app.svix.com/login#key=%%%")
