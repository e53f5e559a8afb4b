"""Matching declared Vercel variables to live ones for `pulumi import`, and reading ENV_CONFLICT failures."""

from __future__ import annotations

from backstop.plugin.model import parse_document
from backstop.runbook.adopt.vercel import conflicted_keys, import_file, plan, variable_urn
from tests.model.test_vercel import VALID

DOC = parse_document(VALID, "prod.yaml")


def live(key: str, targets: list[str], env_id: str, branch: str | None = None) -> dict[str, object]:
    return {"id": env_id, "key": key, "target": targets, "gitBranch": branch, "type": "encrypted"}


def test_declared_variables_match_live_ones_by_name_target_set_and_branch() -> None:
    found = plan(
        DOC,
        {
            "prj_Platform1": [
                live("NEXT_PUBLIC_CONVEX_URL", ["production"], "env_1"),
                live("CONVEX_DEPLOY_KEY", ["production"], "env_2"),
                live("CONVEX_DEPLOY_KEY", ["preview"], "env_3"),
                live("STRIPE_WEBHOOK_SECRET", ["production"], "env_4"),
            ]
        },
        managed=set(),
    )
    assert found.problems == []
    assert [(a.key, a.import_id) for a in found.adoptions] == [
        ("convex-url", "team_derrimut/prj_Platform1/env_1"),
        ("deploy-key", "team_derrimut/prj_Platform1/env_2"),
    ]


def test_variables_in_the_state_and_unresolved_followers_are_left_out() -> None:
    lives = {
        "prj_Platform1": [
            live("NEXT_PUBLIC_CONVEX_URL", ["production"], "env_1"),
            live("STRIPE_WEBHOOK_SECRET", ["production"], "env_4"),
        ]
    }
    managed = {variable_urn("prod", "convex-url")}
    assert plan(DOC, lives, managed).adoptions == []
    included = plan(DOC, lives, managed, include={"stripe-webhook-secret"})
    assert [a.key for a in included.adoptions] == ["stripe-webhook-secret"]


def test_a_live_variable_with_another_target_set_is_a_problem_not_an_adoption() -> None:
    found = plan(
        DOC, {"prj_Platform1": [live("NEXT_PUBLIC_CONVEX_URL", ["production", "preview"], "env_9")]}, set()
    )
    assert found.adoptions == []
    assert (
        "NEXT_PUBLIC_CONVEX_URL (production) in project platform: the live variable env_9"
        in found.problems[0]
    )


def test_import_file_parents_each_variable_under_the_component() -> None:
    found = plan(DOC, {"prj_Platform1": [live("NEXT_PUBLIC_CONVEX_URL", ["production"], "env_1")]}, set())
    document = import_file("prod", found.adoptions)
    assert document["nameTable"] == {
        "vercel": "urn:pulumi:prod::platform-config::backstop:components:VercelEnv::vercel"
    }
    assert document["resources"] == [
        {
            "type": "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable",
            "name": "vercel-env-convex-url",
            "id": "team_derrimut/prj_Platform1/env_1",
            "parent": "vercel",
        }
    ]


def test_conflicted_keys_come_from_the_engine_diagnostics() -> None:
    output = (
        " +  vercel:index:ProjectEnvironmentVariable vercel-env-deploy-key creating (0s) "
        "error: ENV_CONFLICT: already exists\n"
        "Diagnostics:\n"
        "  vercel:index:ProjectEnvironmentVariable (vercel-env-convex-url):\n"
        "    error: creating: A variable with the name `X` already exists (ENV_CONFLICT)\n"
        "  vercel:index:ProjectEnvironmentVariable (vercel-env-other):\n"
        "    error: timeout\n"
    )
    assert conflicted_keys(output) == {"deploy-key", "convex-url"}


def test_a_conflict_reported_under_the_stack_is_found_by_name_target_and_project() -> None:
    output = (
        "Diagnostics:\n"
        "  pulumi:pulumi:Stack (platform-config-prod):\n"
        "    error: update failed\n"
        "    error: Resource monitor has terminated, shutting down\n"
        "    error: Error creating project environment variable: Could not create project environment "
        "variable, unexpected error: ENV_CONFLICT - A variable with the name `STRIPE_WEBHOOK_SECRET` already "
        "exists for the target preview on branch undefined the conflicting environment variable ID is "
        "team_derrimut/prj_Platform1/env_9\n"
    )
    assert conflicted_keys(output, DOC) == {"stripe-webhook-secret-preview"}
    assert conflicted_keys(output) == set(), "without the document the variable can't be named"
    elsewhere = output.replace("prj_Platform1", "prj_Other")
    assert conflicted_keys(elsewhere, DOC) == set()
