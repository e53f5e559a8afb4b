"""Env vars over raw HTTP, shaped as terraform-provider-vercel sends them (v8 list with `until` paging,
v10 get/patch, v8 delete), plus ENV_CONFLICT, sensitive values and updatedAt. Every success body is
validated by the @vercel/sdk schema of the same operation (see the `api` fixture)."""

from __future__ import annotations

import json

from tests.sandbox.vercel.conftest import (
    PROJECT,
    PROJECT_ID,
    Api,
    Json,
    assert_error,
    stored_env,
    stored_project,
)
from tests.support import SandboxProcess

ENV = f"/v10/projects/{PROJECT_ID}/env"


def terraform_env(key: str, value: str, target: list[str], sensitive: bool = False, **more: object) -> Json:
    """What the provider marshals: `comment` always, no gitBranch/customEnvironmentIds unless set."""
    return {
        "key": key,
        "value": value,
        "target": target,
        "type": "sensitive" if sensitive else "encrypted",
        "comment": "",
        **more,
    }


def test_terraform_create_read_update_delete(api: Api, sandbox: SandboxProcess, derrimut: Json) -> None:
    created = api.ok(
        "POST",
        ENV,
        "createProjectEnv",
        201,
        json=terraform_env("RESEND_API_KEY", "re_sandbox_1", ["production"]),
    )
    env_id = created["created"]["id"]
    read = api.ok("GET", f"/v10/projects/{PROJECT_ID}/env/{env_id}", "getProjectEnv")
    assert read["value"] == "re_sandbox_1" and read["decrypted"] is True and read["target"] == ["production"]
    patched = api.ok(
        "PATCH",
        f"/v10/projects/{PROJECT_ID}/env/{env_id}",
        "editProjectEnv",
        json={
            "value": "re_sandbox_2",
            "target": ["production", "preview"],
            "type": "encrypted",
            "comment": "mail",
        },
    )
    assert patched["target"] == ["production", "preview"] and patched["comment"] == "mail"
    assert stored_env(sandbox, env_id)["value"] == "re_sandbox_2"
    deleted = api.ok("DELETE", f"/v8/projects/{PROJECT_ID}/env/{env_id}", "removeProjectEnv")
    assert deleted["id"] == env_id
    api.error("GET", f"/v10/projects/{PROJECT_ID}/env/{env_id}", 404, "not_found")
    api.error("DELETE", f"/v8/projects/{PROJECT_ID}/env/{env_id}", 404, "not_found")


def test_env_conflict_carries_what_terraform_reads(api: Api, derrimut: Json) -> None:
    existing = next(
        e
        for e in api.ok("GET", ENV, "filterProjectEnvs")["envs"]
        if e["key"] == "CONVEX_DEPLOY_KEY" and e["target"] == ["preview"]
    )
    body = api.error(
        "POST",
        ENV,
        400,
        "ENV_CONFLICT",
        json=terraform_env("CONVEX_DEPLOY_KEY", "x", ["preview", "development"]),
    )
    error = body["error"]
    assert error["key"] == error["envVarKey"] == "CONVEX_DEPLOY_KEY"
    assert error["target"] == ["preview"] and error["envVarId"] == existing["id"] and "gitBranch" not in error
    assert "already exists" in error["message"]

    # A branch-specific preview var does not clash with the branchless one, but two on one branch do.
    branch = terraform_env("CONVEX_DEPLOY_KEY", "preview:branch|fake", ["preview"], gitBranch="feature/x")
    api.ok("POST", ENV, "createProjectEnv", 201, json=branch)
    error = api.error("POST", ENV, 400, "ENV_CONFLICT", json=branch)["error"]
    assert error["gitBranch"] == "feature/x" and "on branch feature/x" in error["message"]

    # Every entry of an array conflicting: 400, with the failures listed beside the error.
    both = api.error(
        "POST",
        ENV,
        400,
        "ENV_CONFLICT",
        json=[branch, terraform_env("CONVEX_DEPLOY_KEY", "y", ["production"])],
    )
    assert [f["error"]["code"] for f in both["failed"]] == ["ENV_CONFLICT", "ENV_CONFLICT"]


