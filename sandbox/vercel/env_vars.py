"""Project environment variables: create (one or many, upsert), list with `until` paging, get, edit,
delete and batch delete. A key may exist once per target and Git branch (ENV_CONFLICT otherwise)."""

from __future__ import annotations

from typing import Any

from sandbox.vercel import models
from sandbox.vercel.errors import VercelError, bad_request, invalid_body, not_found
from sandbox.vercel.state import USER_ID, Json, VercelTeam, render_env

LIST_QUERY = frozenset(
    {"decrypt", "gitBranch", "source", "customEnvironmentId", "customEnvironmentSlug"}
    | {"limit", "until", "since"}
)
MAX_LIMIT = 100
FIELD_ORDER = (
    "type",
    "value",
    "target",
    "configurationId",
    "comment",
    "customEnvironmentIds",
    "id",
    "key",
    "gitBranch",
    "createdAt",
    "updatedAt",
    "createdBy",
    "updatedBy",
)


def _ordered(env: Json) -> Json:
    out = {name: env[name] for name in FIELD_ORDER if name in env}
    if out.get("gitBranch") is None:
        out.pop("gitBranch", None)
    return out


def _find(project: Json, env_id: str) -> Json:
    env: Json
    for env in project["env"]:
        if env["id"] == env_id:
            return env
    raise not_found(f"Could not find the environment variable: {env_id}")


def _overlap(env: Json, key: str, targets: list[str], git_branch: str | None) -> list[str]:
    """The targets two vars of the same key and Git branch share (they may not share any)."""
    if env["key"] != key or env.get("gitBranch") != git_branch:
        return []
    return [t for t in models.TARGETS if t in env["target"] and t in targets]


def _clashes(project: Json, fields: Json, ignore: str | None = None) -> list[tuple[Json, list[str]]]:
    found = []
    for env in project["env"]:
        shared = _overlap(env, fields["key"], fields["target"], fields["gitBranch"])
        if shared and env["id"] != ignore:
            found.append((env, shared))
    return found


def _conflict(fields: Json, clashes: list[tuple[Json, list[str]]]) -> VercelError:
    env, shared = clashes[0]
    return models.conflict(fields["key"], shared, fields["gitBranch"], env["id"])


def _new(team: VercelTeam, project: Json, fields: Json) -> Json:
    stamp = team.tick(project)
    env = _ordered(
        {
            **fields,
            "configurationId": None,
            "id": team.sandbox.ids.token(16),
            "createdAt": stamp,
            "updatedAt": stamp,
            "createdBy": USER_ID,
            "updatedBy": USER_ID,
        }
    )
    project["env"].append(env)
    return env


def _replace(project: Json, env: Json) -> None:
    project["env"] = [env if e["id"] == env["id"] else e for e in project["env"]]


def _upsert(team: VercelTeam, project: Json, fields: Json, clashes: list[tuple[Json, list[str]]]) -> Json:
    """The oldest clashing var takes the new definition; the others give up the targets it now has."""
    first = clashes[0][0]
    stamp = team.tick(project)
    updated = _ordered({**first, **fields, "updatedAt": stamp, "updatedBy": USER_ID})
    _replace(project, updated)
    for other, shared in clashes[1:]:
        remaining = [t for t in other["target"] if t not in shared]
        if remaining:
            trimmed = {**other, "target": remaining, "updatedAt": stamp, "updatedBy": USER_ID}
            _replace(project, _ordered(trimmed))
        else:
            project["env"] = [e for e in project["env"] if e["id"] != other["id"]]
    return updated


