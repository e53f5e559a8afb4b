"""`ProjectEnvironmentVariable` behaves as terraform-provider-vercel's resource does, against the
sandbox: ENV_CONFLICT naming the clashing var in import form, both import id formats, sensitive values
never read back, a vanished var refreshed to an empty id, in-place updates and replacements."""

from __future__ import annotations

import asyncio

import pytest
from pulumi.provider.experimental.provider import (
    CheckRequest,
    CreateRequest,
    DeleteRequest,
    DiffRequest,
    PropertyDiffKind,
    ReadRequest,
    UpdateRequest,
)

from sandbox.vercel_plugin import project_environment_variable as single
from sandbox.vercel_plugin.errors import PluginError
from sandbox.vercel_plugin.props import UNKNOWN, plain_map, wire_map
from sandbox.vercel_plugin.provider import VercelProvider
from tests.sandbox.vercel_plugin.conftest import PROJECT_ID, TEAM, Json, inputs, live, project_envs, run, urn
from tests.support import SandboxProcess

ENCRYPTED: Json = {
    "key": "BACKSTOP_PROBE_URL",
    "projectId": PROJECT_ID,
    "sensitive": False,
    "targets": ["production", "preview"],
    "value": "https://probe.example.com/one",
}
SENSITIVE: Json = {
    "key": "BACKSTOP_PROBE_SECRET",
    "projectId": PROJECT_ID,
    "sensitive": True,
    "targets": ["production"],
    "value": "canary-sensitive-51f0",
}


async def create(provider: VercelProvider, name: str, declared: Json) -> tuple[str, Json]:
    created = await provider.create(CreateRequest(urn(name), inputs(**declared), 60, False))
    return created.resource_id or "", plain_map(created.properties)


async def refresh(
    provider: VercelProvider, name: str, env_id: str, state: Json, declared: Json
) -> tuple[str, Json]:
    read = await provider.read(ReadRequest(urn(name), env_id, inputs(**state), inputs(**declared)))
    return read.resource_id or "", plain_map(read.properties)


def edit_live(sandbox: SandboxProcess, env_id: str, **changes: object) -> None:
    """An out-of-band change, as a dashboard user makes it: dump, edit, load."""
    data = sandbox.dump()
    for env in data["vercel"][TEAM]["projects"][PROJECT_ID]["env"]:
        if env["id"] == env_id:
            env.update(changes, updatedAt=env["updatedAt"] + 1000)
    sandbox.load(data)


def failure(sandbox: SandboxProcess, steps: object, **config: object) -> str:
    with pytest.raises(PluginError) as caught:
        run(sandbox, steps, **config)  # type: ignore[arg-type]
    return str(caught.value)


@pytest.mark.parametrize("own_team", [False, True])
def test_a_key_and_target_that_exist_fail_with_env_conflict_naming_the_var(
    sandbox: SandboxProcess, derrimut: Json, own_team: bool
) -> None:
    existing = live(sandbox, "NEXT_PUBLIC_CONVEX_URL", "production")
    clash = {
        "key": "NEXT_PUBLIC_CONVEX_URL",
        "projectId": PROJECT_ID,
        "sensitive": False,
        "targets": ["production", "development"],
        "value": "https://other.convex.cloud",
        **({"teamId": TEAM} if own_team else {}),
    }

    async def steps(provider: VercelProvider) -> None:
        await create(provider, "clash", clash)

    message = failure(sandbox, steps)
    import_id = f"{TEAM}/{PROJECT_ID}/{existing['id']}" if own_team else f"{PROJECT_ID}/{existing['id']}"
    assert message == (
        "Error creating project environment variable: Could not create project environment variable, "
        "unexpected error: ENV_CONFLICT - A variable with the name `NEXT_PUBLIC_CONVEX_URL` already exists "
        f"for the target production on branch undefined the conflicting environment variable ID is {import_id}"
    )
    assert [e["value"] for e in project_envs(sandbox) if e["key"] == "NEXT_PUBLIC_CONVEX_URL"] == [
        "https://spotted-gerbil-236.convex.cloud",
        "https://quiet-otter-512.convex.cloud",
    ]


def test_a_project_outside_the_scope_is_not_found(sandbox: SandboxProcess, derrimut: Json) -> None:
    async def steps(provider: VercelProvider) -> None:
        await create(provider, "nowhere", {**ENCRYPTED, "projectId": "prj_missing"})

    assert failure(sandbox, steps) == (
        "Error creating project environment variable: Could not find project, please make sure both the "
        "project_id and team_id match the project and team you wish to deploy to."
    )

    async def personal(provider: VercelProvider) -> None:
        await create(provider, "personal", ENCRYPTED)

    assert "Could not find project" in failure(sandbox, personal, team=None)