def test_terraform_pages_the_v8_list_with_until(api: Api, derrimut: Json) -> None:
    """terraform's collectPages: limit=100 by default, `pagination.next` → `until`, stop on null."""
    seen: list[Json] = []
    cursors: list[int] = []
    until: int | None = None
    while True:
        query = f"?decrypt=true&limit=5{f'&until={until}' if until is not None else ''}"
        page = api.ok("GET", f"/v8/projects/{PROJECT_ID}/env{query}", "filterProjectEnvs")
        assert page["pagination"]["count"] == len(page["envs"]) <= 5
        seen += page["envs"]
        if page["pagination"]["next"] is None:
            break
        assert until is None or page["pagination"]["next"] < until, "the cursor advances"
        until = page["pagination"]["next"]
        cursors.append(until)
    assert len(cursors) == 4 and len(seen) == len(derrimut["env"]) == 24
    assert len({e["id"] for e in seen}) == 24
    whole = api.ok("GET", f"/v8/projects/{PROJECT_ID}/env?decrypt=true&limit=100", "filterProjectEnvs")
    assert [e["id"] for e in whole["envs"]] == [e["id"] for e in seen] and whole["pagination"]["next"] is None
    newer = api.ok("GET", f"/v8/projects/{PROJECT_ID}/env?since={cursors[0]}", "filterProjectEnvs")
    assert [e["id"] for e in newer["envs"]] == [e["id"] for e in seen[:4]]
    empty = api.ok("GET", f"/v8/projects/{PROJECT_ID}/env?limit=5&until=1", "filterProjectEnvs")
    assert empty == {"envs": [], "pagination": {"count": 0, "next": None, "prev": None}}


def test_sensitive_values_never_leave_the_sandbox(api: Api, sandbox: SandboxProcess, derrimut: Json) -> None:
    secret = "sk_live_sandbox_sensitive_probe_value"
    created = api.ok(
        "POST",
        ENV,
        "createProjectEnv",
        201,
        json=terraform_env("PROBE_SECRET", secret, ["production", "preview"], sensitive=True),
    )
    env_id = created["created"]["id"]
    one = f"/projects/{PROJECT_ID}/env/{env_id}"
    responses = [
        json.dumps(created),
        api("GET", f"/v8/projects/{PROJECT_ID}/env?decrypt=true", "filterProjectEnvs").text,
        api("GET", f"/v10/projects/{PROJECT_ID}/env?decrypt=true", "filterProjectEnvs").text,
        api("GET", f"/v1{one}", "getProjectEnv").text,
        api("GET", f"/v10{one}", "getProjectEnv").text,
        api("GET", f"/v9/projects/{PROJECT_ID}", "getProject").text,
        api(
            "PATCH",
            f"/v10{one}",
            "editProjectEnv",
            json={"comment": "still secret", "type": "sensitive", "target": ["production", "preview"]},
        ).text,
        api("PATCH", f"/v9{one}", "editProjectEnv", json={"value": secret + "_2"}).text,
        api("DELETE", f"/v8{one}", "removeProjectEnv").text,
    ]
    assert all(secret not in text for text in responses)
    for listing in responses[1:3]:
        [probe] = [e for e in json.loads(listing)["envs"] if e["id"] == env_id]
        assert probe["value"] == "" and probe["decrypted"] is False and probe["type"] == "sensitive"
    assert "value" not in json.loads(responses[3]) and json.loads(responses[4])["key"] == "PROBE_SECRET"

    # The stored state keeps it, so a restore can be checked.
    kept = next(
        e
        for e in stored_project(sandbox)["env"]
        if e["key"] == "CLERK_SECRET_KEY" and e["type"] == "sensitive"
    )
    assert kept["value"].startswith("sk_")


def test_sensitive_rules(api: Api, derrimut: Json) -> None:
    error = api.error(
        "POST",
        ENV,
        400,
        "bad_request",
        json=terraform_env("DEV_SECRET", "x", ["development"], sensitive=True),
    )
    assert "Development" in error["error"]["message"]
    sensitive = next(e for e in api.ok("GET", ENV, "filterProjectEnvs")["envs"] if e["type"] == "sensitive")
    api.error(
        "PATCH",
        f"/v10/projects/{PROJECT_ID}/env/{sensitive['id']}",
        400,
        "bad_request",
        json={"type": "encrypted"},
    )
    api.error(
        "PATCH",
        f"/v10/projects/{PROJECT_ID}/env/{sensitive['id']}",
        400,
        "bad_request",
        json={"target": ["development"]},
    )


def test_updated_at_changes_on_every_edit(api: Api, sandbox: SandboxProcess, derrimut: Json) -> None:
    env_id = api.ok("POST", ENV, "createProjectEnv", 201, json=terraform_env("TICK", "0", ["preview"]))[
        "created"
    ]["id"]
    stamps, ciphertexts = [], []
    for _ in range(5):
        edited = api.ok(
            "PATCH", f"/v10/projects/{PROJECT_ID}/env/{env_id}", "editProjectEnv", json={"value": "0"}
        )
        stamps.append(edited["updatedAt"])
        ciphertexts.append(edited["value"])
    assert stamps == sorted(set(stamps)), "strictly increasing, even within one millisecond"
    assert len(set(ciphertexts)) == 5
    assert stored_env(sandbox, env_id)["updatedAt"] == stamps[-1]
    assert stored_project(sandbox)["updatedAt"] >= stamps[-1]


