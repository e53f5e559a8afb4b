"""HTTP routes of the Vercel emulation, mounted under the Vercel base URL (api.vercel.com)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route

from sandbox.core.accounts import Account, all_accounts, bearer, by_key
from sandbox.core.context import Sandbox
from sandbox.core.http import Handler, Vendor, route
from sandbox.core.ratelimit import RateLimit
from sandbox.vercel import deploy_hooks, env_vars, models
from sandbox.vercel.errors import VercelError, bad_request, envelope, not_found
from sandbox.vercel.state import PREFIX, Json, VercelTeam

Operation = Callable[[VercelTeam, dict[str, str], dict[str, str], Any], Any]

NOT_EMULATED: tuple[str, ...] = (
    "GET /v9/projects/{idOrName}/env and the other versions of the env operations that neither "
    "@vercel/sdk 1.28.35 nor terraform-provider-vercel calls",
    "custom environments (/v9/projects/{idOrName}/custom-environments): a var naming "
    "customEnvironmentIds is refused (400), as none exist",
    "shared (team) env vars /v1/env; terraform's 409 existing_key_and_target belongs to them",
    "POST /v13/deployments (redeploy) and the rest of the deployments API: a triggered deploy hook is "
    "recorded in the team's `deployments` collection of the state instead",
    "GET /v2/teams/{teamId} (terraform reads the team's sensitive-env policy from it), the projects list "
    "and project create/update/delete: the project comes from the fixture",
    "Vercel publishes no OpenAPI document used here: responses are validated against @vercel/sdk "
    "1.28.35's own zod schemas instead (tests/sandbox/vercel/sdk/driver.mjs)",
)
DEVIATIONS: tuple[str, ...] = (
    "no OpenAPI document: every success response is parsed by @vercel/sdk 1.28.35's response schema "
    "of the operation, strictly (a lax coercion, a defaulted field or a field the SDK drops fails); "
    "error bodies, which the SDK does not parse, are checked for the documented {error: {code, message}}",
    "Project JSON: the fields the SDK requires plus the git link (deployHooks), env and build settings "
    "the fixture sets; most optional Project fields are absent. GET /v10/projects/{idOrName} "
    "(terraform's version) is served too",
    "auth: a missing or unknown token gets 403 forbidden with missingToken / invalidToken, as the "
    "error docs describe `forbidden`; the flags come from live responses (UNCERTAIN)",
    "scope: teamId/slug naming another team gets 403 forbidden; no teamId/slug means the token's "
    "personal account, which has no projects (404 Project not found), per the REST docs' teamId rule",
    "validation errors are 400 bad_request in ajv wording ('Invalid request: ...', 'Invalid query: "
    "...'), unknown body and query parameters included; keys must match [A-Za-z_][A-Za-z0-9_]* "
    "(UNCERTAIN: wording and strictness)",
    "GET one env (/v1, /v10) returns the decrypted value (the SDK's 'Retrieve the decrypted value'; "
    "terraform reads values from it); list, create, edit and delete answer an opaque ciphertext for "
    "encrypted vars unless decrypt=true",
    "sensitive values never leave: `value` is '' where the SDK's schema requires the field and absent "
    "from get-one (the SDK's value-less variant), with decrypted=false, even with decrypt=true",
    "env JSON: `target` is always an array, `gitBranch` absent when unset (the SDK's response schemas "
    "type it as a non-null string), `securityIssues: []` only on list items (required there)",
    "a sensitive var cannot be edited to another type (terraform replaces it instead; UNCERTAIN)",
    "ENV_CONFLICT: one object in gets 400 with the conflict; an array gets 201 with created/failed, or "
    "400 with the first failure plus `failed` when every entry conflicts; the message wording "
    "('... for the target X on branch undefined') is UNCERTAIN",
    "upsert=true: the oldest clashing var takes the new value/type/target/comment; other clashing vars "
    "give up the overlapping targets (deleted when none remain); Vercel only says the value is updated",
    "env list: newest first by createdAt; `until`/`since` filter on createdAt; limit 1 to 100, no "
    "limit returns every var; timestamps are made strictly increasing per project so the cursor "
    "always advances (real ones can tie)",
    "env list gitBranch filter keeps vars of that branch and vars without a branch (UNCERTAIN)",
    "batch delete ignores ids that match no var and answers the ids it removed (UNCERTAIN)",
    "deploy hooks: the project may be named by id or name; DELETE answers the Project like create "
    "(UNCERTAIN); the hook URL is served under the sandbox (POST, no token, optional buildCache, "
    "201 {job: {id, state: PENDING, createdAt}}; UNCERTAIN)",
    "unknown path: 404 not_found; known path, other method: 405 method_unknown (status UNCERTAIN)",
    "rate limits: none by default (Vercel's are per endpoint and not given); when configured through "
    "the control API a 429 rate_limited carries Retry-After and error.limit {remaining, reset, "
    "resetMs} without `total`",
)

LIST_QUERY = env_vars.LIST_QUERY
NONE: frozenset[str] = frozenset()


def authenticate(request: Request) -> Account:
    token = bearer(request.headers.get("authorization", ""))
    if not token:
        raise VercelError(
            403, "forbidden", "The request is missing an authentication token", missingToken=True
        )
    account = by_key("vercel", token)
    if account is None:
        raise VercelError(403, "forbidden", "Not authorized", invalidToken=True)
    return account


def rate_limit(account: Account) -> RateLimit | None:
    """Vercel limits each endpoint separately and publishes no figures that apply here."""
    return None


VENDOR = Vendor("vercel", PREFIX, authenticate, envelope, rate_limit)


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise bad_request("Invalid JSON body") from None


def _handler(
    sandbox: Sandbox, operation: Operation, query: frozenset[str], status: int, *, body: bool = True
) -> Handler:
    async def handle(request: Request, account: Account) -> Response:
        params = dict(request.query_params)
        models.reject_unknown_query(params, query)
        payload = await _json_body(request) if body and request.method != "GET" else None
        team = VercelTeam(sandbox, account)
        result = operation(team, params, dict(request.path_params), payload)
        return JSONResponse(result, status_code=status)

    return handle


def _project(team: VercelTeam, query: dict[str, str], path: dict[str, str]) -> Json:
    return team.project(path.get("idOrName") or path["id"], query)


def _create_env(team: VercelTeam, q: dict[str, str], p: dict[str, str], body: Any) -> Any:
    upsert = models.query_bool(q, "upsert")
    return env_vars.create(team, _project(team, q, p), body, upsert)


def _hook_vendor(sandbox: Sandbox) -> Vendor:
    """The hook URL carries no token: the URL itself selects the team that owns the hook."""

    def owner(request: Request) -> Account:
        for account in all_accounts():
            if account.vendor == "vercel" and deploy_hooks.find(
                VercelTeam(sandbox, account), request.path_params["projectId"], request.path_params["hookId"]
            ):
                return account
        raise not_found("Deploy Hook not found")

    return Vendor("vercel", PREFIX, owner, envelope, rate_limit)


def _trigger(team: VercelTeam, q: dict[str, str], p: dict[str, str], _body: Any) -> Any:
    models.query_bool(q, "buildCache")
    found = deploy_hooks.find(team, p["projectId"], p["hookId"])
    if found is None:
        raise not_found("Deploy Hook not found")
    return deploy_hooks.trigger(team, *found)


def _unmatched(served: list[Route]) -> Handler:
    """Vercel's answers for a path it does not serve (404) or a method a path does not take (405)."""

    async def handle(request: Request, account: Account) -> Response:
        partial = [r for r in served if r.matches(request.scope)[0] == Match.PARTIAL]
        methods = sorted({m for r in partial for m in r.methods or () if m != "HEAD"})
        if methods:
            raise VercelError(405, "method_unknown", f"This endpoint only responds to {', '.join(methods)}")
        raise not_found("The requested API endpoint was not found.")

    return handle


