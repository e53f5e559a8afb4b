"""The control API under /_sandbox/, which no vendor path uses."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.core.context import Sandbox
from sandbox.core.faults import FaultSpec
from sandbox.core.ratelimit import RateLimit

Fixtures = dict[str, Callable[[Sandbox], dict[str, Any]]]
Register = Callable[[Sandbox, Any], dict[str, Any]]
"""Validates a `POST /_sandbox/accounts` body and registers it (sandbox/registration.py); raises
ValidationError or ValueError on a bad one."""


class _Limit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rate: float
    burst: float


class RateLimitSpec(BaseModel):
    """What `POST /_sandbox/ratelimits` accepts: on/off, and per-vendor overrides (null = no limit)."""

    model_config = ConfigDict(extra="forbid")
    enabled: bool = True
    vendors: dict[str, _Limit | None] = {}


def _bad(message: str) -> Response:
    return JSONResponse({"error": message}, status_code=400)


async def _json(request: Request) -> Any:
    raw = await request.body()
    return json.loads(raw) if raw.strip() else {}


def routes(sandbox: Sandbox, fixtures: Fixtures, register: Register) -> list[Route]:
    async def reset(_: Request) -> Response:
        sandbox.store.reset()
        sandbox.log.clear()
        sandbox.faults.clear()
        sandbox.ratelimits.configure(False, {})
        return JSONResponse({"reset": True})

    async def dump(_: Request) -> Response:
        return JSONResponse(sandbox.store.dump())

    async def load(request: Request) -> Response:
        try:
            data = await _json(request)
        except json.JSONDecodeError as exc:
            return _bad(f"body is not JSON: {exc}")
        if not isinstance(data, dict):
            return _bad("body must be a JSON object, as /_sandbox/dump returns")
        sandbox.store.load(data)
        return JSONResponse({"loaded": True})

    async def fixture(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in fixtures:
            return JSONResponse(
                {"error": f"unknown fixture {name!r}; known: {sorted(fixtures)}"}, status_code=404
            )
        summary = fixtures[name](sandbox)
        sandbox.store.persist()
        return JSONResponse({"fixture": name, "created": summary})

    async def accounts(request: Request) -> Response:
        try:
            made = register(sandbox, await _json(request))
        except (json.JSONDecodeError, ValidationError, ValueError) as exc:
            return _bad(str(exc))
        sandbox.store.persist()
        return JSONResponse(made, status_code=201)

    async def requests(_: Request) -> Response:
        return JSONResponse(sandbox.log.summary())

    async def clear_requests(_: Request) -> Response:
        sandbox.log.clear()
        return JSONResponse({"cleared": True})

    async def add_fault(request: Request) -> Response:
        try:
            spec = FaultSpec.model_validate(await _json(request))
        except (json.JSONDecodeError, ValidationError) as exc:
            return _bad(str(exc))
        return JSONResponse(sandbox.faults.add(spec).describe(), status_code=201)

    async def list_faults(_: Request) -> Response:
        return JSONResponse(sandbox.faults.list())

    async def clear_faults(_: Request) -> Response:
        sandbox.faults.clear()
        return JSONResponse({"cleared": True})

    async def set_ratelimits(request: Request) -> Response:
        try:
            spec = RateLimitSpec.model_validate(await _json(request))
        except (json.JSONDecodeError, ValidationError) as exc:
            return _bad(str(exc))
        overrides = {v: (RateLimit(lim.rate, lim.burst) if lim else None) for v, lim in spec.vendors.items()}
        sandbox.ratelimits.configure(spec.enabled, overrides)
        return JSONResponse({"enabled": spec.enabled, "overrides": spec.model_dump()["vendors"]})

    async def clear_ratelimits(_: Request) -> Response:
        sandbox.ratelimits.configure(False, {})
        return JSONResponse({"enabled": False})

    return [
        Route("/reset", reset, methods=["POST"]),
        Route("/dump", dump, methods=["GET"]),
        Route("/load", load, methods=["POST"]),
        Route("/fixtures/{name}", fixture, methods=["POST"]),
        Route("/accounts", accounts, methods=["POST"]),
        Route("/requests", requests, methods=["GET"]),
        Route("/requests", clear_requests, methods=["DELETE"]),
        Route("/faults", add_fault, methods=["POST"]),
        Route("/faults", list_faults, methods=["GET"]),
        Route("/faults", clear_faults, methods=["DELETE"]),
        Route("/ratelimits", set_ratelimits, methods=["POST"]),
        Route("/ratelimits", clear_ratelimits, methods=["DELETE"]),
    ]
