"""JSON over HTTP (httpx) with bounded retries on 429, 5xx and lost connections, honouring Retry-After.

A request that must not be repeated once the vendor may have processed it (a create without an
idempotency key: `repeatable=False`) is retried only when it surely was not processed: the connection
was never made, or the answer was 429 or 503.
"""

from __future__ import annotations

from typing import Any

import httpx

from backstop.plugin.clients.errors import VendorError
from backstop.plugin.clients.retry import RetryPolicy, retry_after, with_retries
from backstop.plugin.clients.tls import tls_context

UNSENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
"""Transport failures before the request left: safe to repeat any request."""
UNPROCESSED = frozenset({429, 503})
"""Answers that say the request was not processed: safe to repeat any request."""


class RetryableStatus(Exception):
    """An answer worth asking again for: rate limited, or the server failed."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def transient(exc: BaseException) -> tuple[bool, float | None]:
    if isinstance(exc, RetryableStatus):
        return True, retry_after(exc.response.headers)
    if isinstance(exc, httpx.TransportError):
        return True, None
    return False, None


def transient_unrepeatable(exc: BaseException) -> tuple[bool, float | None]:
    """`transient` for a request that must not be repeated if it may have been processed."""
    if isinstance(exc, RetryableStatus):
        return exc.response.status_code in UNPROCESSED, retry_after(exc.response.headers)
    return isinstance(exc, UNSENT), None


class JsonHttp:
    """One vendor's HTTP client: base URL, default headers (credentials stay in them, never in messages)."""

    def __init__(
        self,
        vendor: str,
        base_url: str,
        headers: dict[str, str],
        policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        params: dict[str, str] | None = None,
    ) -> None:
        self.vendor = vendor
        self._policy = policy or RetryPolicy()
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers=headers,
            params=params,
            transport=transport,
            timeout=timeout,
            verify=tls_context(),
        )

    async def send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        repeatable: bool = True,
    ) -> httpx.Response:
        """The vendor's answer; a 429 or 5xx that outlasts the retries (or that may not be retried) is
        returned for the caller. `repeatable=False`: see the module's docstring."""

        async def once() -> httpx.Response:
            response = await self._client.request(method, path, json=json, params=params, headers=headers)
            if response.status_code == 429 or response.status_code >= 500:
                raise RetryableStatus(response)
            return response

        try:
            return await with_retries(once, transient if repeatable else transient_unrepeatable, self._policy)
        except RetryableStatus as exc:
            return exc.response
        except httpx.TransportError as exc:
            # The exception's text can carry the request; the kind of failure and the path are enough.
            unsure = ""
            if not repeatable and not isinstance(exc, UNSENT):
                unsure = " (not retried: it may have been processed)"
            raise VendorError(self.vendor, None, f"{method} {path}: {type(exc).__name__}{unsure}") from None

    async def aclose(self) -> None:
        await self._client.aclose()
