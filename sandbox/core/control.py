"""The control API under /_sandbox/, which no vendor path uses."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.core.context import Sandbox


def routes(sandbox: Sandbox) -> list[Route]:
    async def reset(_: Request) -> Response:
        sandbox.store.reset()
        sandbox.log.clear()
        return JSONResponse({"reset": True})

    async def dump(_: Request) -> Response:
        return JSONResponse(sandbox.store.dump())

    async def load(request: Request) -> Response:
        try:
            data = json.loads(await request.body())
        except json.JSONDecodeError as exc:
            return JSONResponse({"error": f"body is not JSON: {exc}"}, status_code=400)
        if not isinstance(data, dict):
            return JSONResponse(
                {"error": "body must be a JSON object, as /_sandbox/dump returns"}, status_code=400
            )
        sandbox.store.load(data)
        return JSONResponse({"loaded": True})

    async def requests(_: Request) -> Response:
        return JSONResponse(sandbox.log.summary())

    async def clear_requests(_: Request) -> Response:
        sandbox.log.clear()
        return JSONResponse({"cleared": True})

    return [
        Route("/reset", reset, methods=["POST"]),
        Route("/dump", dump, methods=["GET"]),
        Route("/load", load, methods=["POST"]),
        Route("/requests", requests, methods=["GET"]),
        Route("/requests", clear_requests, methods=["DELETE"]),
    ]
