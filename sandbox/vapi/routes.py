"""HTTP routes of the Vapi emulation, mounted under the Vapi base URL (`<sandbox>/vapi`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.core.accounts import Account, bearer, by_key
from sandbox.core.context import Sandbox
from sandbox.core.http import Vendor, route
from sandbox.core.ratelimit import RateLimit
from sandbox.vapi import models
from sandbox.vapi.errors import INVALID_KEY, VapiError, envelope, no_route
from sandbox.vapi.models import ASSISTANT, SQUAD, TOOL, WORKFLOW
from sandbox.vapi.state import VapiOrg

PREFIX = "/vapi"
Action = Callable[[VapiOrg, Request, Any], Any]

NOT_EMULATED: tuple[str, ...] = (
    "POST /workflow, PATCH /workflow/{id}, DELETE /workflow/{id} — Workflows were retired on 2026-08-18 "
    "(their paths left the document on 2025-08-31): they answer as removed NestJS routes do, 404 "
    '{"message": "Cannot POST /workflow", "error": "Not Found", "statusCode": 404} (404 chosen over 410)',
    "assistant and tool version history — the document defines AssistantVersion/ToolVersion schemas but "
    "no public paths for them; `latestVersion` is never set (the org counts as not onboarded to versioning)",
    "everything else in Vapi's API (calls, chats, phone numbers, files, knowledge bases, credentials, "
    "campaigns, structured outputs, …): live data, or configuration the runbook does not use",
)
DEVIATIONS: tuple[str, ...] = (
    "PATCH: JSON null clears a field and the field reads back as null, as the real API does (VGIT "
    "canonical.ts: 'the API uses null to represent an intentionally cleared field (e.g. voicemailMessage: "
    "null)'), although the document marks most such fields non-nullable",
    "PATCH replaces each top-level field whole; nested objects (model, voice, …) are not deep-merged "
    "(UNCERTAIN in api-facts.md)",
    "PATCH /tool/{id}: `type` is immutable. The spec's Update DTOs include `type` and vapi-server-sdk 3.0.0 "
    "always sends it, so the body is validated against the stored type's Update DTO: the same type passes, "
    "another gets 400 'type must be one of the following values: <stored type>' (VGIT strips `type`)",
    "squads: members[].assistantId (and an assistant's model.toolIds) may name objects that do not exist; "
    "they are stored as given and resolved when a call starts ('Couldn't get assistant' is a call-time "
    "error, deletes do not cascade, pins are 'not FK-enforced' per VersionPinReference) — UNCERTAIN",
    "409 pinned: a tool named in an assistant's model.toolRefs[] (ToolPinnedConflictResponseDTO) and an "
    "assistant named by a squad member with assistantVersion (AssistantPinnedConflictResponseDTO) cannot be "
    "deleted; versions are not emulated, so any version label is accepted as a pin",
    "lists (GET /assistant, /tool, /squad) are newest first by createdAt, which moves forward by at least "
    "1 ms per write so the createdAt bounds page without loss; the order is undocumented — UNCERTAIN",
    "validation follows the request DTOs of the current document (data/request_schemas.json) with "
    "class-validator's default messages, so a field the document lacks gets 400 'property … should not "
    "exist' even where the real API might pass it through (VGIT voice-providers.md reports such fields)",
    "errors the document does not describe (400, 401, 404) use NestJS's envelope; the 401 text is Vapi's, "
    "'<Kind> not found' for a missing id is ours — UNCERTAIN",
    "a path id that is not a UUID gets 400 'Validation failed (uuid is expected)' (NestJS ParseUUIDPipe; "
    "the document types those ids format: uuid) — UNCERTAIN; /workflow/{id} takes any string",
    "a request body without a JSON content type reads as {} (NestJS parses only JSON bodies)",
    "GET /workflow and GET /workflow/{id} answer with the shapes of vapi-openapi-2025-08.json, the last "
    "document that has /workflow",
    "rate limits: Vapi documents none, so none applies unless configured through /_sandbox/ratelimits",
)


def authenticate(request: Request) -> Account:
    key = bearer(request.headers.get("authorization", ""))
    account = by_key("vapi", key) if key else None
    if account is None:
        raise VapiError(401, INVALID_KEY)
    return account


def rate_limit(account: Account) -> RateLimit | None:
    """Vapi documents no rate limits."""
    return None


VENDOR = Vendor("vapi", PREFIX, authenticate, envelope, rate_limit)


async def _body(request: Request) -> Any:
    raw = await request.body()
    if "json" not in request.headers.get("content-type", "") or not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise VapiError(400, f"{exc.msg} in JSON at position {exc.pos}") from None
    except UnicodeDecodeError:
        raise VapiError(400, "Unexpected token in JSON at position 0") from None


def _id(request: Request) -> str:
    object_id: str = request.path_params["id"]
    return object_id


def _query(request: Request, *, id_any: bool = False) -> models.ListQuery:
    return models.list_query(request.query_params.multi_items(), id_any=id_any)


async def _no_route(request: Request, account: Account) -> Response:
    raise no_route(request.method, request.url.path.removeprefix(PREFIX))


def routes(sandbox: Sandbox) -> list[Route]:
    def op(method: str, template: str, action: Action, status: int = 200) -> Route:
        async def handle(request: Request, account: Account) -> Response:
            body = await _body(request) if method in ("POST", "PATCH") else None
            return JSONResponse(action(VapiOrg(sandbox, account), request, body), status_code=status)

        return route(sandbox, VENDOR, method, template, handle)

    return [
        op("POST", "/tool", lambda o, _r, b: o.create_tool(b), status=201),
        op("GET", "/tool", lambda o, r, _b: o.select(TOOL, _query(r))),
        op("GET", "/tool/{id}", lambda o, r, _b: o.retrieve(TOOL, _id(r))),
        op("PATCH", "/tool/{id}", lambda o, r, b: o.update_tool(_id(r), b)),
        op("DELETE", "/tool/{id}", lambda o, r, _b: o.delete_tool(_id(r))),
        op("POST", "/assistant", lambda o, _r, b: o.create_assistant(b), status=201),
        op("GET", "/assistant", lambda o, r, _b: o.select(ASSISTANT, _query(r))),
        op("GET", "/assistant/{id}", lambda o, r, _b: o.retrieve(ASSISTANT, _id(r))),
        op("PATCH", "/assistant/{id}", lambda o, r, b: o.update_assistant(_id(r), b)),
        op("DELETE", "/assistant/{id}", lambda o, r, _b: o.delete_assistant(_id(r))),
        op("POST", "/squad", lambda o, _r, b: o.create_squad(b), status=201),
        op("GET", "/squad", lambda o, r, _b: o.select(SQUAD, _query(r, id_any=True))),
        op("GET", "/squad/{id}", lambda o, r, _b: o.retrieve(SQUAD, _id(r))),
        op("PATCH", "/squad/{id}", lambda o, r, b: o.update_squad(_id(r), b)),
        op("DELETE", "/squad/{id}", lambda o, r, _b: o.delete_squad(_id(r))),
        op("GET", "/workflow", lambda o, _r, _b: o.list_workflows()),
        op("GET", "/workflow/{id}", lambda o, r, _b: o.retrieve(WORKFLOW, _id(r))),
        *(
            route(sandbox, VENDOR, method, "/{path:path}", _no_route)
            for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
        ),
    ]
