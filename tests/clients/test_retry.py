"""Bounded retries: transient failures are retried, waiting what the server asked for."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import stripe

from backstop.plugin.clients.retry import RetryPolicy, retry_after, with_retries
from backstop.plugin.clients.stripe_client import _transient


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after({"Retry-After": "3"}) == 3.0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 < (retry_after({"retry-after": later}) or 0) <= 30
    assert retry_after({}) is None and retry_after({"Retry-After": "soon"}) is None


def stripe_error(status: int, headers: dict[str, str]) -> stripe.StripeError:
    return stripe.APIError("boom", http_status=status, headers=headers)


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (429, {"Retry-After": "0.01"}, (True, 0.01)),
        (503, {}, (True, None)),
        (400, {}, (False, None)),
        (400, {"Stripe-Should-Retry": "true"}, (True, None)),
        (500, {"Stripe-Should-Retry": "false"}, (False, None)),
    ],
)
def test_stripe_failures_are_classified(
    status: int, headers: dict[str, str], expected: tuple[bool, float | None]
) -> None:
    assert _transient(stripe_error(status, headers)) == expected


def test_retries_wait_as_asked_then_succeed() -> None:
    calls: list[float] = []

    async def flaky() -> str:
        calls.append(asyncio.get_running_loop().time())
        if len(calls) < 3:
            raise stripe_error(429, {"Retry-After": "0.05"})
        return "ok"

    assert asyncio.run(with_retries(flaky, _transient)) == "ok"
    assert len(calls) == 3 and calls[2] - calls[1] >= 0.045


def test_retries_are_bounded() -> None:
    attempts = 0

    async def down() -> None:
        nonlocal attempts
        attempts += 1
        raise stripe_error(503, {"Retry-After": "0"})

    with pytest.raises(stripe.APIError):
        asyncio.run(with_retries(down, _transient, RetryPolicy(attempts=4)))
    assert attempts == 4


def test_permanent_errors_are_not_retried() -> None:
    attempts = 0

    async def bad() -> None:
        nonlocal attempts
        attempts += 1
        raise stripe_error(400, {})

    with pytest.raises(stripe.APIError):
        asyncio.run(with_retries(bad, _transient))
    assert attempts == 1
