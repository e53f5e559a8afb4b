"""Deployment environment variables: the pinned Convex CLI's `env set|get|list|remove` against the sandbox,
the backend's limits, and the derrimut fixture's variables (each webhook secret its HTTP actions verify
with is the live endpoint's)."""

from __future__ import annotations

import pytest

from tests.sandbox.convex.conftest import PROD, STAGING, ConvexCli, Json, admin, deployment_data, http
from tests.support import SandboxProcess

pytestmark = pytest.mark.e2e  # the real Convex CLI (node)


def test_the_cli_sets_lists_gets_and_removes_variables(convex: ConvexCli, sandbox: SandboxProcess) -> None:
    convex(sandbox, "env", "set", "GEMINI_MODEL", "gemini-2.5-flash")
    convex(sandbox, "env", "set", "FEATURE_FLAG=on")
    listed = convex(sandbox, "env", "list", "--include-values").output
    assert "FEATURE_FLAG=on" in listed and "GEMINI_MODEL=gemini-2.5-flash" in listed
    assert convex(sandbox, "env", "get", "GEMINI_MODEL").output.strip() == "gemini-2.5-flash"
    convex(sandbox, "env", "remove", "FEATURE_FLAG")
    rows = deployment_data(sandbox)["_environment_variables"]
    assert rows == {"GEMINI_MODEL": {"name": "GEMINI_MODEL", "value": "gemini-2.5-flash"}}
    assert "_environment_variables" not in sandbox.dump()["convex"].get(PROD, {}), "one deployment's own"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"name": "1ST", "value": "x"}, "EnvironmentVariableNameInvalid"),
        ({"name": "A" * 257, "value": "x"}, "EnvironmentVariableNameTooLong"),
        ({"name": "BIG", "value": "x" * (8 * 1024 + 1)}, "EnvironmentVariableValueTooLarge"),
        ({"name": "CONVEX_SITE_URL", "value": "x"}, "EnvVarNameForbidden"),
    ],
)
def test_the_backends_limits_refuse_the_whole_request(
    sandbox: SandboxProcess, change: Json, code: str
) -> None:
    with http(sandbox) as client:
        body = {"changes": [{"name": "FIRST", "value": "kept out too"}, change]}
        response = client.post(
            f"/convex/{STAGING}/api/update_environment_variables", headers=admin(), json=body
        )
    assert response.status_code == 400 and response.json()["code"] == code
    assert (
        "_environment_variables" not in deployment_data(sandbox)
        or not deployment_data(sandbox)["_environment_variables"]
    )


def test_the_fixture_sets_the_secrets_the_http_actions_verify_with(
    sandbox: SandboxProcess, derrimut: Json
) -> None:
    dump = sandbox.dump()
    for deployment, account, instance in (
        (PROD, "acct_derrimut_prod", "ins_derrimut_prod"),
        (STAGING, "acct_derrimut_staging", "ins_derrimut_staging"),
    ):
        site = f"https://{deployment}.convex.site"
        env = {n: r["value"] for n, r in dump["convex"][deployment]["_environment_variables"].items()}
        (stripe_secret,) = [
            e["secret"]
            for e in dump["stripe"][account]["webhook_endpoints"].values()
            if e["url"].startswith(site)
        ]
        (svix_secret,) = [
            e["secret"] for e in dump["svix"][instance]["endpoints"].values() if e["url"].startswith(site)
        ]
        assert env["STRIPE_WEBHOOK_SECRET"] == stripe_secret and env["CLERK_WEBHOOK_SECRET"] == svix_secret
        assert derrimut[deployment]["environment_variables"] == sorted(env)