def create(team: VercelTeam, project: Json, body: Any, upsert: bool) -> Json:
    """One object in, `created` is an object; an array in, `created` is an array and a var that
    conflicts is reported in `failed` while the others are created (201), unless all of them fail."""
    single = not isinstance(body, list)
    items = [body] if single else body
    if not items:
        raise invalid_body("body should NOT have fewer than 1 items.")
    validated = [models.create_item(item, "" if single else f"{i}.") for i, item in enumerate(items)]
    for fields in validated:
        models.check_env(fields)
    created: list[Json] = []
    failed: list[Json] = []
    for fields in validated:
        clashes = _clashes(project, fields)
        if clashes and not upsert:
            error = _conflict(fields, clashes)
            if single:
                raise error
            failed.append({"error": error.error()})
            continue
        created.append(_upsert(team, project, fields, clashes) if clashes else _new(team, project, fields))
    if failed and not created:
        error = VercelError(400, failed[0]["error"]["code"], failed[0]["error"]["message"])
        error.extra = {k: v for k, v in failed[0]["error"].items() if k not in ("code", "message")}
        error.beside = {"failed": failed}
        raise error
    rendered = [render_env(env, "write") for env in created]
    return {"created": rendered[0] if single else rendered, "failed": failed}


def list_all(team: VercelTeam, project: Json, query: dict[str, str]) -> Json:
    """Newest first. `limit` pages; `pagination.next` is the `createdAt` to pass as `until` for the
    next page, null on the last one."""
    decrypt = models.query_bool(query, "decrypt")
    limit = models.query_int(query, "limit", 1, MAX_LIMIT)
    until = models.query_int(query, "until", 0)
    since = models.query_int(query, "since", 0)
    envs = sorted(project["env"], key=lambda e: int(e["createdAt"]), reverse=True)
    if "gitBranch" in query:
        envs = [e for e in envs if e.get("gitBranch") in (None, query["gitBranch"])]
    for name in ("customEnvironmentId", "customEnvironmentSlug"):
        if name in query:
            envs = [e for e in envs if query[name] in e["customEnvironmentIds"]]
    if until is not None:
        envs = [e for e in envs if e["createdAt"] < until]
    if since is not None:
        envs = [e for e in envs if e["createdAt"] > since]
    page = envs if limit is None else envs[:limit]
    return {
        "envs": [render_env(env, "list", decrypt=decrypt) for env in page],
        "pagination": {
            "count": len(page),
            "next": page[-1]["createdAt"] if len(envs) > len(page) else None,
            "prev": page[0]["createdAt"] if page else None,
        },
    }


def retrieve(project: Json, env_id: str) -> Json:
    """Get one returns the decrypted value, except for sensitive vars (no `value` at all)."""
    return render_env(_find(project, env_id), "get", decrypt=True)


def edit(team: VercelTeam, project: Json, env_id: str, body: Any) -> Json:
    changes = models.edit_body(body)
    current = _find(project, env_id)
    if current["type"] == "sensitive" and changes.get("type", "sensitive") != "sensitive":
        raise bad_request("A sensitive Environment Variable cannot be changed to a non-sensitive type.")
    merged = {**current, **changes}
    merged.setdefault("gitBranch", None)
    models.check_env(merged)
    clashes = _clashes(project, merged, ignore=env_id)
    if clashes:
        raise _conflict(merged, clashes)
    merged.update(updatedAt=team.tick(project), updatedBy=USER_ID)
    updated = _ordered(merged)
    _replace(project, updated)
    return render_env(updated, "write")


def delete(team: VercelTeam, project: Json, env_id: str, custom: str | None) -> Json:
    env = _find(project, env_id)
    if custom is not None and custom not in env["customEnvironmentIds"]:
        raise not_found(f"Could not find the environment variable: {env_id}")
    project["env"] = [e for e in project["env"] if e["id"] != env_id]
    team.tick(project)
    return render_env(env, "write")


def batch_delete(team: VercelTeam, project: Json, body: Any) -> Json:
    """Removes the listed vars that exist; ids that match none are left out of the answer."""
    wanted = models.batch_ids(body)
    removed = [e["id"] for e in project["env"] if e["id"] in wanted]
    project["env"] = [e for e in project["env"] if e["id"] not in removed]
    if removed:
        team.tick(project)
    return {"deleted": len(removed), "ids": removed}
