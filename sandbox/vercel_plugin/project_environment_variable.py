"""`vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable`: one variable of a project.

As terraform-provider-vercel's `vercel_project_environment_variable`: the id is the variable's id;
`key`, `projectId`, `sensitive`, `customEnvironmentIds` (and `teamId` when set) replace, the rest updates
in place; a sensitive value is never read back (the state keeps the value applied last); refresh of a
variable that is gone gives an empty id; `pulumi import` takes `projectId/envId` or
`teamId/projectId/envId` and imports a sensitive value as null.
"""

from __future__ import annotations

from typing import Any

from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckResponse,
    DiffResponse,
    PropertyDiff,
    PropertyDiffKind,
)

from sandbox.vercel_plugin import rules
from sandbox.vercel_plugin.client import ApiError, TransportError, VercelApi, not_found
from sandbox.vercel_plugin.errors import PluginError
from sandbox.vercel_plugin.props import (
    UNKNOWN,
    PropertyMap,
    Unknown,
    has_unknown,
    mark_secret,
    plain_map,
)

Json = dict[str, Any]
TOKEN = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"
KINDS = {
    "comment": "string",
    "customEnvironmentIds": "array",
    "gitBranch": "string",
    "key": "string",
    "projectId": "string",
    "sensitive": "boolean",
    "targets": "array",
    "teamId": "string",
    "value": "string",
    "valueWo": "string",
    "valueWoVersion": "integer",
    "visibility": "string",
}
PROPERTIES = tuple(KINDS)
REQUIRED = ("key", "projectId", "sensitive")
SECRETS = frozenset({"value", "valueWo"})
WRITE_ONLY = frozenset({"valueWo"})
REPLACES = frozenset({"key", "projectId", "sensitive", "customEnvironmentIds"})
REPLACES_IF_SET = frozenset({"teamId"})
KEEP_STATE_WHEN_UNSET = frozenset({"targets", "customEnvironmentIds", "teamId"})
"""Optional+computed with UseNonNullStateForUnknown: an unset input keeps the value in the state."""
COMPUTED_WHEN_UNSET = frozenset({"comment", "visibility"})
"""Optional+computed without it: unset, the value is recomputed (unknown in a plan that changes anything)."""
SETS = frozenset({"targets", "customEnvironmentIds"})

CREATE = "Error creating project environment variable"
READ = "Error reading project environment variable"
UPDATE = "Error updating project environment variable"
DELETE = "Error deleting project environment variable"
IMPORT = "Error importing project environment variable"


def check(news: PropertyMap) -> CheckResponse:
    values = plain_map(news)
    failures = [
        *rules.required_failures(values, REQUIRED),
        *rules.type_failures(values, KINDS),
        *_value_failures(values),
        *rules.target_failures(values),
        *rules.comment_failures(values),
        *rules.visibility_failures(values),
    ]
    inputs = mark_secret(news, SECRETS & set(news))
    if failures:
        return CheckResponse(inputs=inputs, failures=[CheckFailure(p, r) for p, r in failures])
    return CheckResponse(inputs=inputs)


def _value_failures(values: Json) -> list[rules.Failure]:
    out: list[rules.Failure] = []
    given = [n for n in ("value", "valueWo") if n in values]
    if len(given) != 1:
        count = "No attribute" if not given else f"{len(given)} attributes"
        out.append(("value", f"{count} specified when one (and only one) of [value,valueWo] is required"))
    version = values.get("valueWoVersion")
    if isinstance(version, int) and not isinstance(version, bool):
        if version < 0:
            out.append(("valueWoVersion", f"value must be at least 0, got: {version}"))
        if "valueWo" not in values:
            out.append(
                ("valueWoVersion", 'Attribute "valueWo" must be specified when "valueWoVersion" is specified')
            )
    return out


def planned(olds: Json, news: Json) -> Json:
    """The state the inputs ask for, given the state now (empty for a create). An unset computed
    property keeps its state; on a create it is unknown until the API answers."""
    plan: Json = {}
    for name in PROPERTIES:
        if name in WRITE_ONLY:
            plan[name] = None
        elif name in news:
            plan[name] = news[name]
        elif name in KEEP_STATE_WHEN_UNSET | COMPUTED_WHEN_UNSET:
            plan[name] = olds.get(name) if olds else UNKNOWN
        else:
            plan[name] = None
    return plan


