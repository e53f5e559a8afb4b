"""Bounded retries (tenacity) with exponential backoff and jitter that honour the server's Retry-After."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    base_delay: float = 0.25
    max_delay: float = 8.0
    max_retry_after: float = 60.0


def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not headers:
        return None
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


async def with_retries(
    call: Callable[[], Awaitable[T]],
    transient: Callable[[BaseException], tuple[bool, float | None]],
    policy: RetryPolicy | None = None,
) -> T:
    """Run `call`; `transient(exc)` says whether to try again and how long the server asked us to wait."""
    policy = policy or RetryPolicy()
    jitter = wait_random_exponential(multiplier=policy.base_delay, max=policy.max_delay)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = transient(exc)[1] if exc else None
        return min(asked, policy.max_retry_after) if asked is not None else jitter(state)

    retrying = AsyncRetrying(
        stop=stop_after_attempt(policy.attempts),
        wait=wait,
        retry=retry_if_exception(lambda exc: transient(exc)[0]),
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            return await call()
    raise AssertionError("unreachable")
