"""Installing the double into a sandbox PULUMI_HOME, and its refusals: no sandbox base URL or the real
Vercel, the default PULUMI_HOME, a bad token, a team slug, an unknown config key."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from pathlib import Path

import pytest
from pulumi.provider.experimental.provider import CheckRequest, ConfigureRequest

from sandbox.vercel_plugin import VERSION
from sandbox.vercel_plugin.errors import PluginError
from sandbox.vercel_plugin.guard import RealVercelRefused, sandbox_base_url
from sandbox.vercel_plugin.install import (
    InstallError,
    install,
    installed_launcher,
    is_installed,
    launcher_text,
)
from sandbox.vercel_plugin.props import wire_map
from sandbox.vercel_plugin.provider import VercelProvider
from tests.sandbox.vercel_plugin.conftest import TOKEN
from tests.support import ROOT, VENV_BIN


def test_install_is_idempotent_and_the_engine_lists_the_plugin(tmp_path: Path) -> None:
    home = tmp_path / "pulumi-home"
    assert install(home) is True
    assert install(home) is False
    launcher = installed_launcher(home)
    assert launcher.read_text() == launcher_text(ROOT) and os.access(launcher, os.X_OK)
    assert f"exec {ROOT}/.venv/bin/python -m sandbox.vercel_plugin.server" in launcher.read_text()
    listed = subprocess.run(
        [str(VENV_BIN / "pulumi"), "plugin", "ls", "--json"],
        env={**os.environ, "PULUMI_HOME": str(home), "PULUMI_SKIP_UPDATE_CHECK": "true"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert [(p["name"], p["kind"], p["version"]) for p in json.loads(listed)] == [
        ("vercel", "resource", VERSION)
    ]
    launcher.write_text(launcher.read_text().replace("server", "elsewhere"))
    assert not is_installed(home) and install(home) is True and is_installed(home)


def test_the_default_pulumi_home_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(InstallError, match="default PULUMI_HOME"):
        install(tmp_path / ".pulumi")
    assert not (tmp_path / ".pulumi").exists()


def test_backstop_sandbox_env_installs_it_into_the_sandbox_pulumi_home() -> None:
    done = subprocess.run(
        [str(VENV_BIN / "backstop"), "sandbox", "env", "--json"], capture_output=True, text=True, check=True
    )
    home = Path(json.loads(done.stdout)["PULUMI_HOME"])
    assert home == ROOT / ".sandbox" / "pulumi-home" and is_installed(home)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (None, "needs BACKSTOP_VERCEL_BASE_URL"),
        ("", "needs BACKSTOP_VERCEL_BASE_URL"),
        ("https://api.vercel.com", "points at the real Vercel (api.vercel.com)"),
        ("https://API.Vercel.com/v1/", "points at the real Vercel (api.vercel.com)"),
        ("127.0.0.1:8787/vercel", "is not an http(s) URL"),
    ],
)
def test_the_plugin_refuses_to_start_without_a_sandbox(tmp_path: Path, url: str | None, reason: str) -> None:
    environ = {} if url is None else {"BACKSTOP_VERCEL_BASE_URL": url}
    with pytest.raises(RealVercelRefused, match=reason.replace("(", r"\(").replace(")", r"\)")):
        sandbox_base_url(environ)
    home = tmp_path / "pulumi-home"
    install(home)
    env = {k: v for k, v in os.environ.items() if k != "BACKSTOP_VERCEL_BASE_URL"} | environ
    done = subprocess.run(
        [str(installed_launcher(home)), "127.0.0.1:1"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1 and done.stdout == ""
    assert "refusing to start" in done.stderr and reason in done.stderr


def test_the_sandbox_base_url_is_taken_as_given() -> None:
    assert sandbox_base_url({"BACKSTOP_VERCEL_BASE_URL": "http://127.0.0.1:8787/vercel/"}) == (
        "http://127.0.0.1:8787/vercel"
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({}, "Unable to find api_token: api_token cannot be an empty string"),
        ({"apiToken": "short"}, "Invalid api_token: api_token (VERCEL_API_TOKEN) must be 24 characters"),
        (
            {"apiToken": TOKEN, "team": "derrimut"},
            "Vercel Team not found: the offline vercel plugin double takes `vercel:team` as a team ID",
        ),
    ],
)
def test_provider_configuration_is_checked(
    config: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VERCEL_API_TOKEN", raising=False)
    provider = VercelProvider("http://127.0.0.1:9/vercel")
    with pytest.raises(PluginError) as caught:
        asyncio.run(provider.configure(ConfigureRequest({}, wire_map(config, {"apiToken"}), True, True)))
    assert str(caught.value).startswith(message)
    assert TOKEN not in str(caught.value)


def test_the_token_can_come_from_vercel_api_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERCEL_API_TOKEN", TOKEN)
    provider = VercelProvider("http://127.0.0.1:9/vercel")
    asyncio.run(provider.configure(ConfigureRequest({}, {}, True, True)))
    assert provider.api.team_id(None) == ""


def test_an_unknown_config_key_is_reported() -> None:
    provider = VercelProvider("http://127.0.0.1:9/vercel")
    checked = asyncio.run(
        provider.check_config(
            CheckRequest(
                "urn:pulumi:s::p::pulumi:providers:vercel::default", {}, wire_map({"apiTokn": "x"}), b""
            )
        )
    )
    assert [(f.property, f.reason) for f in checked.failures or []] == [
        ("apiTokn", "Invalid or unknown key: vercel:apiTokn")
    ]
