"""One wrapper for every vendor route: faults, rate limits, authentication, errors, persistence, the log."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from sandbox.core.accounts import Account
from sandbox.core.context import Sandbox
from sandbox.core.errors import HttpError
from sandbox.core.ratelimit import RateLimit

Handler = Callable[[Request, Account], Awaitable[Response]]


@dataclass(frozen=True)
class Vendor:
    name: str
    prefix: str
    """Path prefix of the vendor's base URL in the sandbox, e.g. `/stripe`."""
    authenticate: Callable[[Request], Account]
    """Returns the account the request's credentials select; raises the vendor's 401 otherwise."""
    error: Callable[[int, str, dict[str, str]], Response]
    """The vendor's error envelope for a status, a message and extra headers (injected faults, 429s)."""
    rate_limit: Callable[[Account], RateLimit | None]
    """The vendor's documented limit for an account; None where it documents none."""
    retry_after_header: bool = True


class DroppedConnection(Response):
    """Promises a body and closes the connection before sending it, as a dropped connection looks."""

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1024")]})
        await send({"type": "http.response.body", "body": b"{", "more_body": False})


def route(sandbox: Sandbox, vendor: Vendor, method: str, template: str, handler: Handler) -> Route:
    async def endpoint(request: Request) -> Response:
        account: Account | None = None
        status = 500
        try:
            decision = sandbox.faults.decide(vendor.name, method, template)
            if decision.delay:
                await asyncio.sleep(decision.delay)
            fault = decision.failure
            if fault is not None and fault.spec.kind == "drop" and fault.spec.drop == "before":
                status = 0
                return DroppedConnection()
            if fault is not None and fault.spec.kind == "status":
                status = fault.spec.status
                return vendor.error(status, "Injected fault (sandbox)", dict(fault.spec.headers))
            account = vendor.authenticate(request)
            wait = sandbox.ratelimits.check(vendor.name, account.api_key, vendor.rate_limit(account))
            if wait is not None:
                status = 429
                headers = {"Retry-After": str(wait)} if vendor.retry_after_header else {}
                return vendor.error(429, "Too many requests (sandbox rate limit)", headers)
            response = await handler(request, account)
            status = response.status_code
            if method != "GET" and status < 400:
                sandbox.store.persist()
            if fault is not None and fault.spec.kind == "drop":
                status = 0
                return DroppedConnection()
            return response
        except HttpError as exc:
            status = exc.status
            return exc.response()
        finally:
            sandbox.log.add(
                vendor.name, account.name if account else None, method, template, request.url.path, status
            )

    return Route(template, endpoint, methods=[method])
