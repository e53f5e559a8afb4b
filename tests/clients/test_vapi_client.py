"""The Vapi client against the sandbox: paging bare-array lists, retries that honour Retry-After, errors
without the key, and no repeated POST when its answer may have been processed."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from backstop.plugin.clients.errors import VendorError
from backstop.plugin.clients.retry import RetryPolicy
from backstop.plugin.clients.vapi_client import VapiApi
from sandbox.core.accounts import keys
from tests.support import SandboxProcess

KEY = keys("vapi")["org_derrimut"]
FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05)


def tool(name: str) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name}, "server": {"url": "https://x.example.com/t"}}


def run(sandbox: SandboxProcess, work: Any) -> Any:
    async def go() -> Any:
        api = VapiApi(KEY, f"{sandbox.url}/vapi", FAST)
        try:
            return await work(api)
        finally:
            await api.aclose()

    return asyncio.run(go())


def test_lists_page_through_every_object(sandbox: SandboxProcess) -> None:
    async def work(api: VapiApi) -> list[dict[str, Any]]:
        for i in range(230):
            await api.create("tool", tool(f"t{i}"))
        sandbox.http.delete("/_sandbox/requests")
        return await api.list_all("tool")

    listed = run(sandbox, work)
    assert sorted(t["function"]["name"] for t in listed) == sorted(f"t{i}" for i in range(230))
    assert sandbox.requests()["by_route"] == {"vapi GET /tool": 3}


def test_a_429_is_retried_after_the_time_vapi_asks(sandbox: SandboxProcess) -> None:
    fault = {"vendor": "vapi", "kind": "status", "status": 429, "headers": {"Retry-After": "1"}, "times": 1}
    sandbox.http.post("/_sandbox/faults", json=fault).raise_for_status()
    started = time.monotonic()
    assert run(sandbox, lambda api: api.list_all("assistant")) == []
    assert time.monotonic() - started >= 1.0
    assert sandbox.requests()["by_route"] == {"vapi GET /assistant": 2}


def test_retries_are_bounded_and_errors_never_hold_the_key(sandbox: SandboxProcess) -> None:
    fault = {"vendor": "vapi", "kind": "status", "status": 503}
    sandbox.http.post("/_sandbox/faults", json=fault).raise_for_status()
    with pytest.raises(VendorError) as caught:
        run(sandbox, lambda api: api.get("tool", "3f0c6a0e-8f1e-4a51-9d0a-3b8f5d9d2b11"))
    assert caught.value.status == 503 and KEY not in str(caught.value)
    assert sandbox.requests()["total"] == FAST.attempts
    sandbox.http.delete("/_sandbox/faults")
    with pytest.raises(VendorError) as caught:
        run(sandbox, lambda api: api.create("tool", {**tool("x"), "colour": "red"}))
    assert "property colour should not exist" in str(caught.value) and KEY not in str(caught.value)


def test_a_post_whose_answer_was_lost_is_not_repeated(sandbox: SandboxProcess) -> None:
    fault = {"vendor": "vapi", "method": "POST", "kind": "drop", "drop": "after", "times": 1}
    sandbox.http.post("/_sandbox/faults", json=fault).raise_for_status()
    with pytest.raises(VendorError) as caught:
        run(sandbox, lambda api: api.create("tool", tool("once")))
    assert caught.value.status is None
    assert len(run(sandbox, lambda api: api.list_all("tool"))) == 1, "made once, never twice"


def test_gone_objects_read_as_none_and_delete_as_done(sandbox: SandboxProcess) -> None:
    missing = "3f0c6a0e-8f1e-4a51-9d0a-3b8f5d9d2b11"
    assert run(sandbox, lambda api: api.get("squad", missing)) is None
    assert run(sandbox, lambda api: api.delete("squad", missing)) is False
