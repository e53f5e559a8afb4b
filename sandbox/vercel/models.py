"""Validation of Vercel request bodies and query strings, in the API's own error wording."""

from __future__ import annotations

import re
from typing import Any

from sandbox.vercel.errors import VercelError, bad_request, invalid_body, invalid_query

TARGETS = ("production", "preview", "development")
TYPES = ("system", "encrypted", "plain", "sensitive")
"""What create and edit accept; stored vars can also read back as the legacy `secret`, never sent."""
ENV_FIELDS = ("key", "value", "type", "target", "gitBranch", "comment", "customEnvironmentIds")
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_VALUE_BYTES = 64 * 1024
MAX_COMMENT = 500
SCOPE_PARAMS = frozenset({"teamId", "slug"})


def reject_unknown_query(query: dict[str, str], allowed: frozenset[str]) -> None:
    for name in query:
        if name not in allowed | SCOPE_PARAMS:
            raise invalid_query(f"should NOT have additional property `{name}`.")


def query_bool(query: dict[str, str], name: str) -> bool:
    value = query.get(name)
    if value is None or value == "false":
        return False
    if value == "true":
        return True
    raise invalid_query(f'`{name}` should be equal to one of the allowed values "true", "false".')


def query_int(query: dict[str, str], name: str, minimum: int, maximum: int | None = None) -> int | None:
    raw = query.get(name)
    if raw is None:
        return None
    if not re.fullmatch(r"-?\d+", raw):
        raise invalid_query(f"`{name}` should be number.")
    value = int(raw)
    if value < minimum:
        raise invalid_query(f"`{name}` should be >= {minimum}.")
    if maximum is not None and value > maximum:
        raise invalid_query(f"`{name}` should be <= {maximum}.")
    return value


def _where(prefix: str, name: str) -> str:
    return f"`{prefix}{name}`"


def _string(value: Any, where: str, *, allow_empty: bool = True) -> str:
    if not isinstance(value, str):
        raise invalid_body(f"{where} should be string.")
    if not allow_empty and not value:
        raise invalid_body(f"{where} should NOT be shorter than 1 characters.")
    return value


def _string_list(value: Any, where: str, allowed: tuple[str, ...] | None = None) -> list[str]:
    if not isinstance(value, list):
        raise invalid_body(f"{where} should be array.")
    out: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise invalid_body(f"{where} should be array of strings.")
        if allowed is not None and item not in allowed:
            choices = ", ".join(f'"{a}"' for a in allowed)
            raise invalid_body(f"{where} should be equal to one of the allowed values {choices}.")
        if item in out:
            raise invalid_body(f"{where} should NOT have duplicate items.")
        out.append(item)
    return out


def env_field(name: str, value: Any, prefix: str = "") -> Any:
    """One validated field of an env var in a create or edit body."""
    where = _where(prefix, name)
    if name == "key":
        key = _string(value, where, allow_empty=False)
        if not _KEY.match(key):
            raise bad_request(
                f"The name of the Environment Variable `{key}` is invalid: it may only contain letters, "
                "digits and underscores, and may not start with a digit."
            )
        return key
    if name == "value":
        text = _string(value, where)
        if len(text.encode()) > MAX_VALUE_BYTES:
            raise bad_request("The value of an Environment Variable may not exceed 64 KB.")
        return text
    if name == "type":
        if value not in TYPES:
            choices = ", ".join(f'"{t}"' for t in TYPES)
            raise invalid_body(f"{where} should be equal to one of the allowed values {choices}.")
        return value
    if name == "target":
        return [] if value is None else _string_list(value, where, TARGETS)
    if name == "gitBranch":
        return None if value is None else _string(value, where, allow_empty=False)
    if name == "comment":
        comment = _string(value, where)
        if len(comment) > MAX_COMMENT:
            raise invalid_body(f"{where} should NOT be longer than {MAX_COMMENT} characters.")
        return comment
    if name == "customEnvironmentIds":
        ids = _string_list(value, where)
        if ids:
            raise bad_request(f"Custom environment not found: {ids[0]}")
        return ids
    raise invalid_body(f"should NOT have additional property `{name}`.")


def create_item(item: Any, prefix: str = "") -> dict[str, Any]:
    """A validated create-body entry: key, value, type, target, gitBranch, comment, customEnvironmentIds."""
    if not isinstance(item, dict):
        raise invalid_body(f"{_where(prefix, '') if prefix else 'body'} should be object.")
    for name in item:
        if name not in ENV_FIELDS:
            raise invalid_body(f"should NOT have additional property `{name}`.")
    for name in ("key", "value", "type"):
        if name not in item:
            raise invalid_body(f"missing required property `{prefix}{name}`.")
    fields = {name: env_field(name, item[name], prefix) for name in ENV_FIELDS if name in item}
    fields.setdefault("target", [])
    fields.setdefault("gitBranch", None)
    fields.setdefault("comment", "")
    fields.setdefault("customEnvironmentIds", [])
    if not fields["target"] and not fields["customEnvironmentIds"]:
        raise invalid_body(f"missing required property `{prefix}target`.")
    return fields


def edit_body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise invalid_body("body should be object.")
    return {name: env_field(name, value) for name, value in body.items()}


def check_env(env: dict[str, Any]) -> None:
    """Rules over several fields, for a var as it would be stored after a create or an edit."""
    targets: list[str] = env["target"]
    if not targets and not env.get("customEnvironmentIds"):
        raise invalid_body("missing required property `target`.")
    if env.get("gitBranch") is not None and targets != ["preview"]:
        raise bad_request("A Git branch can only be set for Environment Variables that target only Preview.")
    if env["type"] == "sensitive" and "development" in targets:
        raise bad_request("Development environment variables cannot be made sensitive.")


def deploy_hook_body(body: Any) -> tuple[str, str]:
    if not isinstance(body, dict):
        raise invalid_body("body should be object.")
    for name in body:
        if name not in ("name", "ref"):
            raise invalid_body(f"should NOT have additional property `{name}`.")
    for name in ("name", "ref"):
        if name not in body:
            raise invalid_body(f"missing required property `{name}`.")
    name = _string(body["name"], "`name`", allow_empty=False)
    ref = _string(body["ref"], "`ref`", allow_empty=False)
    if len(name) > 100:
        raise invalid_body("`name` should NOT be longer than 100 characters.")
    return name, ref


def batch_ids(body: Any) -> list[str]:
    if not isinstance(body, dict):
        raise invalid_body("body should be object.")
    for name in body:
        if name != "ids":
            raise invalid_body(f"should NOT have additional property `{name}`.")
    if "ids" not in body:
        raise invalid_body("missing required property `ids`.")
    ids = _string_list(body["ids"], "`ids`")
    if not ids:
        raise invalid_body("`ids` should NOT have fewer than 1 items.")
    return ids


def conflict(
    key: str, targets: list[str], git_branch: str | None, existing_id: str, *, status: int = 400
) -> VercelError:
    """ENV_CONFLICT, with the fields terraform-provider-vercel reads to find the existing var."""
    branch = git_branch if git_branch is not None else "undefined"
    extra: dict[str, Any] = {"key": key, "envVarKey": key, "envVarId": existing_id, "target": targets}
    if git_branch is not None:
        extra["gitBranch"] = git_branch
    return VercelError(
        status,
        "ENV_CONFLICT",
        f"A variable with the name `{key}` already exists for the target {','.join(targets)} "
        f"on branch {branch}",
        **extra,
    )
