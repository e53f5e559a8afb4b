"""What resource handlers share within one provider process: configured clients and read caches."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from backstop.plugin.clients import connections
from backstop.plugin.clients.connections import MissingCredential
from backstop.plugin.provider.config import ProviderConfig

if TYPE_CHECKING:  # connections imports each vendor's client when the first handler needs it
    from backstop.plugin.clients.clerk_client import ClerkApi
    from backstop.plugin.clients.convex_client import ConvexApi
    from backstop.plugin.clients.stripe_client import Collection, StripeApi
    from backstop.plugin.clients.svix_client import SvixApi
    from backstop.plugin.clients.vapi_client import VapiApi

Json = dict[str, Any]


class ProviderError(Exception):
    """A failure to report to the engine as is: its message is safe to show."""


class ListingCache:
    """The first read of a collection lists it whole; concurrent readers await that one listing.

    A refresh of N objects then costs about N/100 list calls instead of N GETs. Writes drop the cache.
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._pending: dict[str, asyncio.Task[dict[str, Json]]] = {}

    async def get(self, name: str, load: Callable[[], Awaitable[list[Json]]]) -> dict[str, Json]:
        """The collection by id; empty when batching is off, so readers fetch each object themselves."""
        if not self.enabled:
            return {}
        task = self._pending.get(name)
        if task is None:

            async def index() -> dict[str, Json]:
                return {item["id"]: item for item in await load()}

            task = asyncio.ensure_future(index())
            self._pending[name] = task
        try:
            return await asyncio.shield(task)
        except BaseException:
            if self._pending.get(name) is task:
                del self._pending[name]
            raise

    async def find(
        self,
        name: str,
        object_id: str,
        load: Callable[[], Awaitable[list[Json]]],
        fetch: Callable[[], Awaitable[Json | None]],
    ) -> Json | None:
        """One object of a collection whose listing holds every object there is (Stripe's lists hold
        archived objects too): absent from the listing means gone, with no GET to confirm it (after a total
        loss, one 404 per object). With batching off, the object's own GET."""
        if not self.enabled:
            return await fetch()
        return (await self.get(name, load)).get(object_id)

    def invalidate(self, name: str) -> None:
        self._pending.pop(name, None)


class ProviderContext:
    def __init__(self, config: ProviderConfig) -> None:
        self.config = config
        self.listings = ListingCache(config.batched_reads)
        self._locks: dict[str, asyncio.Lock] = {}
        self._stripe: StripeApi | None = None
        self._vapi: VapiApi | None = None
        self._clerk: ClerkApi | None = None
        self._clerk_instance: Json | None = None
        self._svix: SvixApi | None = None
        self._convex: dict[str, ConvexApi] = {}

    def lock(self, name: str) -> asyncio.Lock:
        """One lock per name, for changes that must not interleave (a product's default price)."""
        return self._locks.setdefault(name, asyncio.Lock())

    @property
    def stripe(self) -> StripeApi:
        if self._stripe is None:
            try:
                self._stripe = connections.stripe_api(self.config.connections.stripe)
            except MissingCredential as exc:
                raise ProviderError(str(exc)) from None
        return self._stripe

    async def stripe_object(self, collection: Collection, object_id: str) -> Json | None:
        """A Stripe object by id, from its collection's listing (`stripe:<collection>`, listed once per
        process; Stripe's lists hold archived objects too, so one missing from it is gone)."""
        stripe = self.stripe
        return await self.listings.find(
            f"stripe:{collection}",
            object_id,
            lambda: stripe.list_all(collection),
            lambda: stripe.get(collection, object_id),
        )

    @property
    def vapi(self) -> VapiApi:
        if self._vapi is None:
            try:
                self._vapi = connections.vapi_api(self.config.connections.vapi)
            except MissingCredential as exc:
                raise ProviderError(str(exc)) from None
        return self._vapi

    @property
    def clerk(self) -> ClerkApi:
        if self._clerk is None:
            try:
                self._clerk = connections.clerk_api(self.config.connections.clerk)
            except MissingCredential as exc:
                raise ProviderError(str(exc)) from None
        return self._clerk

    def convex(self, deployment: str) -> ConvexApi:
        """The deployment's admin API, one client per deployment."""
        if deployment not in self._convex:
            try:
                self._convex[deployment] = connections.convex_api(self.config.connections.convex, deployment)
            except MissingCredential as exc:
                raise ProviderError(str(exc)) from None
        return self._convex[deployment]

    async def clerk_instance(self) -> Json:
        """The instance the Clerk key belongs to (GET /v1/instance, once per process)."""
        async with self.lock("clerk:instance"):
            if self._clerk_instance is None:
                self._clerk_instance = await self.clerk.instance()
            return self._clerk_instance

    async def svix(self, *, ensure_app: bool) -> SvixApi | None:
        """The Clerk instance's Svix application through one App Portal session per process.

        None when the instance has no application and `ensure_app` is false (reads never create one).
        """
        async with self.lock("svix:session"):
            if self._svix is None:
                link = await self.clerk.svix_url(ensure_app=ensure_app)
                if link is None:
                    return None
                self._svix = await connections.svix_api(self.config.connections.svix, link)
            return self._svix