def test_validation_errors(api: Api, derrimut: Json) -> None:
    one = f"/v10/projects/{PROJECT_ID}/env/{derrimut['env'][0]}"
    cases: list[tuple[str, str, object, str]] = [
        ("POST", ENV, {"key": "A", "value": "b", "type": "encrypted"}, "missing required property `target`"),
        (
            "POST",
            ENV,
            {"key": "A", "value": "b", "target": ["production"]},
            "missing required property `type`",
        ),
        ("POST", ENV, terraform_env("A", "b", ["staging"]), "allowed values"),
        ("POST", ENV, {**terraform_env("A", "b", ["production"]), "type": "secret"}, "allowed values"),
        (
            "POST",
            ENV,
            {**terraform_env("A", "b", ["production"]), "sensitive": True},
            "additional property `sensitive`",
        ),
        ("POST", ENV, terraform_env("A", "b", ["production"], gitBranch="main"), "Git branch"),
        (
            "POST",
            ENV,
            terraform_env("A", "b", ["production"], customEnvironmentIds=["env_1"]),
            "Custom environment",
        ),
        ("POST", ENV, terraform_env("1BAD", "b", ["production"]), "invalid"),
        ("POST", ENV, {**terraform_env("A", "b", ["production"]), "value": 5}, "`value` should be string"),
        ("POST", ENV, [], "fewer than 1 items"),
        ("PATCH", one, {"target": []}, "missing required property `target`"),
        ("PATCH", one, {"key": 7}, "`key` should be string"),
        ("DELETE", f"/v1/projects/{PROJECT_ID}/env", {"ids": []}, "fewer than 1 items"),
        ("DELETE", f"/v1/projects/{PROJECT_ID}/env", {"id": ["x"]}, "additional property `id`"),
    ]
    for method, path, body, message in cases:
        error = api.error(method, path, 400, "bad_request", json=body)["error"]
        assert message in error["message"], (method, body, error)
    assert "Invalid JSON" in api.error("POST", ENV, 400, "bad_request", content=b"{nope")["error"]["message"]
    for query in ("?upsert=yes", "?foo=1"):
        api.error("POST", ENV + query, 400, "bad_request", json=terraform_env("A", "b", ["production"]))
    for query in ("?limit=0", "?limit=101", "?until=soon", "?decrypt=1", "?page=2"):
        api.error("GET", f"/v8/projects/{PROJECT_ID}/env{query}", 400, "bad_request")


def test_errors_use_vercels_envelope(api: Api, sandbox: SandboxProcess, derrimut: Json) -> None:
    assert (
        api.error("GET", "/v9/projects/prj_doesnotexist", 404, "not_found")["error"]["message"]
        == "Project not found"
    )
    api.error("GET", f"/v1/projects/{PROJECT}/env/AAAAAAAAAAAAAAAA", 404, "not_found")
    api.error("GET", "/v3/unknown/endpoint", 404, "not_found")
    assert "GET" in api.error("PUT", f"/v9/projects/{PROJECT}", 405, "method_unknown")["error"]["message"]
    missing = api.error("GET", f"/v9/projects/{PROJECT}", 403, "forbidden", headers={"Authorization": ""})
    assert missing["error"]["missingToken"] is True
    wrong = api.error(
        "GET", f"/v9/projects/{PROJECT}", 403, "forbidden", headers={"Authorization": "Bearer abc"}
    )
    assert wrong["error"]["invalidToken"] is True

    fault = {
        "vendor": "vercel",
        "route": "/v10/projects/{idOrName}/env",
        "kind": "status",
        "status": 503,
        "times": 1,
    }
    sandbox.http.post("/_sandbox/faults", json=fault).raise_for_status()
    api.error("GET", ENV, 503, "internal_server_error")

    sandbox.http.post(
        "/_sandbox/ratelimits", json={"vendors": {"vercel": {"rate": 0.001, "burst": 1}}}
    ).raise_for_status()
    api.ok("GET", ENV, "filterProjectEnvs")
    limited = api("GET", ENV, None)
    body = assert_error(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) >= 1
    assert body["error"]["limit"]["remaining"] == 0 and body["error"]["limit"]["resetMs"] > 0


def test_unconfigured_rate_limits_never_apply(api: Api, sandbox: SandboxProcess, derrimut: Json) -> None:
    sandbox.http.post("/_sandbox/ratelimits", json={"enabled": True}).raise_for_status()
    for _ in range(30):
        api.ok("GET", f"/v9/projects/{PROJECT}", "getProject")


