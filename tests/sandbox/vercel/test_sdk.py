"""The sandbox's Vercel projects and env vars through the official @vercel/sdk 1.28.35 (its standalone
functions), whose zod schemas, applied strictly by the driver, validate every response."""

from __future__ import annotations

from typing import Any

from tests.sandbox.vercel.conftest import (
    PROJECT,
    PROJECT_ID,
    SLUG,
    TEAM,
    Json,
    VercelSdk,
    prod_squad_id,
    stored_env,
    stored_project,
)
from tests.support import SandboxProcess

SCOPE = {"idOrName": PROJECT, "teamId": TEAM}


def env(key: str, value: str, type_: str = "encrypted", target: list[str] | None = None, **more: Any) -> Json:
    return {"key": key, "value": value, "type": type_, "target": target or ["production"], **more}


def by_key(envs: list[Json], key: str) -> list[Json]:
    return [e for e in envs if e["key"] == key]


def test_get_project_by_name_and_by_id(
    sandbox: SandboxProcess, vercel_sdk: VercelSdk, derrimut: Json
) -> None:
    by_name, by_id, missing = vercel_sdk.run(
        sandbox,
        [
            {"call": "getProject", "request": SCOPE},
            {"call": "getProject", "request": {"idOrName": PROJECT_ID, "slug": SLUG}},
            {"call": "getProject", "request": {"idOrName": "no-such-project", "teamId": TEAM}},
        ],
    )
    assert by_name["path"] == f"/vercel/v9/projects/{PROJECT}?teamId={TEAM}"
    project = by_name["value"]
    assert project["id"] == PROJECT_ID and project["name"] == PROJECT and project["accountId"] == TEAM
    assert by_id["value"]["id"] == PROJECT_ID
    hooks = project["link"]["deployHooks"]
    assert [h["id"] for h in hooks] == derrimut["deploy_hooks"]
    assert hooks[0]["url"] == f"{sandbox.url}/vercel/v1/integrations/deploy/{PROJECT_ID}/{hooks[0]['id']}"
    assert len(project["env"]) == len(derrimut["env"])
    assert not missing["ok"] and missing["status"] == 404
    assert missing["body"] == {"error": {"code": "not_found", "message": "Project not found"}}


def test_create_one_then_many_with_a_conflict_then_upsert(
    sandbox: SandboxProcess, vercel_sdk: VercelSdk, derrimut: Json
) -> None:
    one, many, again, upserted = vercel_sdk.run(
        sandbox,
        [
            {"call": "createProjectEnv", "request": {**SCOPE, "requestBody": env("FEATURE_FLAGS", "a,b")}},
            {
                "call": "createProjectEnv",
                "request": {
                    **SCOPE,
                    "requestBody": [
                        env("SENTRY_DSN", "https://sentry.example/1", target=["production", "preview"]),
                        env("FEATURE_FLAGS", "c", target=["production", "development"]),
                        env("LOG_LEVEL", "debug", "plain", ["development"], comment="local only"),
                    ],
                },
            },
            {"call": "createProjectEnv", "request": {**SCOPE, "requestBody": env("FEATURE_FLAGS", "d")}},
            {
                "call": "createProjectEnv",
                "request": {
                    **SCOPE,
                    "upsert": "true",
                    "requestBody": env("FEATURE_FLAGS", "e", comment="new"),
                },
            },
        ],
    )
    assert one["status"] == 201 and one["path"].startswith(f"/vercel/v10/projects/{PROJECT}/env?")
    created = one["value"]["created"]
    assert isinstance(created, dict) and one["value"]["failed"] == []
    assert created["key"] == "FEATURE_FLAGS" and created["target"] == ["production"]
    assert created["value"] != "a,b" and created["decrypted"] is False, "create answers ciphertext"
    assert len(created["id"]) == 16 and created["id"].isalnum()
    assert created["createdAt"] == created["updatedAt"] > 1_600_000_000_000, "ms timestamps"

    assert many["status"] == 201, "a partial failure is still 201"
    assert [e["key"] for e in many["value"]["created"]] == ["SENTRY_DSN", "LOG_LEVEL"]
    assert many["value"]["created"][1]["value"] == "debug", "plain values are not encrypted"
    [failure] = many["value"]["failed"]
    assert failure["error"]["code"] == "ENV_CONFLICT"
    assert failure["error"]["envVarKey"] == "FEATURE_FLAGS" and failure["error"]["target"] == ["production"]
    assert failure["error"]["envVarId"] == created["id"]

    assert not again["ok"] and again["status"] == 400 and again["body"]["error"]["code"] == "ENV_CONFLICT"

    assert upserted["status"] == 201
    kept = upserted["value"]["created"]
    assert kept["id"] == created["id"] and kept["comment"] == "new"
    assert kept["createdAt"] == created["createdAt"] and kept["updatedAt"] > created["updatedAt"]
    assert stored_env(sandbox, created["id"])["value"] == "e"
    assert len(by_key(stored_project(sandbox)["env"], "FEATURE_FLAGS")) == 1


