"""A deployment's environment variables (`npx convex env list|get|set|remove`), kept in the system
table `_environment_variables` (name -> {name, value}), which a dump → edit → load can change out of band.

Limits and error codes are the backend's (`EnvVarName`/`EnvVarValue` and the env var limit errors in
Convex's open-source backend): a name matches `^[a-zA-Z_]+[a-zA-Z0-9_]*$` and is at most 256 bytes, a
value at most 8 KiB, at most 512 variables and 512 KiB of names and values together; the built-in
`CONVEX_CLOUD_URL` and `CONVEX_SITE_URL` can't be set.
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.convex.errors import bad_request
from sandbox.convex.state import Deployment, Json

TABLE = "_environment_variables"
NAME = re.compile(r"^[a-zA-Z_]+[a-zA-Z0-9_]*$")
MAX_NAME_LENGTH, MAX_VALUE_LENGTH = 256, 8 * 1024
MAX_COUNT, MAX_TOTAL_SIZE = 512, 512 * 1024
BUILT_IN = frozenset({"CONVEX_CLOUD_URL", "CONVEX_SITE_URL"})


def listing(deployment: Deployment) -> list[Json]:
    """Every variable as `{name, value}`, by name."""
    rows = deployment.collection(TABLE)
    return [{"name": name, "value": rows[name]["value"]} for name in sorted(rows)]


def get(deployment: Deployment, name: str) -> Json | None:
    row = deployment.collection(TABLE).get(name)
    return None if row is None else {"name": name, "value": row["value"]}


def update(deployment: Deployment, changes: Any) -> None:
    """Apply `[{name, value}]` (a null value removes the variable) all at once, or none of them."""
    if not isinstance(changes, list):
        raise bad_request("BadJsonBody", "Failed to deserialize the JSON body: changes: expected a sequence")
    after = {name: row["value"] for name, row in deployment.collection(TABLE).items()}
    seen: set[str] = set()
    for change in changes:
        if not isinstance(change, dict) or not isinstance(change.get("name"), str):
            raise bad_request(
                "BadJsonBody", "Failed to deserialize the JSON body: changes: missing field `name`"
            )
        name, value = change["name"], change.get("value")
        _check_name(name)
        if name in seen:
            raise bad_request("EnvVarNameNotUnique", "One or more environment variable name is not unique")
        seen.add(name)
        if value is None:
            after.pop(name, None)
            continue
        if not isinstance(value, str):
            raise bad_request(
                "BadJsonBody", f"Failed to deserialize the JSON body: {name}: expected a string"
            )
        size = len(value.encode())
        if size > MAX_VALUE_LENGTH:
            raise bad_request(
                "EnvironmentVariableValueTooLarge",
                f"The environment variable value is {size} bytes, which is too large. (max size: "
                f"{MAX_VALUE_LENGTH}",
            )
        after[name] = value
    if len(after) > MAX_COUNT:
        raise bad_request("EnvVarLimitMet", f"The environment variable limit ({MAX_COUNT}) has been met.")
    total = sum(len(n.encode()) + len(v.encode()) for n, v in after.items())
    if total > MAX_TOTAL_SIZE:
        raise bad_request(
            "EnvVarTotalSizeLimitMet",
            f"The total size of all environment variables ({total} bytes) exceeds the limit "
            f"({MAX_TOTAL_SIZE} bytes).",
        )
    rows = deployment.collection(TABLE)
    rows.clear()
    rows.update({name: {"name": name, "value": value} for name, value in after.items()})


def _check_name(name: str) -> None:
    if not NAME.match(name):
        raise bad_request(
            "EnvironmentVariableNameInvalid",
            f"The environment variable name {name} is invalid. Environment variable names must begin with a "
            "letter and may only include characters a-z, A-Z, 0-9, and underscores.",
        )
    if len(name) > MAX_NAME_LENGTH:
        raise bad_request(
            "EnvironmentVariableNameTooLong",
            f"The environment variable name {name} is too long. Environment variable names must be less "
            f"than {MAX_NAME_LENGTH}.",
        )
    if name in BUILT_IN:
        raise bad_request(
            "EnvVarNameForbidden",
            f'Environment variable with name "{name}" is built-in and cannot be overridden',
        )
