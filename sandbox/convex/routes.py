"""HTTP and WebSocket routes of the Convex emulation.

Each deployment is served under `/convex/<deployment name>` (its URL for the CLI's
`CONVEX_SELF_HOSTED_URL`), and every route is also served at the sandbox's origin (`/api/…`), where
the admin key selects the deployment: the CLI resolves its export and import paths against the
deployment URL's origin (`new URL("/api/…", url)`), which drops any path prefix.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket

from sandbox.convex import environment, exports, imports, models, queries, state, sync, values
from sandbox.convex.errors import bad_admin_key, bad_deploy_key, bad_request, envelope, not_found
from sandbox.convex.state import PREFIX, Deployment, Runtime
from sandbox.core.accounts import Account, by_key
from sandbox.core.context import Sandbox
from sandbox.core.http import Handler, Vendor, route
from sandbox.core.ratelimit import RateLimit

NOT_EMULATED: tuple[str, ...] = (
    "functions, schemas, indexes, deploys and the rest of the deployment API: only the snapshot export "
    "and import endpoints, the environment variables (`/api/update_environment_variables`) and the system "
    "queries the CLI runs for them (`_system/cli/exports:getLatest`, `_system/cli/queryImport`, "
    "`_system/cli/queryImport:list`, `_system/cli/queryEnvironmentVariables` and its `:get`)",
    "the sync protocol's mutations, actions and user (JWT) authentication; queries other than those "
    "system queries answer QueryFailed 'Could not find public function'",
    "components (`componentPath`, `_components/` in a ZIP) and CSV imports",
    "Convex's streaming export/import APIs for connectors, cloud backups (Settings → Backups) and "
    "export expiry: an export is kept until the sandbox restarts or resets",
)
DEVIATIONS: tuple[str, ...] = (
    "every route is also served at the sandbox's origin (`/api/export/…`, `/api/import/…`, "
    "`/api/perform_import`, `/api/query`, `/api/{version}/sync`), where the admin key selects the "
    "deployment: convex 1.48.0's CLI drops a deployment URL's path for its export and import calls "
    '(`new URL("/api/…", deploymentUrl)`), but keeps it for `/api/query` and the WebSocket',
    "admin keys: a deployment's key is its sandbox deploy key (`prod:spotted-gerbil-236|…`, the value the "
    "Vercel fixture's CONVEX_DEPLOY_KEY holds); a missing or unknown key gets 401 BadAdminKey, another "
    "deployment's key 403 BadDeployKey; `/api/query` needs one too (only private system queries exist)",
    "export ZIPs and uploaded import parts live in the sandbox's memory (Convex keeps them in its own "
    "storage), not in the state file: after a restart a completed export answers 404 ExportNotFound",
    "exports and imports move through their states in steps of 50 ms (Convex's workers take as long as "
    "the data needs); an export is the whole deployment as of its start_ts",
    "table numbers of system tables (_exports 31, _snapshot_imports 36, _storage 540) and ids of system "
    "rows are the sandbox's own (UNCERTAIN); user tables are numbered from 10001 and document ids "
    "encode their table number with Convex's id format, which imports check",
    "import error wording beyond Convex's ImportError texts (an _id of another table, an _id that "
    "already exists in append mode) is the sandbox's own (UNCERTAIN)",
    "no rate limits: Convex documents none for these endpoints",
    "`/api/update_environment_variables` answers `{}` (UNCERTAIN: the CLI ignores the body); the limit "
    "of 512 variables is the documented one (the backend's knob may differ)",
)


def authenticate(request: Request) -> Account:
    header = request.headers.get("authorization", "")
    key = header[len("Convex ") :].strip() if header.startswith("Convex ") else ""
    account = by_key(state.VENDOR, key) if key else None
    if account is None:
        raise bad_admin_key()
    named = request.path_params.get("deployment")
    if named is not None and named != account.name:
        raise bad_deploy_key(named)
    return account


def rate_limit(account: Account) -> RateLimit | None:
    return None


VENDOR = Vendor(state.VENDOR, PREFIX, authenticate, envelope, rate_limit)
Operation = Callable[[Request, Deployment], Awaitable[Response]]


def _flag(request: Request, name: str) -> bool:
    raw = request.query_params.get(name, "false")
    if raw not in ("true", "false"):
        raise bad_request(
            "BadQueryArgs", f"Failed to deserialize query string: {name}: invalid boolean {raw!r}"
        )
    return raw == "true"


def _operations(runtime: Runtime) -> list[tuple[str, str, Operation]]:
    async def request_export(request: Request, deployment: Deployment) -> Response:
        if request.query_params.get("component"):
            raise bad_request("ComponentsNotEmulated", "Components are not emulated by the sandbox")
        exports.request(runtime, deployment, _flag(request, "includeStorage"))
        return Response(status_code=200)

    async def download(request: Request, deployment: Deployment) -> Response:
        data, filename = exports.download(runtime, deployment, request.path_params["snapshot"])
        return Response(
            data,
            media_type="application/zip",
            headers={
                "Content-Disposition": f"attachment; filename={filename}",
                "Cache-Control": "private, max-age=2592000",
            },
        )

    async def start_upload(request: Request, deployment: Deployment) -> Response:
        return JSONResponse({"uploadToken": imports.start_upload(runtime, deployment)})

    async def upload_part(request: Request, deployment: Deployment) -> Response:
        token, number = request.query_params.get("uploadToken"), request.query_params.get("partNumber", "")
        if token is None or not number.isdigit():
            raise bad_request(
                "BadQueryArgs", "Failed to deserialize query string: uploadToken and partNumber"
            )
        return JSONResponse(
            imports.upload_part(runtime, deployment, token, int(number), await request.body())
        )

    async def finish_upload(request: Request, deployment: Deployment) -> Response:
        body = models.parse(models.FinishUpload, await request.body())
        row = imports.finish_upload(runtime, deployment, body)
        return JSONResponse({"importId": row["_id"]})

    async def perform_import(request: Request, deployment: Deployment) -> Response:
        body = models.parse(models.PerformImport, await request.body())
        imports.perform(runtime, deployment, body.importId)
        return Response(status_code=200)

    async def update_variables(request: Request, deployment: Deployment) -> Response:
        body = models.parse(models.UpdateEnvironmentVariables, await request.body())
        environment.update(deployment, body.changes)
        return JSONResponse({})

    async def query(request: Request, deployment: Deployment) -> Response:
        body = models.parse(models.QueryRequest, await request.body())
        try:
            value = queries.run(deployment, body.path, body.args, admin=True)
        except queries.QueryError as exc:
            return JSONResponse(
                {"status": "error", "errorMessage": str(exc), "logLines": []}, status_code=560
            )
        return JSONResponse({"status": "success", "value": values.to_json(value), "logLines": []})

    return [
        ("POST", "/api/export/request/zip", request_export),
        ("GET", "/api/export/zip/{snapshot}", download),
        ("POST", "/api/import/start_upload", start_upload),
        ("POST", "/api/import/upload_part", upload_part),
        ("POST", "/api/import/finish_upload", finish_upload),
        ("POST", "/api/perform_import", perform_import),
        ("POST", "/api/query", query),
        ("POST", "/api/update_environment_variables", update_variables),
    ]


def _handler(sandbox: Sandbox, operation: Operation) -> Handler:
    async def handle(request: Request, account: Account) -> Response:
        return await operation(request, Deployment(sandbox, account))

    return handle


async def _not_found(request: Request, account: Account) -> Response:
    raise not_found("NotFound", f"No route for {request.method} {request.url.path}")


def _sync(sandbox: Sandbox, template: str) -> Callable[[WebSocket], Awaitable[None]]:
    async def endpoint(websocket: WebSocket) -> None:
        await sync.session(websocket, sandbox, template)

    return endpoint


_RUNTIMES: dict[int, Runtime] = {}


def _runtime(sandbox: Sandbox) -> Runtime:
    """One per sandbox: both route sets (prefixed and origin) share the in-memory exports and uploads."""
    found = _RUNTIMES.get(id(sandbox))
    if found is None or found.sandbox is not sandbox:
        found = _RUNTIMES[id(sandbox)] = Runtime(sandbox)
    return found


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    """Under the vendor prefix: `/{deployment}/api/…`."""
    runtime = _runtime(sandbox)
    served: list[BaseRoute] = [
        route(sandbox, VENDOR, method, f"/{{deployment}}{path}", _handler(sandbox, operation))
        for method, path, operation in _operations(runtime)
    ]
    served.append(
        WebSocketRoute("/{deployment}/api/{version}/sync", _sync(sandbox, "/{deployment}/api/{version}/sync"))
    )
    served += [
        route(sandbox, VENDOR, method, "/{deployment}/{path:path}", _not_found)
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
    ]
    return served


def origin_routes(sandbox: Sandbox) -> list[BaseRoute]:
    """At the sandbox's origin: `/api/…`, the deployment chosen by the admin key."""
    runtime = _runtime(sandbox)
    served: list[BaseRoute] = [
        route(sandbox, VENDOR, method, path, _handler(sandbox, operation))
        for method, path, operation in _operations(runtime)
    ]
    served.append(WebSocketRoute("/api/{version}/sync", _sync(sandbox, "/api/{version}/sync")))
    return served
