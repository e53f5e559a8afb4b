"""The Stripe client's write probe: an empty create that Stripe refuses before writing, passing for a key that
may write and raising the 403 (status kept, permission named) for one that may not; nothing is created."""

from __future__ import annotations

import asyncio
from typing import get_args

import pytest

from backstop.plugin.clients.errors import VendorError
from backstop.plugin.clients.retry import RetryPolicy
from backstop.plugin.clients.stripe_client import Collection, StripeApi
from tests.support import STRIPE_STAGING_KEY, SandboxProcess

FAST = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.05)


def may_write(sandbox: SandboxProcess, key: str, collection: Collection) -> None:
    asyncio.run(StripeApi(key, f"{sandbox.url}/stripe", FAST).may_write(collection))


def test_an_empty_create_proves_write_access_without_writing(sandbox: SandboxProcess) -> None:
    for key in (STRIPE_STAGING_KEY, "rk_test_sandbox_derrimut_staging_restore"):
        for collection in get_args(Collection):
            may_write(sandbox, key, collection)
    with pytest.raises(VendorError) as denied:
        may_write(sandbox, "rk_test_sandbox_derrimut_staging_readonly", "prices")
    assert denied.value.status == 403 and "'rak_price_write'" in str(denied.value)
    assert "rk_test_sandbox_derrimut_staging_readonly" not in str(denied.value)
    log = sandbox.requests()["requests"]
    assert len(log) == 2 * len(get_args(Collection)) + 1
    assert all(entry["status"] in (400, 403) for entry in log), "each empty create was refused"
    assert not any(sandbox.dump()["stripe"].get("acct_derrimut_staging", {}).get("products", {}))