def test_list_encrypts_unless_decrypt_and_never_shows_sensitive_values(
    sandbox: SandboxProcess, vercel_sdk: VercelSdk, derrimut: Json
) -> None:
    plain, decrypted = vercel_sdk.run(
        sandbox,
        [
            {"call": "filterProjectEnvs", "request": SCOPE},
            {"call": "filterProjectEnvs", "request": {**SCOPE, "decrypt": "true"}},
        ],
    )
    assert decrypted["path"] == f"/vercel/v10/projects/{PROJECT}/env?decrypt=true&teamId={TEAM}"
    for result in (plain, decrypted):
        envs = result["value"]["envs"]
        assert len(envs) == len(derrimut["env"])
        assert result["value"]["pagination"] == {
            "count": len(envs),
            "next": None,
            "prev": envs[0]["createdAt"],
        }
        assert [e["createdAt"] for e in envs] == sorted((e["createdAt"] for e in envs), reverse=True)
        for item in envs:
            if item["type"] == "sensitive":
                assert item["value"] == "" and item["decrypted"] is False
    convex = {tuple(e["target"]): e for e in by_key(decrypted["value"]["envs"], "NEXT_PUBLIC_CONVEX_URL")}
    assert convex[("production",)]["value"] == "https://spotted-gerbil-236.convex.cloud"
    assert convex[("preview", "development")]["value"] == "https://quiet-otter-512.convex.cloud"
    assert convex[("production",)]["decrypted"] is True
    encrypted = {tuple(e["target"]): e for e in by_key(plain["value"]["envs"], "NEXT_PUBLIC_CONVEX_URL")}
    assert "convex.cloud" not in encrypted[("production",)]["value"]
    assert encrypted[("production",)]["decrypted"] is False
    [squad] = by_key(plain["value"]["envs"], "NEXT_PUBLIC_VAPI_SQUAD_ID")
    assert squad["value"] == prod_squad_id(sandbox), "plain vars read back as they are"


def test_get_one_decrypts_except_sensitive(
    sandbox: SandboxProcess, vercel_sdk: VercelSdk, derrimut: Json
) -> None:
    envs = stored_project(sandbox)["env"]
    convex = by_key(envs, "NEXT_PUBLIC_CONVEX_URL")[0]
    secret = by_key(envs, "STRIPE_SECRET_KEY")[0]
    readable, hidden, missing = vercel_sdk.run(
        sandbox,
        [
            {"call": "getProjectEnv", "request": {**SCOPE, "id": convex["id"]}},
            {"call": "getProjectEnv", "request": {**SCOPE, "id": secret["id"]}},
            {"call": "getProjectEnv", "request": {**SCOPE, "id": "0000000000000000"}},
        ],
    )
    assert readable["path"] == f"/vercel/v1/projects/{PROJECT}/env/{convex['id']}?teamId={TEAM}"
    assert readable["value"]["value"] == convex["value"] and readable["value"]["decrypted"] is True
    assert secret["type"] == "sensitive" and secret["value"].startswith("sk_live_sandbox")
    assert "value" not in hidden["raw"] and hidden["raw"]["decrypted"] is False
    assert secret["value"] not in str(hidden["raw"])
    assert not missing["ok"] and missing["status"] == 404 and missing["body"]["error"]["code"] == "not_found"


