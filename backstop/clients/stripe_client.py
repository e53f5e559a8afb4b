"""Stripe through the official SDK (async, HTTPX), with one place for errors, retries and pagination."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import stripe

from backstop.clients.errors import NotFound, VendorError
from backstop.clients.retry import RetryPolicy, retry_after, with_retries

T = TypeVar("T")
Json = dict[str, Any]
PAGE = 100


def _transient(exc: BaseException) -> tuple[bool, float | None]:
    if isinstance(exc, stripe.APIConnectionError):
        return True, None
    if isinstance(exc, stripe.StripeError):
        headers = dict(exc.headers or {})
        should = {k.lower(): v for k, v in headers.items()}.get("stripe-should-retry")
        if should is not None:
            return should == "true", retry_after(headers)
        status = exc.http_status or 0
        return status in (409, 429) or status >= 500, retry_after(headers)
    return False, None


class StripeApi:
    def __init__(self, api_key: str, base_url: str | None = None, policy: RetryPolicy | None = None) -> None:
        self._sdk = stripe.StripeClient(
            api_key,
            base_addresses={"api": base_url} if base_url else {},
            http_client=stripe.HTTPXClient(allow_sync_methods=False),
            max_network_retries=0,
        )
        self._policy = policy or RetryPolicy()

    async def _call(self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await with_retries(call, _transient, self._policy)
        except stripe.StripeError as exc:
            raise _vendor_error(exc) from None

    # Webhook endpoints
    async def list_webhook_endpoints(self) -> list[Json]:
        service = self._sdk.v1.webhook_endpoints
        return await self._list_all(lambda params: service.list_async(params=params))  # type: ignore[arg-type]

    async def get_webhook_endpoint(self, endpoint_id: str) -> Json | None:
        try:
            found = await self._call(lambda: self._sdk.v1.webhook_endpoints.retrieve_async(endpoint_id))
        except NotFound:
            return None
        return found.to_dict()

    async def create_webhook_endpoint(self, params: Json, idempotency_key: str) -> Json:
        service = self._sdk.v1.webhook_endpoints
        created = await self._call(
            lambda: service.create_async(params=params, options={"idempotency_key": idempotency_key})  # type: ignore[arg-type]
        )
        return created.to_dict()

    async def update_webhook_endpoint(self, endpoint_id: str, params: Json) -> Json:
        service = self._sdk.v1.webhook_endpoints
        updated = await self._call(lambda: service.update_async(endpoint_id, params=params))  # type: ignore[arg-type]
        return updated.to_dict()

    async def delete_webhook_endpoint(self, endpoint_id: str) -> bool:
        """False when it was already gone."""
        try:
            await self._call(lambda: self._sdk.v1.webhook_endpoints.delete_async(endpoint_id))
        except NotFound:
            return False
        return True

    async def _list_all(self, page: Callable[[Json], Awaitable[Any]]) -> list[Json]:
        items: list[Json] = []
        params: Json = {"limit": PAGE}
        while True:
            result = await self._call(lambda params=params: page(params))  # type: ignore[misc]
            batch = [obj.to_dict() for obj in result.data]
            items.extend(batch)
            if not result.has_more or not batch:
                return items
            params = {"limit": PAGE, "starting_after": batch[-1]["id"]}


def _vendor_error(exc: stripe.StripeError) -> VendorError:
    error = exc.error
    message = (error.message if error and error.message else None) or exc.user_message or type(exc).__name__
    param = error.param if error else None
    status = exc.http_status
    if status == 404 and error is not None and error.code == "resource_missing":
        return NotFound("stripe", status, message, param=param)
    return VendorError("stripe", status, message, param=param)