def diff(olds: PropertyMap, news: PropertyMap) -> DiffResponse:
    old, new = plain_map(olds), plain_map(news)
    plan = planned(old, new)
    detailed: dict[str, PropertyDiff] = {}
    replaces: list[str] = []
    for name in PROPERTIES:
        before, after = old.get(name), plan[name]
        if has_unknown(after):
            changed = True
        elif name in SETS:
            changed = not rules.same_set(before, after) or (before is None) != (after is None)
        else:
            changed = before != after
        if not changed:
            continue
        replace = name in REPLACES or (name in REPLACES_IF_SET and name in new)
        if before is None:
            kind = PropertyDiffKind.ADD_REPLACE if replace else PropertyDiffKind.ADD
        elif after is None:
            kind = PropertyDiffKind.DELETE_REPLACE if replace else PropertyDiffKind.DELETE
        else:
            kind = PropertyDiffKind.UPDATE_REPLACE if replace else PropertyDiffKind.UPDATE
        detailed[name] = PropertyDiff(kind, input_diff=True)
        if replace:
            replaces.append(name)
    # The bridge sets no DeleteBeforeReplace for this resource: the replacement is created first, and
    # one that keeps the key and targets fails with ENV_CONFLICT unless the program asks for
    # delete_before_replace.
    return DiffResponse(
        changes=bool(detailed), replaces=replaces, diffs=list(detailed), detailed_diff=detailed
    )


def preview(olds: Json, news: Json) -> Json:
    """What create or update will return, with what the API decides unknown."""
    plan = planned(olds, news)
    if olds:
        for name in COMPUTED_WHEN_UNSET:
            if name not in news:
                plan[name] = UNKNOWN
    return plan


def state_of(env: Json, project_id: str, team_id: str, value: Any, value_wo_version: Any) -> Json:
    """The state from an API answer; `value` is the value known before the call (None: unknown), which
    a sensitive var keeps since the API never returns it."""
    env_type = str(env.get("type", ""))
    if value is not None and env_type != "sensitive":
        value = str(env.get("value", ""))
    return {
        "comment": str(env.get("comment") or ""),
        "customEnvironmentIds": sorted(env.get("customEnvironmentIds") or []),
        "gitBranch": env.get("gitBranch"),
        "key": env["key"],
        "projectId": project_id,
        "sensitive": env_type == "sensitive",
        "targets": sorted(_targets(env)),
        "teamId": team_id or None,
        "value": value,
        "valueWo": None,
        "valueWoVersion": value_wo_version,
        "visibility": rules.visibility_from_response(env_type, env.get("visibility")),
    }


def _targets(env: Json) -> list[str]:
    target = env.get("target")
    if isinstance(target, str):
        return [target]
    return list(target or [])


def inputs_of(state: Json, old_inputs: Json | None) -> Json:
    """Inputs to record after a read: on refresh the inputs given before, with their live values; on
    import every input property the variable has."""
    if old_inputs:
        return {k: state.get(k) for k in old_inputs if k in state and state.get(k) is not None}
    return {
        k: v
        for k, v in state.items()
        if v is not None and k not in WRITE_ONLY and not (isinstance(v, list) and not v)
    }


def _given(plan: Json, name: str) -> Any:
    """A planned value, or None while it is unknown (the Terraform client sends Go's zero value)."""
    value = plan.get(name)
    return None if isinstance(value, Unknown) else value


def _body(plan: Json, value: str | None, *, update: bool) -> Json:
    """The request body, field for field as the Terraform client marshals it."""
    env_type, visibility = rules.type_and_visibility(plan.get("sensitive"), _given(plan, "visibility"))
    targets, custom = _given(plan, "targets"), _given(plan, "customEnvironmentIds")
    body: Json = {}
    if update:
        if value is not None:
            body["value"] = value
        body["target"] = list(targets) if targets else None
    else:
        body["key"] = plan["key"]
        body["value"] = value or ""
        if targets:
            body["target"] = list(targets)
    if custom:
        body["customEnvironmentIds"] = list(custom)
    if isinstance(plan.get("gitBranch"), str):
        body["gitBranch"] = plan["gitBranch"]
    body["type"] = env_type
    comment = _given(plan, "comment")
    body["comment"] = comment if isinstance(comment, str) else ""
    if visibility is not None:
        body["visibility"] = visibility
    return body


async def create(api: VercelApi, news: Json) -> tuple[str, Json]:
    plan = planned({}, news)
    project_id, team_id = news["projectId"], news.get("teamId")
    try:
        await api.get_project(project_id, team_id)
    except ApiError as exc:
        if not_found(exc):
            raise PluginError(
                CREATE,
                "Could not find project, please make sure both the project_id and team_id match the "
                "project and team you wish to deploy to.",
            ) from None
        raise PluginError(
            CREATE, f"Error reading project information, unexpected error: unable to get project: {exc}"
        ) from None
    except TransportError as exc:
        raise PluginError(CREATE, f"Error reading project information, unexpected error: {exc}") from None
    value = news.get("value") or news.get("valueWo") or ""
    body = _body(plan, value, update=False)
    try:
        answer = await api.create_env(project_id, team_id, body)
    except (ApiError, TransportError) as exc:
        reason = await _create_failure(api, project_id, team_id, exc)
        raise PluginError(
            CREATE, f"Could not create project environment variable, unexpected error: {reason}"
        ) from None
    created: Json = {**answer["created"], "value": value}
    state = state_of(created, project_id, api.team_id(team_id), news.get("value"), news.get("valueWoVersion"))
    return str(created["id"]), state


