"""The derrimut fixture's Vercel team, as the SDK reads it and as the state stores it."""

from __future__ import annotations

from sandbox.core.accounts import keys
from tests.sandbox.vercel.conftest import PROJECT, TEAM, Json, VercelSdk, prod_squad_id, stored_project
from tests.support import SandboxProcess


def test_the_platform_project_and_its_env_vars(
    sandbox: SandboxProcess, vercel_sdk: VercelSdk, derrimut: Json
) -> None:
    listing = vercel_sdk.call(
        sandbox, "filterProjectEnvs", {"idOrName": PROJECT, "teamId": TEAM, "decrypt": "true"}
    )
    envs = listing["value"]["envs"]
    targets: dict[str, list[tuple[str, ...]]] = {}
    for env in envs:
        targets.setdefault(env["key"], []).append(tuple(env["target"]))
    assert sorted(targets["CONVEX_DEPLOY_KEY"]) == [("preview",), ("production",)]
    assert targets["NEXT_PUBLIC_VAPI_SQUAD_ID"] == [("production", "preview", "development")]
    for key in (
        "CLERK_SECRET_KEY",
        "CLERK_WEBHOOK_SECRET",
        "STRIPE_SECRET_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "VAPI_API_KEY",
        "GEMINI_API_KEY",
    ):
        assert any(e["type"] == "sensitive" for e in envs if e["key"] == key), key
    assert not any(e["type"] == "sensitive" and "development" in e["target"] for e in envs)
    assert {e["key"] for e in envs} >= {
        "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY",
        "NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY",
        "NEXT_PUBLIC_VAPI_PUBLIC_KEY",
    }

    stored = {(e["key"], tuple(e["target"])): e for e in stored_project(sandbox)["env"]}
    squad_id = prod_squad_id(sandbox)
    assert (
        stored[("NEXT_PUBLIC_VAPI_SQUAD_ID", ("production", "preview", "development"))]["value"] == squad_id
    ), "the app starts prod's voice agent"
    assert stored[("STRIPE_SECRET_KEY", ("production",))]["value"] == keys("stripe")["acct_derrimut_prod"]
    assert stored[("CLERK_SECRET_KEY", ("preview",))]["value"] == keys("clerk")["ins_derrimut_staging"]
    obvious_fakes = ("sandbox", ".convex.cloud", "5a4db0c5-0000-4000-8000-")
    assert all(any(m in e["value"] for m in obvious_fakes) or e["value"] == squad_id for e in stored.values())
    assert len(stored_project(sandbox)["link"]["deployHooks"]) == 1
