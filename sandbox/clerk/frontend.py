"""The part of Clerk's Frontend API Backstop reads: `GET /v1/environment` (public, no key), under
`<sandbox>/clerk-frontend/<frontend host>/v1/environment`, where the host is an instance's primary
domain's `frontend_api_url` host (BACKSTOP_CLERK_FRONTEND_BASE_URL is `<sandbox>/clerk-frontend`).

Only `user_settings.social` is emulated with content: the instance's social connections (`oauth_<id>`:
enabled, required, authenticatable, strategy, name), which Clerk's Backend API can't write and the
dashboard can; a test switches one off through `/_sandbox/load`. Not a vendor API key route: not in the
request log.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.clerk.state import SOCIAL, ClerkInstance
from sandbox.core.accounts import all_accounts
from sandbox.core.context import Sandbox

PREFIX = "/clerk-frontend"


def _instance(sandbox: Sandbox, host: str) -> ClerkInstance | None:
    for account in all_accounts():
        if account.vendor != "clerk":
            continue
        clerk = ClerkInstance(sandbox, account)
        for domain in clerk.objects("domains").values():
            if not domain["is_satellite"] and urlsplit(domain["frontend_api_url"]).hostname == host:
                return clerk
    return None


def environment(clerk: ClerkInstance) -> dict[str, object]:
    return {
        "object": "environment",
        "id": f"env_{clerk.account.name}",
        "auth_config": {"object": "auth_config", "single_session_mode": True},
        "display_config": {"object": "display_config", "instance_environment_type": clerk.environment},
        "user_settings": {"social": dict(clerk.objects(SOCIAL))},
        "maintenance_mode": False,
    }


def routes(sandbox: Sandbox) -> list[Route]:
    async def endpoint(request: Request) -> Response:
        clerk = _instance(sandbox, request.path_params["host"].lower())
        if clerk is None:
            return JSONResponse(
                {"errors": [{"code": "resource_not_found", "message": "No instance at this host"}]}, 404
            )
        return JSONResponse(environment(clerk))

    return [Route("/{host}/v1/environment", endpoint, methods=["GET"])]
