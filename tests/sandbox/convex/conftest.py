"""The real Convex CLI (npm convex, pinned in toolchain/convex) as the client of the sandbox's Convex
deployments, and raw HTTP for what the CLI never shows."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from backstop.runbook.db import convex_cli
from sandbox.core.accounts import keys
from tests.support import SandboxProcess

STAGING, PROD = "quiet-otter-512", "spotted-gerbil-236"
KEYS = keys("convex")
Json = dict[str, Any]


@dataclass
class Done:
    code: int
    output: str


class ConvexCli:
    def __init__(self, node: str) -> None:
        self.node = node

    def __call__(
        self,
        sandbox: SandboxProcess,
        *args: str,
        deployment: str = STAGING,
        key: str | None = None,
        ok: tuple[int, ...] = (0,),
    ) -> Done:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONVEX_")}
        env.update(
            CONVEX_SELF_HOSTED_URL=f"{sandbox.url}/convex/{deployment}",
            CONVEX_SELF_HOSTED_ADMIN_KEY=key if key is not None else KEYS[deployment],
            CI="1",
            NO_COLOR="1",
        )
        done = subprocess.run(
            [self.node, str(convex_cli.MAIN), *args],
            cwd=convex_cli.CONVEX_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        result = Done(done.returncode, done.stdout + done.stderr)
        assert done.returncode in ok, f"convex {' '.join(args)} exited {done.returncode}:\n{result.output}"
        return result


@pytest.fixture(scope="session")
def convex() -> ConvexCli:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node (20) is needed to run the Convex CLI against the sandbox")
    convex_cli.ensure_installed(print)
    return ConvexCli(node)


@pytest.fixture
def derrimut(sandbox: SandboxProcess) -> Json:
    response = sandbox.http.post("/_sandbox/fixtures/derrimut")
    response.raise_for_status()
    created: Json = response.json()["created"]["convex"]
    return created


def deployment_data(sandbox: SandboxProcess, name: str = STAGING) -> dict[str, Json]:
    data: dict[str, Json] = sandbox.dump()["convex"][name]
    return data


def admin(name: str = STAGING) -> dict[str, str]:
    return {"Authorization": f"Convex {KEYS[name]}"}


def http(sandbox: SandboxProcess) -> httpx.Client:
    return httpx.Client(base_url=sandbox.url, timeout=30)