def routes(sandbox: Sandbox) -> list[Route]:
    def op(
        method: str, template: str, operation: Operation, query: frozenset[str] = NONE, status: int = 200
    ) -> Route:
        return route(sandbox, VENDOR, method, template, _handler(sandbox, operation, query, status))

    project, env, one = "/projects/{idOrName}", "/projects/{idOrName}/env", "/projects/{idOrName}/env/{id}"
    hooks = "/v2/projects/{id}/deploy-hooks"

    def get_project(t: VercelTeam, q: dict[str, str], p: dict[str, str], _b: Any) -> Any:
        return t.render_project(_project(t, q, p))

    def list_envs(t: VercelTeam, q: dict[str, str], p: dict[str, str], _b: Any) -> Any:
        return env_vars.list_all(t, _project(t, q, p), q)

    def get_env(t: VercelTeam, q: dict[str, str], p: dict[str, str], _b: Any) -> Any:
        return env_vars.retrieve(_project(t, q, p), p["id"])

    def edit_env(t: VercelTeam, q: dict[str, str], p: dict[str, str], b: Any) -> Any:
        return env_vars.edit(t, _project(t, q, p), p["id"], b)

    def delete_env(t: VercelTeam, q: dict[str, str], p: dict[str, str], _b: Any) -> Any:
        return env_vars.delete(t, _project(t, q, p), p["id"], q.get("customEnvironmentId"))

    def batch_delete(t: VercelTeam, q: dict[str, str], p: dict[str, str], b: Any) -> Any:
        return env_vars.batch_delete(t, _project(t, q, p), b)

    def create_hook(t: VercelTeam, q: dict[str, str], p: dict[str, str], b: Any) -> Any:
        return deploy_hooks.create(t, _project(t, q, p), b)

    def delete_hook(t: VercelTeam, q: dict[str, str], p: dict[str, str], _b: Any) -> Any:
        return deploy_hooks.delete(t, _project(t, q, p), p["hookId"])

    served = [
        op("GET", f"/v9{project}", get_project),
        op("GET", f"/v10{project}", get_project),
        op("POST", f"/v10{env}", _create_env, frozenset({"upsert"}), status=201),
        op("GET", f"/v10{env}", list_envs, LIST_QUERY),
        op("GET", f"/v8{env}", list_envs, LIST_QUERY),
        op("DELETE", f"/v1{env}", batch_delete),
        op("GET", f"/v1{one}", get_env),
        op("GET", f"/v10{one}", get_env),
        op("PATCH", f"/v9{one}", edit_env),
        op("PATCH", f"/v10{one}", edit_env),
        op("DELETE", f"/v9{one}", delete_env, frozenset({"customEnvironmentId"})),
        op("DELETE", f"/v8{one}", delete_env, frozenset({"customEnvironmentId"})),
        op("POST", hooks, create_hook),
        op("DELETE", f"{hooks}/{{hookId}}", delete_hook),
        route(
            sandbox,
            _hook_vendor(sandbox),
            "POST",
            "/v1/integrations/deploy/{projectId}/{hookId}",
            _handler(sandbox, _trigger, frozenset({"buildCache"}), 201, body=False),
        ),
    ]
    return [
        *served,
        *(
            route(sandbox, VENDOR, method, "/{path:path}", _unmatched(served))
            for method in ("GET", "POST", "PATCH", "PUT", "DELETE")
        ),
    ]
