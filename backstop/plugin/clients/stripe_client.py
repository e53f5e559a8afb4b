"""Stripe through the official SDK (async, HTTPX), with one place for errors, retries and pagination."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal, TypeVar

import stripe

from backstop.plugin.clients.errors import NotFound, VendorError
from backstop.plugin.clients.retry import RetryPolicy, retry_after, with_retries

T = TypeVar("T")
Json = dict[str, Any]
PAGE = 100
Collection = Literal["webhook_endpoints", "products", "prices", "billing_meters"]
PATHS: dict[Collection, str] = {
    "webhook_endpoints": "/v1/webhook_endpoints",
    "products": "/v1/products",
    "prices": "/v1/prices",
    "billing_meters": "/v1/billing/meters",
}


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

    def _service(self, collection: Collection) -> Any:
        if collection == "billing_meters":
            return self._sdk.v1.billing.meters
        return getattr(self._sdk.v1, collection)

    async def set_meter_status(self, meter_id: str, active: bool) -> Json:
        """Billing meters have no delete: `deactivate` retires one, `reactivate` brings it back."""
        meters = self._sdk.v1.billing.meters
        call = meters.reactivate_async if active else meters.deactivate_async
        return dict((await self._call(lambda: call(meter_id))).to_dict())

    async def list_all(self, collection: Collection, filters: Json | None = None) -> list[Json]:
        """Every object of the collection matching `filters`, 100 per request (archived ones included).
        Pages come through the SDK's raw request (same encoding, errors and headers as its list methods):
        a listing only needs each object's JSON, and building the SDK's objects for thousands of prices
        only to turn them back into dicts was most of a large refresh's listing CPU."""
        path = PATHS[collection]

        async def page(params: Json) -> Json:
            response = await self._sdk.raw_request_async("get", path, **{**(filters or {}), **params})
            return dict(response.data)

        return await self._list_all(page)

    async def get(self, collection: Collection, object_id: str) -> Json | None:
        service = self._service(collection)
        try:
            found = await self._call(lambda: service.retrieve_async(object_id))
        except NotFound:
            return None
        return dict(found.to_dict())

    async def create(self, collection: Collection, params: Json, idempotency_key: str) -> Json:
        """Every retry sends the same key: a create whose answer was lost is replayed, not repeated."""
        service = self._service(collection)
        created = await self._call(
            lambda: service.create_async(params=params, options={"idempotency_key": idempotency_key})
        )
        return dict(created.to_dict())

    async def update(self, collection: Collection, object_id: str, params: Json) -> Json:
        service = self._service(collection)
        updated = await self._call(lambda: service.update_async(object_id, params=params))
        return dict(updated.to_dict())

    async def delete(self, collection: Collection, object_id: str) -> bool:
        """False when it was already gone."""
        service = self._service(collection)
        try:
            await self._call(lambda: service.delete_async(object_id))
        except NotFound:
            return False
        return True

    async def _list_all(self, page: Callable[[Json], Awaitable[Json]]) -> list[Json]:
        items: list[Json] = []
        params: Json = {"limit": PAGE}
        while True:
            result = await self._call(lambda params=params: page(params))  # type: ignore[misc]
            batch: list[Json] = list(result["data"])
            items.extend(batch)
            if not result.get("has_more") or not batch:
                return items
            params = {"limit": PAGE, "starting_after": batch[-1]["id"]}

    async def may_write(self, collection: Collection) -> None:
        """Proves the key may create in the collection without creating anything: an empty create (no
        parameters, no idempotency key of ours; the SDK's random one replays nothing), which Stripe refuses
        before writing. 400 `parameter_missing` means the key may write; 403 (a VendorError whose message
        names the missing `rak_…_write` permission) means it may not."""
        service = self._service(collection)

        async def empty_create() -> None:
            try:
                await service.create_async(params={})
            except stripe.InvalidRequestError as exc:
                if exc.http_status != 400 or exc.code != "parameter_missing":
                    raise

        await self._call(empty_create)


def _vendor_error(exc: stripe.StripeError) -> VendorError:
    error = exc.error
    message = (error.message if error and error.message else None) or exc.user_message or type(exc).__name__
    param = error.param if error else None
    status = exc.http_status
    if status == 404 and error is not None and error.code == "resource_missing":
        return NotFound("stripe", status, message, param=param)
    return VendorError("stripe", status, message, param=param)
