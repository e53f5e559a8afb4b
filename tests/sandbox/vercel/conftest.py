"""The official @vercel/sdk as a client (a Node script, installed on first use), and a raw-HTTP client
whose every answer is checked: success bodies by the SDK's response schemas, errors by Vercel's envelope."""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox.core.accounts import keys
from tests.support import SandboxProcess

SDK_DIR = Path(__file__).parent / "sdk"
TOKEN = keys("vercel")["team_derrimut"]
TEAM = "team_derrimut"
SLUG = "derrimut"
PROJECT = "derrimut-platform"
PROJECT_ID = "prj_DerrimutPlatformSandbox00001"
Json = dict[str, Any]


def _lock_digest() -> str:
    return hashlib.sha256(
        (SDK_DIR / "package.json").read_bytes() + (SDK_DIR / "package-lock.json").read_bytes()
    ).hexdigest()


def install_sdk() -> None:
    """`npm ci` from the committed lock when node_modules is missing or was installed from another lock.

    Under a file lock: `npm ci` first deletes node_modules, so a second xdist worker installing at the same
    time would pull the SDK from under the first one's driver."""
    with (SDK_DIR / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _install_sdk()


def _install_sdk() -> None:
    stamp = SDK_DIR / "node_modules" / ".backstop-lock-sha256"
    installed = SDK_DIR / "node_modules" / "@vercel" / "sdk" / "package.json"
    if installed.exists() and stamp.exists() and stamp.read_text() == _lock_digest():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm (Node 20) is needed to install @vercel/sdk for the Vercel sandbox tests")
    done = subprocess.run([npm, "ci"], cwd=SDK_DIR, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.fail(f"npm ci in {SDK_DIR} failed:\n{done.stdout}\n{done.stderr}")
    stamp.write_text(_lock_digest())


class VercelSdk:
    """Runs steps through the SDK (`call`) or its response schemas (`validate`) in one Node process."""

    def __init__(self, node: str) -> None:
        self.node = node

    def run(self, sandbox: SandboxProcess | None, steps: list[Json], token: str = TOKEN) -> list[Json]:
        payload = {
            "serverURL": f"{sandbox.url}/vercel" if sandbox else "http://127.0.0.1:9/vercel",
            "bearerToken": token,
            "steps": steps,
        }
        done = subprocess.run(
            [self.node, str(SDK_DIR / "driver.mjs")],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"the @vercel/sdk driver failed (exit {done.returncode}):\n{done.stderr}"
        results: list[Json] = json.loads(done.stdout)["results"]
        return results

    def call(self, sandbox: SandboxProcess, operation: str, request: Json, token: str = TOKEN) -> Json:
        return self.run(sandbox, [{"call": operation, "request": request}], token)[0]

    def validate(self, bodies: list[tuple[str, Any]]) -> None:
        if bodies:
            self.run(None, [{"validate": operation, "body": body} for operation, body in bodies])


@pytest.fixture(scope="session")
def vercel_sdk() -> VercelSdk:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node (20) is needed to run @vercel/sdk for the Vercel sandbox tests")
    install_sdk()
    return VercelSdk(node)


def assert_error(response: httpx.Response, status: int, code: str) -> Json:
    """Vercel's documented envelope: {"error": {"code": str, "message": str, …}} (plus `failed` for a
    batch create that failed whole)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: Json = response.json()
    assert set(body) <= {"error", "failed"} and isinstance(body["error"], dict), body
    assert isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str), body
    assert body["error"]["code"] == code, body
    return body


class Api:
    """Raw HTTP, as terraform-provider-vercel sends it. Each answer must name how it is checked: an
    SDK operation whose response schema validates it (at the end of the test), or None for an error,
    which `assert_error` checks, or for a body no SDK schema describes, which the test checks itself."""

    def __init__(self, sandbox: SandboxProcess, sdk: VercelSdk) -> None:
        self.sandbox, self.sdk = sandbox, sdk
        self.http = httpx.Client(
            base_url=f"{sandbox.url}/vercel", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
        )
        self.to_validate: list[tuple[str, Any]] = []

    def __call__(
        self, method: str, path: str, schema: str | None, *, team: bool = True, **kwargs: Any
    ) -> httpx.Response:
        if team:
            path += ("&" if "?" in path else "?") + f"teamId={TEAM}"
        response = self.http.request(method, path, **kwargs)
        if schema is not None and response.status_code < 300:
            self.to_validate.append((schema, response.json()))
        return response

    def ok(self, method: str, path: str, schema: str, status: int = 200, **kwargs: Any) -> Any:
        response = self(method, path, schema, **kwargs)
        assert response.status_code == status, response.text
        return response.json()

    def error(self, method: str, path: str, status: int, code: str, **kwargs: Any) -> Json:
        return assert_error(self(method, path, None, **kwargs), status, code)


@pytest.fixture
def api(sandbox: SandboxProcess, vercel_sdk: VercelSdk) -> Iterator[Api]:
    client = Api(sandbox, vercel_sdk)
    yield client
    client.http.close()
    vercel_sdk.validate(client.to_validate)


@pytest.fixture
def derrimut(sandbox: SandboxProcess) -> Json:
    response = sandbox.http.post("/_sandbox/fixtures/derrimut")
    response.raise_for_status()
    created: Json = response.json()["created"]["vercel"][TEAM]
    return created


def prod_squad_id(sandbox: SandboxProcess) -> str:
    """The id of prod's Vapi squad in the derrimut fixture (NEXT_PUBLIC_VAPI_SQUAD_ID holds it)."""
    squads = sandbox.dump()["vapi"]["org_derrimut"]["squads"].values()
    found: str = next(s["id"] for s in squads if s["name"] == "Derrimut voice agent")
    return found


def stored_project(sandbox: SandboxProcess) -> Json:
    project: Json = sandbox.dump()["vercel"][TEAM]["projects"][PROJECT_ID]
    return project


def stored_env(sandbox: SandboxProcess, env_id: str) -> Json:
    return next(e for e in stored_project(sandbox)["env"] if e["id"] == env_id)