def test_team_scope_is_checked_on_every_route(api: Api, derrimut: Json) -> None:
    env_id = derrimut["env"][0]
    hook_id = derrimut["deploy_hooks"][0]
    routes = [
        ("GET", f"/v9/projects/{PROJECT}"),
        ("GET", f"/v10/projects/{PROJECT}"),
        ("POST", f"/v10/projects/{PROJECT}/env"),
        ("GET", f"/v10/projects/{PROJECT}/env"),
        ("GET", f"/v8/projects/{PROJECT}/env"),
        ("DELETE", f"/v1/projects/{PROJECT}/env"),
        ("GET", f"/v1/projects/{PROJECT}/env/{env_id}"),
        ("GET", f"/v10/projects/{PROJECT}/env/{env_id}"),
        ("PATCH", f"/v9/projects/{PROJECT}/env/{env_id}"),
        ("PATCH", f"/v10/projects/{PROJECT}/env/{env_id}"),
        ("DELETE", f"/v9/projects/{PROJECT}/env/{env_id}"),
        ("DELETE", f"/v8/projects/{PROJECT}/env/{env_id}"),
        ("POST", f"/v2/projects/{PROJECT_ID}/deploy-hooks"),
        ("DELETE", f"/v2/projects/{PROJECT_ID}/deploy-hooks/{hook_id}"),
    ]
    for method, path in routes:
        error = api.error(
            method, f"{path}?teamId=team_notyours0000000000000000", 403, "forbidden", team=False
        )
        assert "team_notyours" in error["error"]["message"]
        api.error(method, f"{path}?slug=not-yours", 403, "forbidden", team=False)
        api.error(method, path, 404, "not_found", team=False)
    assert (
        api.ok("GET", f"/v9/projects/{PROJECT}?slug=derrimut", "getProject", team=False)["id"] == PROJECT_ID
    )
    assert len(stored_env_ids(api)) == 24, "nothing changed"


def stored_env_ids(api: Api) -> list[str]:
    return [e["id"] for e in stored_project(api.sandbox)["env"]]


def test_upsert_over_two_vars_keeps_targets_disjoint(
    api: Api, sandbox: SandboxProcess, derrimut: Json
) -> None:
    before = [e for e in stored_project(sandbox)["env"] if e["key"] == "NEXT_PUBLIC_CONVEX_URL"]
    assert [e["target"] for e in before] == [["production"], ["preview", "development"]]
    body = terraform_env(
        "NEXT_PUBLIC_CONVEX_URL", "https://restored-1.convex.cloud", ["production", "preview"]
    )
    created = api.ok("POST", f"{ENV}?upsert=true", "createProjectEnv", 201, json=body)["created"]
    assert created["id"] == before[0]["id"] and created["target"] == ["production", "preview"]
    after = {e["id"]: e for e in stored_project(sandbox)["env"] if e["key"] == "NEXT_PUBLIC_CONVEX_URL"}
    assert after[before[0]["id"]]["value"] == "https://restored-1.convex.cloud"
    assert after[before[1]["id"]]["target"] == ["development"]
    assert after[before[1]["id"]]["value"] == "https://quiet-otter-512.convex.cloud"

    only_dev = terraform_env(
        "NEXT_PUBLIC_CONVEX_URL", "https://restored-2.convex.cloud", ["production", "development"]
    )
    api.ok("POST", f"{ENV}?upsert=true", "createProjectEnv", 201, json=only_dev)
    after = {e["id"]: e for e in stored_project(sandbox)["env"] if e["key"] == "NEXT_PUBLIC_CONVEX_URL"}
    assert list(after) == [before[0]["id"]], "the var left without a target is gone"
    assert after[before[0]["id"]]["target"] == ["production", "development"]


def test_list_filters_by_git_branch(api: Api, derrimut: Json) -> None:
    branch = terraform_env("PREVIEW_ONLY", "x", ["preview"], gitBranch="feature/x")
    env_id = api.ok("POST", ENV, "createProjectEnv", 201, json=branch)["created"]["id"]
    on_branch = api.ok("GET", f"{ENV}?gitBranch=feature/x", "filterProjectEnvs")["envs"]
    other = api.ok("GET", f"{ENV}?gitBranch=feature/y", "filterProjectEnvs")["envs"]
    assert env_id in {e["id"] for e in on_branch} and env_id not in {e["id"] for e in other}
    assert len(on_branch) == len(other) + 1 == 25
    assert next(e for e in on_branch if e["id"] == env_id)["gitBranch"] == "feature/x"
    assert api.ok("GET", f"{ENV}?customEnvironmentId=env_x", "filterProjectEnvs")["envs"] == []
    api.error("DELETE", f"/v9/projects/{PROJECT_ID}/env/{env_id}?customEnvironmentId=env_x", 404, "not_found")
