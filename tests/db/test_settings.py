"""A stack's database settings: every problem named by config file and key, never a secret's value."""

from __future__ import annotations

import pytest
from pyrage import x25519

from backstop.plugin.model.errors import DesiredStateError
from backstop.runbook.db.settings import declared, resolve

KEY = str(x25519.Identity.generate())
ADMIN = "prod:spotted-gerbil-236|canary-admin-key-0001"


def config(**values: str) -> dict[str, str | None]:
    return {f"platform-config:{k}": v for k, v in values.items()}


def test_url_from_config_then_sandbox_base_then_convex_cloud() -> None:
    values = config(convexDeployment="spotted-gerbil-236", convexAdminKey=ADMIN, dbBackupKey=KEY)
    assert resolve("prod", values, {}).url == "https://spotted-gerbil-236.convex.cloud"
    sandbox = resolve("prod", values, {"BACKSTOP_CONVEX_BASE_URL": "http://127.0.0.1:9/convex/"})
    assert sandbox.url == "http://127.0.0.1:9/convex/spotted-gerbil-236"
    explicit = {**values, "platform-config:convexUrl": "https://db.example.com"}
    assert resolve("prod", explicit, {"BACKSTOP_CONVEX_BASE_URL": "http://x"}).url == "https://db.example.com"
    assert ADMIN not in repr(sandbox) and KEY not in repr(sandbox)


def test_the_admin_key_may_come_from_the_environment() -> None:
    values = config(convexDeployment="quiet-otter-512", dbBackupKey=KEY)
    assert resolve("staging", values, {"BACKSTOP_CONVEX_ADMIN_KEY": ADMIN}).admin_key == ADMIN


def test_every_problem_names_the_file_and_key_without_the_secret() -> None:
    with pytest.raises(DesiredStateError) as caught:
        resolve("prod", config(convexDeployment="Not A Name", dbBackupKey="AGE-SECRET-KEY-1canary"), {})
    text = str(caught.value)
    assert (
        "Pulumi.prod.yaml: config.platform-config:convexDeployment: 'Not A Name' is not a deployment name"
        in text
    )
    assert "config.backstop:convexAdminKey: missing" in text
    assert "config.platform-config:dbBackupKey: not a valid age identity" in text
    assert "canary" not in text
    with pytest.raises(DesiredStateError, match="must start with AGE-SECRET-KEY-1"):
        resolve("prod", config(convexDeployment="a-b-1", convexAdminKey=ADMIN, dbBackupKey="hunter2"), {})


def test_the_example_stacks_declare_their_deployments() -> None:
    assert declared("prod") and declared("staging") and not declared("no-such-stack")