def test_import_takes_both_id_formats_and_imports_a_sensitive_value_as_null(
    sandbox: SandboxProcess, derrimut: Json
) -> None:
    encrypted = live(sandbox, "NEXT_PUBLIC_CONVEX_URL", "production")
    sensitive = live(sandbox, "GEMINI_API_KEY", "production")

    async def steps(provider: VercelProvider) -> list[tuple[str, Json, Json]]:
        out = []
        for import_id in (f"{PROJECT_ID}/{encrypted['id']}", f"{TEAM}/{PROJECT_ID}/{sensitive['id']}"):
            read = await provider.read(ReadRequest(urn("imported"), import_id, {}, {}))
            out.append((read.resource_id or "", plain_map(read.properties), plain_map(read.inputs)))
        return out

    (first_id, first, first_inputs), (second_id, second, second_inputs) = run(sandbox, steps)
    assert first_id == encrypted["id"] and second_id == sensitive["id"]
    assert first == {
        "comment": "",
        "customEnvironmentIds": [],
        "key": "NEXT_PUBLIC_CONVEX_URL",
        "projectId": PROJECT_ID,
        "sensitive": False,
        "targets": ["production"],
        "teamId": TEAM,
        "value": "https://spotted-gerbil-236.convex.cloud",
    }
    assert first_inputs == {k: v for k, v in first.items() if k != "customEnvironmentIds"}
    assert "value" not in second and second["teamId"] == TEAM and second["visibility"] == "secret"
    assert second["targets"] == ["preview", "production"] and second["sensitive"] is True
    assert "value" not in second_inputs


def test_without_a_provider_team_only_the_id_with_the_team_imports(
    sandbox: SandboxProcess, derrimut: Json
) -> None:
    env_id = live(sandbox, "GEMINI_API_KEY", "production")["id"]

    async def with_team(provider: VercelProvider) -> str:
        read = await provider.read(ReadRequest(urn("imported"), f"{TEAM}/{PROJECT_ID}/{env_id}", {}, {}))
        return read.resource_id or ""

    async def without(provider: VercelProvider) -> None:
        await provider.read(ReadRequest(urn("imported"), f"{PROJECT_ID}/{env_id}", {}, {}))

    assert run(sandbox, with_team, team=None) == env_id
    assert failure(sandbox, without, team=None) == (
        "Error reading project environment variable: Could not get project environment variable  "
        f"{PROJECT_ID} {env_id}, unexpected error: not_found - Project not found"
    )


@pytest.mark.parametrize("bad", ["FdT2e1E5Of6Cihmt", "a/b/c/d"])
def test_an_import_id_in_another_format_is_refused(sandbox: SandboxProcess, bad: str) -> None:
    async def steps(provider: VercelProvider) -> None:
        await provider.read(ReadRequest(urn("imported"), bad, {}, {}))

    assert failure(sandbox, steps) == (
        f"Error importing project environment variable: Invalid id '{bad}' specified. should be in "
        'format "team_id/project_id/env_id" or "project_id/env_id"'
    )
    assert sandbox.requests()["by_vendor"].get("vercel", 0) == 0


def test_sensitive_values_are_never_read_back_and_encrypted_ones_are(
    sandbox: SandboxProcess, derrimut: Json
) -> None:
    async def create_both(provider: VercelProvider) -> dict[str, tuple[str, Json]]:
        return {
            "enc": await create(provider, "enc", ENCRYPTED),
            "sens": await create(provider, "sens", SENSITIVE),
        }

    made = run(sandbox, create_both)
    edit_live(sandbox, made["enc"][0], value="https://changed.example.com/")
    edit_live(sandbox, made["sens"][0], value="changed-out-of-band")

    async def refresh_both(provider: VercelProvider) -> dict[str, Json]:
        return {
            "enc": (await refresh(provider, "enc", *made["enc"], ENCRYPTED))[1],
            "sens": (await refresh(provider, "sens", *made["sens"], SENSITIVE))[1],
        }

    sandbox.http.delete("/_sandbox/requests").raise_for_status()
    fresh = run(sandbox, refresh_both)
    assert fresh["enc"]["value"] == "https://changed.example.com/"
    assert fresh["sens"]["value"] == "canary-sensitive-51f0", "the state keeps the value applied last"
    assert live(sandbox, SENSITIVE["key"], "production")["value"] == "changed-out-of-band"
    log = sandbox.requests()
    assert (log["mutating"], log["by_route"]) == (0, {"vercel GET /v10/projects/{idOrName}/env/{id}": 2})


def test_a_variable_that_is_gone_refreshes_to_an_empty_id_and_deletes_as_done(
    sandbox: SandboxProcess, derrimut: Json
) -> None:
    async def steps(provider: VercelProvider) -> tuple[str, str]:
        env_id, state = await create(provider, "gone", ENCRYPTED)
        await provider.delete(DeleteRequest(urn("gone"), env_id, inputs(**state), 60))
        refreshed, _ = await refresh(provider, "gone", env_id, state, ENCRYPTED)
        await provider.delete(DeleteRequest(urn("gone"), env_id, inputs(**state), 60))
        return env_id, refreshed

    env_id, refreshed = run(sandbox, steps)
    assert env_id and refreshed == ""
    assert all(e["key"] != ENCRYPTED["key"] for e in project_envs(sandbox))