def test_edit_moves_updated_at_and_answers_ciphertext(
    sandbox: SandboxProcess, vercel_sdk: VercelSdk, derrimut: Json
) -> None:
    before = by_key(stored_project(sandbox)["env"], "NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY")[0]
    first, second, conflict = vercel_sdk.run(
        sandbox,
        [
            {
                "call": "editProjectEnv",
                "request": {**SCOPE, "id": before["id"], "requestBody": {"value": "pk_live_sandbox_rotated"}},
            },
            {
                "call": "editProjectEnv",
                "request": {
                    **SCOPE,
                    "id": before["id"],
                    "requestBody": {"comment": "rotated by the drill", "target": ["production"]},
                },
            },
            {
                "call": "editProjectEnv",
                "request": {
                    **SCOPE,
                    "id": before["id"],
                    "requestBody": {"target": ["production", "preview"]},
                },
            },
        ],
    )
    assert first["method"] == "PATCH" and first["path"].startswith(f"/vercel/v9/projects/{PROJECT}/env/")
    assert first["value"]["value"] not in ("pk_live_sandbox_rotated", before["value"])
    assert before["updatedAt"] < first["value"]["updatedAt"] < second["value"]["updatedAt"]
    assert (
        second["value"]["createdAt"] == before["createdAt"]
        and second["value"]["comment"] == "rotated by the drill"
    )
    assert second["value"]["value"] != first["value"]["value"], "new ciphertext after every edit"
    after = stored_env(sandbox, before["id"])
    assert after["value"] == "pk_live_sandbox_rotated" and after["updatedAt"] == second["value"]["updatedAt"]
    assert not conflict["ok"] and conflict["status"] == 400
    assert conflict["body"]["error"]["code"] == "ENV_CONFLICT" and conflict["body"]["error"]["target"] == [
        "preview"
    ]


def test_remove_one_and_batch_remove(sandbox: SandboxProcess, vercel_sdk: VercelSdk, derrimut: Json) -> None:
    envs = stored_project(sandbox)["env"]
    gemini = by_key(envs, "GEMINI_API_KEY")
    webhook = by_key(envs, "STRIPE_WEBHOOK_SECRET")[0]
    removed, gone, batch, rest = vercel_sdk.run(
        sandbox,
        [
            {"call": "removeProjectEnv", "request": {**SCOPE, "id": webhook["id"]}},
            {"call": "getProjectEnv", "request": {**SCOPE, "id": webhook["id"]}},
            {
                "call": "batchRemoveProjectEnv",
                "request": {
                    **SCOPE,
                    "requestBody": {"ids": [e["id"] for e in gemini] + ["0000000000000000"]},
                },
            },
            {"call": "filterProjectEnvs", "request": SCOPE},
        ],
    )
    assert removed["method"] == "DELETE" and removed["path"].startswith(f"/vercel/v9/projects/{PROJECT}/env/")
    assert removed["value"]["id"] == webhook["id"] and removed["value"]["key"] == "STRIPE_WEBHOOK_SECRET"
    assert removed["value"]["value"] == "", "a removed sensitive var still hides its value"
    assert not gone["ok"] and gone["status"] == 404
    assert batch["path"] == f"/vercel/v1/projects/{PROJECT}/env?teamId={TEAM}"
    assert batch["value"] == {"deleted": 2, "ids": [e["id"] for e in gemini]}
    left = {e["id"] for e in rest["value"]["envs"]}
    assert len(left) == len(derrimut["env"]) - 3 and webhook["id"] not in left
    assert {e["id"] for e in stored_project(sandbox)["env"]} == left


def test_the_sdk_reports_the_team_checks(
    sandbox: SandboxProcess, vercel_sdk: VercelSdk, derrimut: Json
) -> None:
    other_team, other_slug, personal, bad_token = vercel_sdk.run(
        sandbox,
        [
            {
                "call": "filterProjectEnvs",
                "request": {"idOrName": PROJECT, "teamId": "team_someoneelse0000000000000"},
            },
            {"call": "getProject", "request": {"idOrName": PROJECT, "slug": "someone-else"}},
            {"call": "getProject", "request": {"idOrName": PROJECT}},
        ],
    ) + vercel_sdk.run(sandbox, [{"call": "getProject", "request": SCOPE}], token="not-a-sandbox-token")
    assert (other_team["status"], other_team["body"]["error"]["code"]) == (403, "forbidden")
    assert (other_slug["status"], other_slug["body"]["error"]["code"]) == (403, "forbidden")
    assert (personal["status"], personal["body"]["error"]["code"]) == (404, "not_found")
    assert bad_token["status"] == 403 and bad_token["body"]["error"]["invalidToken"] is True
