"""The system queries the Convex CLI runs for export, import and `env`, by canonical path (`module:function`).

Each is a private system query: it needs admin authentication, as `queryPrivateSystem` does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.convex import environment, exports
from sandbox.convex.state import IMPORTS, Deployment, Json

Query = Callable[[Deployment, Json], Any]


class QueryError(Exception):
    """A query that fails: `QueryFailed` over the sync protocol, status "error" over HTTP."""


def canonical(udf_path: str) -> str:
    """As the client canonicalizes it: `module` → `module:default`, a `.js` module suffix dropped."""
    module, _, function = udf_path.rpartition(":") if ":" in udf_path else (udf_path, "", "default")
    return f"{module.removesuffix('.js')}:{function}"


def _latest_export(deployment: Deployment, args: Json) -> Any:
    return exports.latest(deployment)


def _required(args: Json, field: str) -> str:
    """A string argument, refused in the backend's words when it is missing."""
    value = args.get(field)
    if not isinstance(value, str):
        raise QueryError(f"ArgumentValidationError: Object is missing the required field `{field}`.")
    return value


def _import(deployment: Deployment, args: Json) -> Any:
    return deployment.collection(IMPORTS).get(_required(args, "importId"))


def _imports(deployment: Deployment, args: Json) -> Any:
    rows = sorted(deployment.collection(IMPORTS).values(), key=lambda r: r["_creationTime"], reverse=True)
    return rows[:20]


def _variables(deployment: Deployment, args: Json) -> Any:
    return environment.listing(deployment)


def _variable(deployment: Deployment, args: Json) -> Any:
    return environment.get(deployment, _required(args, "name"))


QUERIES: dict[str, Query] = {
    "_system/cli/exports:getLatest": _latest_export,
    "_system/cli/queryImport:default": _import,
    "_system/cli/queryImport:list": _imports,
    "_system/cli/queryEnvironmentVariables:default": _variables,
    "_system/cli/queryEnvironmentVariables:get": _variable,
}


def run(deployment: Deployment, udf_path: str, args: Any, admin: bool) -> Any:
    path = canonical(udf_path)
    query = QUERIES.get(path)
    if query is None:
        raise QueryError(
            f"Could not find public function for '{path.replace(':default', '')}'. Did you forget to run "
            "`npx convex dev` or `npx convex deploy`?"
        )
    if not admin:
        raise QueryError(f"Unauthorized: {path} needs an admin key")
    if isinstance(args, list):
        args = args[0] if args else {}
    if not isinstance(args, dict):
        raise QueryError("ArgumentValidationError: the arguments must be an object")
    return query(deployment, args)