def test_value_targets_and_comment_update_in_place(sandbox: SandboxProcess, derrimut: Json) -> None:
    changed = {**ENCRYPTED, "value": "https://probe.example.com/two", "targets": ["preview"], "comment": "c"}

    async def steps(provider: VercelProvider) -> tuple[str, Json, list[str]]:
        env_id, state = await create(provider, "upd", ENCRYPTED)
        checked = await provider.check(CheckRequest(urn("upd"), {}, inputs(**changed), b""))
        assert not checked.failures and checked.inputs is not None
        diff = await provider.diff(_diff_request(env_id, state, changed))
        assert diff.replaces == []
        updated = await provider.update(
            UpdateRequest(urn("upd"), env_id, inputs(**state), checked.inputs, 60, [], False)
        )
        return env_id, plain_map(updated.properties), sorted(diff.diffs)

    env_id, state, diffs = run(sandbox, steps)
    assert diffs == ["comment", "targets", "value"]
    stored = live(sandbox, ENCRYPTED["key"], "preview")
    assert (stored["id"], stored["value"], stored["target"], stored["comment"]) == (
        env_id,
        "https://probe.example.com/two",
        ["preview"],
        "c",
    )
    assert (state["value"], state["targets"], state["comment"]) == (changed["value"], ["preview"], "c")


def _diff_request(env_id: str, state: Json, news: Json) -> DiffRequest:
    return DiffRequest(urn("upd"), env_id, inputs(**state), inputs(**news), [])


@pytest.mark.parametrize(
    ("change", "replaces"),
    [
        ({"key": "OTHER"}, ["key"]),
        ({"projectId": "prj_other"}, ["projectId"]),
        ({"sensitive": True}, ["sensitive"]),
        ({"teamId": "team_other"}, ["teamId"]),
        ({"customEnvironmentIds": ["env_1"]}, ["customEnvironmentIds"]),
        ({"value": "new"}, []),
        ({"gitBranch": "main", "targets": ["preview"]}, []),
    ],
)
def test_what_replaces_and_what_updates(change: Json, replaces: list[str]) -> None:
    state = single.state_of(
        {"id": "e1", "key": "K", "type": "encrypted", "value": "v", "target": ["production", "preview"]},
        PROJECT_ID,
        TEAM,
        "v",
        None,
    )
    declared = {"key": "K", "projectId": PROJECT_ID, "sensitive": False, "targets": ["preview", "production"]}
    same = single.diff(wire_map(state), inputs(**declared, value="v"))
    assert same.changes is False, "reordered targets, and unset teamId and comment, are no change"
    diff = single.diff(wire_map(state), inputs(**{**declared, "value": "v", **change}))
    assert diff.changes is True and diff.replaces == replaces
    assert diff.delete_before_replace is False, "the bridge creates the replacement first"
    kinds = {k: v.kind for k, v in diff.detailed_diff.items()}
    assert all(
        (kind in (PropertyDiffKind.UPDATE_REPLACE, PropertyDiffKind.ADD_REPLACE)) == (name in replaces)
        for name, kind in kinds.items()
    )


def test_check_reports_each_bad_input_by_property() -> None:
    checked = asyncio.run(
        VercelProvider("http://127.0.0.1:9/vercel").check(
            CheckRequest(
                urn("bad"),
                {},
                inputs(
                    key="K",
                    sensitive=True,
                    targets=["staging"],
                    value="a",
                    valueWo="b",
                    comment="x" * 1001,
                    visibility="config",
                ),
                b"",
            )
        )
    )
    assert sorted((f.property, f.reason) for f in checked.failures or []) == [
        ("comment", "string length must be between 0 and 1000, got: 1001"),
        ("projectId", "Missing required property 'projectId'"),
        ("targets[0]", 'value must be one of: ["production" "preview" "development"], got: "staging"'),
        ("value", "2 attributes specified when one (and only one) of [value,valueWo] is required"),
        ("visibility", "`visibility` must be `secret` when `sensitive` is true."),
    ]


def test_a_value_not_known_yet_previews_as_an_in_place_update_or_a_pending_create() -> None:
    """A value from another resource's output (a webhook endpoint's new secret) is unknown in a preview."""
    pending = wire_map({**SENSITIVE, "value": UNKNOWN}, {"value"})
    provider = VercelProvider("http://127.0.0.1:9/vercel")
    checked = asyncio.run(provider.check(CheckRequest(urn("pending"), {}, pending, b"")))
    assert not checked.failures
    state = single.state_of(
        {"id": "e1", "key": SENSITIVE["key"], "type": "sensitive"}, PROJECT_ID, TEAM, "old", None
    )
    state["targets"] = ["production"]
    diff = single.diff(wire_map(state), pending)
    assert (diff.replaces, diff.diffs) == ([], ["value"])
    created = asyncio.run(provider.create(CreateRequest(urn("pending"), pending, 60, True)))
    assert created.resource_id == "" and created.properties["value"].is_secret
    assert plain_map(created.properties)["value"] is UNKNOWN
    assert plain_map(created.properties)["teamId"] is UNKNOWN, "the team is the provider's, known at apply"
