"""The apps' HTTP routes, under `/apps/<host>/<path>`: a delivery Backstop would send to
`https://<host>/<path>` arrives here when `BACKSTOP_DELIVERY_BASE_URL` is `<sandbox>/apps`.

A POST to a receiver is verified with the value the app's runtime holds for the receiver's variable: 200
when the signature holds, 400 when it doesn't, 500 when the variable is not set (the app can't verify
anything). Every answer names the variable and where it lives (never its value). A GET to `/api/health`
answers 200 `{"status": "ok"}` (smoke checks). These are the apps, not
vendor APIs: they are not in the request log, and only faults naming the vendor `apps` reach them (route:
the receiver's path), so a fault meant for every vendor never lands on a delivery.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.apps import state
from sandbox.apps.signatures import VERIFIERS, SignatureError
from sandbox.core.context import Sandbox
from sandbox.core.http import DroppedConnection

PREFIX = "/apps"
HEALTH = "/api/health"
"""Every app answers GET here with `{"status": "ok", "app": …}`: what smoke checks (`checks:`) ask."""
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def _answer(http_status: int, /, **fields: Any) -> Response:
    # Compact, the variable and where first: a check shows the first 200 bytes of the body.
    return Response(
        json.dumps(fields, separators=(",", ":")), status_code=http_status, media_type="application/json"
    )


def _event(body: bytes) -> dict[str, Any]:
    try:
        event = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}
    return {k: event.get(k) for k in ("id", "type", "livemode")} if isinstance(event, dict) else {}


def routes(sandbox: Sandbox) -> list[Route]:
    async def receive(request: Request) -> Response:
        host, path = request.path_params["host"], "/" + request.path_params["path"]
        decision = sandbox.faults.decide(state.VENDOR, request.method, path, named_only=True)
        if decision.delay:
            await asyncio.sleep(decision.delay)
        fault = decision.failure
        if fault is not None and fault.spec.kind == "drop":
            return DroppedConnection()
        if fault is not None:
            return _answer(fault.spec.status, error="Injected fault (sandbox)")
        try:
            app = state.find_host(sandbox, host)
        except state.HostError as exc:
            return _answer(500, error=str(exc))
        if app is None:
            return _answer(404, error=f"no app is declared at host {host} in the sandbox")
        if path == HEALTH:
            if request.method != "GET":
                return _answer(405, error=f"{path} only responds to GET", app=app.app)
            return _answer(200, status="ok", app=app.app, where=state.where(sandbox, app))
        receiver = app.receiver(path)
        if receiver is None:
            return _answer(404, error=f"{app.app} has no route {path}", app=app.app)
        if request.method != "POST":
            return _answer(405, error=f"{path} only responds to POST", app=app.app)
        where = state.where(sandbox, app)
        secret = state.variable(sandbox, app, receiver.variable)
        if not secret:
            return _answer(500, variable=receiver.variable, where=where, error="the variable is not set")
        body = await request.body()
        try:
            VERIFIERS[receiver.scheme](body, request.headers, secret)
        except SignatureError as exc:
            return _answer(400, variable=receiver.variable, where=where, error=f"signature refused: {exc}")
        return _answer(200, variable=receiver.variable, where=where, received=True, event=_event(body))

    return [Route("/{host}/{path:path}", receive, methods=METHODS)]
