"""Deploy hooks over raw HTTP, shaped as terraform-provider-vercel's client sends them (the hooks are not
in @vercel/sdk; the Project they answer is validated by the SDK's getProject schema), and triggering one."""

from __future__ import annotations

import httpx

from tests.sandbox.vercel.conftest import PROJECT, PROJECT_ID, Api, Json, assert_error, stored_project
from tests.support import SandboxProcess

HOOKS = f"/v2/projects/{PROJECT_ID}/deploy-hooks"


def deployments(sandbox: SandboxProcess) -> list[Json]:
    return list(sandbox.dump()["vercel"]["team_derrimut"].get("deployments", {}).values())


def test_create_returns_the_project_with_the_new_hook_last(api: Api, derrimut: Json) -> None:
    project = api.ok("POST", HOOKS, "getProject", json={"name": "preview-rebuild", "ref": "staging"})
    hooks = project["link"]["deployHooks"]
    assert [h["name"] for h in hooks] == ["backstop-redeploy-production", "preview-rebuild"]
    newest = hooks[-1]
    assert newest["ref"] == "staging" and len(newest["id"]) == 10 and newest["createdAt"] > 0
    assert newest["url"] == f"{api.sandbox.url}/vercel/v1/integrations/deploy/{PROJECT_ID}/{newest['id']}"
    # terraform finds its hook by name and ref, newest first: a same-named hook later wins.
    again = api.ok("POST", HOOKS, "getProject", json={"name": "preview-rebuild", "ref": "staging"})
    assert again["link"]["deployHooks"][-1]["id"] != newest["id"]
    stored = stored_project(api.sandbox)["link"]["deployHooks"][-1]
    assert set(stored) == {"id", "name", "ref", "createdAt"}, "the URL is derived from where the sandbox runs"


def test_delete_and_errors(api: Api, derrimut: Json) -> None:
    hook_id = derrimut["deploy_hooks"][0]
    project = api.ok("DELETE", f"{HOOKS}/{hook_id}", "getProject")
    assert project["link"]["deployHooks"] == []
    api.error("DELETE", f"{HOOKS}/{hook_id}", 404, "not_found")
    api.error(
        "POST", "/v2/projects/prj_missing/deploy-hooks", 404, "not_found", json={"name": "a", "ref": "main"}
    )
    for body in (
        {"name": "a"},
        {"ref": "main"},
        {"name": "", "ref": "main"},
        {"name": "a", "ref": "main", "x": 1},
    ):
        api.error("POST", HOOKS, 400, "bad_request", json=body)


def test_triggering_a_hook_queues_a_deployment(api: Api, sandbox: SandboxProcess, derrimut: Json) -> None:
    preview = api.ok("POST", HOOKS, "getProject", json={"name": "preview", "ref": "staging"})["link"][
        "deployHooks"
    ][-1]
    production = api.ok("GET", f"/v9/projects/{PROJECT}", "getProject")["link"]["deployHooks"][0]
    sandbox.http.delete("/_sandbox/requests")

    for hook in (production, preview):
        response = httpx.post(hook["url"], timeout=10)  # no token: the URL is the secret
        assert response.status_code == 201, response.text
        job = response.json()["job"]
        assert set(response.json()) == {"job"} and set(job) == {"id", "state", "createdAt"}
        assert job["state"] == "PENDING" and len(job["id"]) == 20 and job["createdAt"] > 0

    queued = deployments(sandbox)
    assert [d["meta"]["deployHookId"] for d in queued] == [production["id"], preview["id"]]
    assert [d["target"] for d in queued] == ["production", None]
    assert all(
        d["projectId"] == PROJECT_ID and d["state"] == "QUEUED" and d["id"].startswith("dpl_") for d in queued
    )
    log = sandbox.requests()["by_route"]
    assert log == {"vercel POST /v1/integrations/deploy/{projectId}/{hookId}": 2}

    assert httpx.post(f"{production['url']}?buildCache=false", timeout=10).status_code == 201
    assert_error(httpx.post(f"{production['url']}?buildCache=maybe", timeout=10), 400, "bad_request")
    assert_error(httpx.post(f"{production['url']}?force=1", timeout=10), 400, "bad_request")
    assert len(deployments(sandbox)) == 3


def test_unknown_or_deleted_hooks_do_not_deploy(api: Api, sandbox: SandboxProcess, derrimut: Json) -> None:
    hook = api.ok("GET", f"/v9/projects/{PROJECT}", "getProject")["link"]["deployHooks"][0]
    api.ok("DELETE", f"{HOOKS}/{hook['id']}", "getProject")
    assert_error(httpx.post(hook["url"], timeout=10), 404, "not_found")
    assert_error(
        httpx.post(f"{sandbox.url}/vercel/v1/integrations/deploy/prj_x/abc", timeout=10), 404, "not_found"
    )
    assert deployments(sandbox) == []
