"""The part of Convex's WebSocket sync protocol (`/api/<client version>/sync`) that query subscriptions
need: `Connect`, `Authenticate` (admin keys), `ModifyQuerySet` in; `Transition`, `AuthError`,
`FatalError`, `Ping` out.

The server keeps the version it last sent ({querySet, ts, identity}); every `Transition` starts from it,
as the client checks. Query results are recomputed whenever a client message arrives and every
POLL_SECONDS, so changes made by background work or through the control API reach subscribers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from sandbox.convex import queries, values
from sandbox.convex.state import VENDOR, Deployment, now_ts
from sandbox.core.accounts import Account, by_key, by_name
from sandbox.core.context import Sandbox

POLL_SECONDS = 0.05
PING_SECONDS = 15.0
Json = dict[str, Any]


class Fatal(Exception):
    def __init__(self, message: Json) -> None:
        super().__init__(message.get("error"))
        self.message = message


@dataclass
class Connection:
    sandbox: Sandbox
    fixed: Account | None
    """The deployment the URL names; None at the origin path, where the admin key selects it."""
    account: Account | None = None
    admin: bool = False
    query_set: int = 0
    identity: int = 0
    sent: tuple[int, int, int] = (0, 0, 0)
    """(querySet, ts, identity) of the last Transition."""
    subscribed: dict[int, tuple[str, Any]] = field(default_factory=dict)
    results: dict[int, str] = field(default_factory=dict)
    removed: list[int] = field(default_factory=list)

    def handle(self, message: Json) -> None:
        kind = message.get("type")
        if kind == "Authenticate":
            self._authenticate(message)
        elif kind == "ModifyQuerySet":
            self._modify(message)
        elif kind in ("Mutation", "Action"):
            raise Fatal({"type": "FatalError", "error": f"{kind} requests are not emulated by the sandbox"})
        # Connect and Event carry nothing the emulation needs.

    def _authenticate(self, message: Json) -> None:
        base = message.get("baseVersion")
        if base != self.identity:
            raise Fatal({"type": "FatalError", "error": f"Identity base version {base} != {self.identity}"})
        token_type, key = message.get("tokenType"), message.get("value")
        account = by_key(VENDOR, str(key)) if token_type == "Admin" else None
        if token_type == "None":
            self.account, self.admin = self.fixed, False
        elif account is None or (self.fixed is not None and account.name != self.fixed.name):
            raise Fatal(
                {
                    "type": "AuthError",
                    "error": "The provided admin key was invalid for this instance",
                    "baseVersion": base,
                    "authUpdateAttempted": True,
                }
            )
        else:
            self.account, self.admin = account, True
        self.identity = base + 1

    def _modify(self, message: Json) -> None:
        base, new = message.get("baseVersion"), message.get("newVersion")
        if base != self.query_set or not isinstance(new, int):
            raise Fatal({"type": "FatalError", "error": f"Query set base version {base} != {self.query_set}"})
        for change in message.get("modifications") or []:
            if change.get("type") == "Add":
                self.subscribed[int(change["queryId"])] = (str(change["udfPath"]), change.get("args") or [])
            elif change.get("type") == "Remove":
                query_id = int(change["queryId"])
                self.subscribed.pop(query_id, None)
                self.results.pop(query_id, None)
                self.removed.append(query_id)
        self.query_set = new

    def transition(self) -> Json | None:
        modifications: list[Json] = [{"type": "QueryRemoved", "queryId": q} for q in self.removed]
        self.removed = []
        account = self.account or self.fixed
        deployment = Deployment(self.sandbox, account) if account is not None else None
        for query_id, (udf_path, args) in self.subscribed.items():
            try:
                if deployment is None:
                    raise queries.QueryError(f"Unauthorized: {udf_path} needs an admin key")
                value = values.to_json(queries.run(deployment, udf_path, args, self.admin))
                change: Json = {"type": "QueryUpdated", "queryId": query_id, "value": value}
            except queries.QueryError as exc:
                change = {
                    "type": "QueryFailed",
                    "queryId": query_id,
                    "errorMessage": str(exc),
                    "errorData": None,
                }
            change.update(logLines=[], journal=None)
            digest = json.dumps(change, sort_keys=True)
            if self.results.get(query_id) != digest:
                self.results[query_id] = digest
                modifications.append(change)
        if not modifications and self.sent[0] == self.query_set and self.sent[2] == self.identity:
            return None
        end = (self.query_set, max(now_ts(), self.sent[1]), self.identity)
        message = {
            "type": "Transition",
            "startVersion": _version(self.sent),
            "endVersion": _version(end),
            "modifications": modifications,
        }
        self.sent = end
        return message


def _version(version: tuple[int, int, int]) -> Json:
    return {"querySet": version[0], "ts": values.u64(version[1]), "identity": version[2]}


async def session(websocket: WebSocket, sandbox: Sandbox, template: str) -> None:
    deployment = websocket.path_params.get("deployment")
    fixed = by_name(VENDOR, deployment) if deployment is not None else None
    if deployment is not None and fixed is None:
        sandbox.log.add(VENDOR, None, "GET", template, websocket.url.path, 404)
        await websocket.close(code=1008)
        return
    await websocket.accept()
    sandbox.log.add(VENDOR, fixed.name if fixed else None, "GET", template, websocket.url.path, 101)
    connection = Connection(sandbox, fixed)
    inbox: asyncio.Queue[str | None] = asyncio.Queue()

    async def read() -> None:
        try:
            while True:
                await inbox.put(await websocket.receive_text())
        except (WebSocketDisconnect, RuntimeError):
            await inbox.put(None)

    reader = asyncio.get_running_loop().create_task(read())
    quiet = 0.0
    try:
        while True:
            try:
                text = await asyncio.wait_for(inbox.get(), timeout=POLL_SECONDS)
            except TimeoutError:
                text = ""
            if text is None:
                return
            while text:
                connection.handle(json.loads(text))
                text = inbox.get_nowait() if not inbox.empty() else ""
                if text is None:
                    return
            outgoing = connection.transition()
            quiet = 0.0 if outgoing else quiet + POLL_SECONDS
            if outgoing is None and quiet >= PING_SECONDS:
                outgoing, quiet = {"type": "Ping"}, 0.0
            if outgoing is not None:
                await websocket.send_text(json.dumps(outgoing))
    except Fatal as fatal:
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await websocket.send_text(json.dumps(fatal.message))
            await websocket.close(code=1000)
    except (WebSocketDisconnect, RuntimeError):
        return
    finally:
        reader.cancel()