async def _create_failure(api: VercelApi, project_id: str, team_id: str | None, exc: Exception) -> str:
    """The error text, naming the id of the variable a conflict is with (in `pulumi import` form)."""
    if not isinstance(exc, ApiError):
        return str(exc)
    error = exc.body.get("error") or {}
    if exc.status == 400 and exc.code == "ENV_CONFLICT":
        try:
            envs = await api.list_envs(project_id, team_id)
        except (ApiError, TransportError) as list_exc:
            return f"{exc}: unable to list environment variables to detect conflict: {list_exc}"
        found = conflicting_id(team_id, project_id, error, envs)
        if found:
            return f"{exc} the conflicting environment variable ID is {found}"
    failed = exc.body.get("failed")
    if isinstance(failed, list) and failed:
        first = failed[0].get("error") or {}
        message = str(first.get("message", ""))
        if first.get("code") == "ENV_CONFLICT":
            try:
                found = conflicting_id(team_id, project_id, first, await api.list_envs(project_id, team_id))
            except (ApiError, TransportError):
                found = None
            if found:
                return (
                    f"failed to create environment variable, {message}, conflicting environment "
                    f"variable ID is {found}"
                )
        if first.get("link"):
            message = f"{message} (see {first['link']})"
        return f"failed to create environment variable, {message}"
    return str(exc)


def conflicting_id(team_id: str | None, project_id: str, conflict: Json, envs: list[Json]) -> str | None:
    """`[teamId/]projectId/envId` of the live var a create clashed with: same key and Git branch, and a
    shared target when the error names targets. The team is the resource's own `teamId`, if set."""
    targets = conflict.get("target")
    wanted = [targets] if isinstance(targets, str) else list(targets or [])
    for env in envs:
        if env.get("key") != conflict.get("envVarKey") or env.get("gitBranch") != conflict.get("gitBranch"):
            continue
        if wanted and not set(_targets(env)) & set(wanted):
            continue
        found = f"{project_id}/{env['id']}"
        return f"{team_id}/{found}" if team_id else found
    return None


async def read(api: VercelApi, resource_id: str, state: Json) -> tuple[str, Json] | None:
    """Refresh: the live state, or None when the variable is gone."""
    project_id, team_id = state.get("projectId", ""), state.get("teamId")
    try:
        env = await api.get_env(project_id, team_id, resource_id)
    except (ApiError, TransportError) as exc:
        if not_found(exc):
            return None
        raise PluginError(
            READ,
            f"Could not get project environment variable {resource_id} {project_id} {team_id or ''}, "
            f"unexpected error: {exc}",
        ) from None
    fresh = state_of(env, project_id, api.team_id(team_id), state.get("value"), state.get("valueWoVersion"))
    return str(env["id"]), fresh


async def import_(api: VercelApi, import_id: str) -> tuple[str, Json]:
    parts = import_id.split("/")
    if len(parts) not in (2, 3):
        raise PluginError(
            IMPORT,
            f"Invalid id '{import_id}' specified. should be in format \"team_id/project_id/env_id\" or "
            '"project_id/env_id"',
        )
    team_id, project_id, env_id = parts if len(parts) == 3 else ("", *parts)
    try:
        env = await api.get_env(project_id, team_id, env_id)
    except (ApiError, TransportError) as exc:
        raise PluginError(
            READ,
            f"Could not get project environment variable {team_id} {project_id} {env_id}, "
            f"unexpected error: {exc}",
        ) from None
    value = None if env.get("type") == "sensitive" else str(env.get("value", ""))
    return str(env["id"]), state_of(env, project_id, api.team_id(team_id), value, None)


async def update(api: VercelApi, resource_id: str, olds: Json, news: Json) -> Json:
    plan = planned(olds, news)
    for name in COMPUTED_WHEN_UNSET:
        if name not in news:
            plan[name] = None  # unknown in the plan: sent as Go's zero value
    value: str | None = news.get("value")
    rewrite_wo = plan.get("valueWoVersion") != olds.get("valueWoVersion") or (
        olds.get("value") is not None and value is None
    )
    if value is None and rewrite_wo:
        value = news.get("valueWo")
    project_id, team_id = plan["projectId"], plan.get("teamId")
    try:
        env = await api.update_env(project_id, team_id, resource_id, _body(plan, value, update=True))
    except (ApiError, TransportError) as exc:
        raise PluginError(
            UPDATE, f"Could not update project environment variable, unexpected error: {exc}"
        ) from None
    if value is not None:
        env = {**env, "value": value}
    return state_of(env, project_id, api.team_id(team_id), news.get("value"), news.get("valueWoVersion"))


async def delete(api: VercelApi, resource_id: str, state: Json) -> None:
    try:
        await api.delete_env(state.get("projectId", ""), state.get("teamId"), resource_id)
    except (ApiError, TransportError) as exc:
        if not_found(exc):
            return
        raise PluginError(
            DELETE, f"Could not delete project environment variable {resource_id}, unexpected error: {exc}"
        ) from None
