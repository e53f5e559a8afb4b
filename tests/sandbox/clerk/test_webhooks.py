"""Clerk's Svix application through clerk-backend-api: create it once, mint App Portal links, delete it."""

from __future__ import annotations

import base64
import json

import pytest
from clerk_backend_api import Clerk, models

from tests.sandbox.clerk.harness import PROD, STAGING
from tests.support import SandboxProcess


def decode(svix_url: str) -> dict[str, str]:
    _, _, key = svix_url.partition("#key=")
    decoded: dict[str, str] = json.loads(base64.urlsafe_b64decode(key))
    return decoded


def test_the_svix_app_lifecycle(sandbox: SandboxProcess, staging: Clerk) -> None:
    created = staging.webhooks.create_svix_app()
    assert created.svix_url.startswith(f"{sandbox.url}/svix/app-portal/login#key=")
    key = decode(created.svix_url)
    assert set(key) == {"appId", "oneTimeToken", "region"} and key["appId"].startswith("app_")
    app = sandbox.dump()["svix"][STAGING]["applications"][key["appId"]]
    assert app["name"] == "Derrimut 24:7 - development"
    with pytest.raises(models.ClerkErrors) as exists:
        staging.webhooks.create_svix_app()
    assert exists.value.status_code == 400 and exists.value.data.errors[0].code == "svix_app_exists"
    again = decode(staging.webhooks.generate_svix_auth_url().svix_url)
    assert again["appId"] == key["appId"] and again["oneTimeToken"] != key["oneTimeToken"]
    staging.webhooks.delete_svix_app()
    assert sandbox.dump()["svix"][STAGING]["applications"] == {}
    for call in (staging.webhooks.delete_svix_app, staging.webhooks.generate_svix_auth_url):
        with pytest.raises(models.ClerkErrors) as missing:
            call()
        assert missing.value.status_code == 400 and missing.value.data.errors[0].code == "svix_app_missing"


def test_each_instance_has_its_own_app(sandbox: SandboxProcess, staging: Clerk, prod: Clerk) -> None:
    first = decode(staging.webhooks.create_svix_app().svix_url)["appId"]
    second = decode(prod.webhooks.create_svix_app().svix_url)["appId"]
    assert first != second
    state = sandbox.dump()["svix"]
    assert list(state[STAGING]["applications"]) == [first] and list(state[PROD]["applications"]) == [second]
    assert state[PROD]["applications"][second]["name"] == "Derrimut 24:7 - production"
