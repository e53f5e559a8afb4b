"""The plugin double driven in-process against the sandbox, and what the pulumiverse_vercel SDK
declares about the same resources (read from the installed package, 5.21.1)."""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pulumiverse_vercel as vercel
import pytest
from pulumi.provider.experimental.provider import ConfigureRequest

from sandbox.core.accounts import keys
from sandbox.vercel_plugin.props import PropertyMap, wire_map
from sandbox.vercel_plugin.provider import VercelProvider
from tests.support import SandboxProcess

Json = dict[str, Any]
T = TypeVar("T")
TOKEN = keys("vercel")["team_derrimut"]
TEAM = "team_derrimut"
PROJECT_ID = "prj_DerrimutPlatformSandbox00001"
ENV_TYPE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"


def urn(name: str, type_: str = ENV_TYPE) -> str:
    return f"urn:pulumi:test::probe::{type_}::{name}"


async def configured(sandbox: SandboxProcess, **config: Any) -> VercelProvider:
    provider = VercelProvider(f"{sandbox.url}/vercel")
    args = {"apiToken": TOKEN, "team": TEAM, **config}
    args = {k: v for k, v in args.items() if v is not None}
    await provider.configure(ConfigureRequest({}, wire_map(args, {"apiToken"}), True, True))
    return provider


def run(sandbox: SandboxProcess, steps: Callable[[VercelProvider], Awaitable[T]], **config: Any) -> T:
    """One event loop per test: the provider's HTTP client lives in it."""

    async def go() -> T:
        provider = await configured(sandbox, **config)
        try:
            return await steps(provider)
        finally:
            if provider._api is not None:
                await provider._api.aclose()

    return asyncio.run(go())


def inputs(**values: Any) -> PropertyMap:
    return wire_map(values, {"value", "valueWo"})


@pytest.fixture
def derrimut(sandbox: SandboxProcess) -> Json:
    response = sandbox.http.post("/_sandbox/fixtures/derrimut")
    response.raise_for_status()
    return dict(response.json())


def project_envs(sandbox: SandboxProcess) -> list[Json]:
    envs: list[Json] = sandbox.dump()["vercel"][TEAM]["projects"][PROJECT_ID]["env"]
    return envs


def live(sandbox: SandboxProcess, key: str, target: str) -> Json:
    found = [e for e in project_envs(sandbox) if e["key"] == key and target in e["target"]]
    assert len(found) == 1, f"{key} ({target}) is held by {len(found)} vars"
    return found[0]


# What the SDK declares
def python_to_pulumi(cls: type) -> dict[str, str]:
    """Python name -> Pulumi name of a class's `@pulumi.getter` properties."""
    return {
        name: str(getattr(member.fget, "_pulumi_name"))  # noqa: B009 - set by pulumi.getter
        for name, member in vars(cls).items()
        if isinstance(member, property) and hasattr(member.fget, "_pulumi_name")
    }


def getter_names(cls: type) -> set[str]:
    return set(python_to_pulumi(cls).values())


def parameters(function: Callable[..., Any], skip: tuple[str, ...]) -> dict[str, inspect.Parameter]:
    return {n: p for n, p in inspect.signature(function).parameters.items() if n not in skip}


def sdk_schema(resource: type, args: type, state: type) -> Json:
    """Input, state and output names, required inputs, wire types and secrets, from the SDK classes."""
    to_wire = python_to_pulumi(args)
    init = parameters(resource._internal_init, ("__self__", "resource_name", "opts", "__props__"))  # type: ignore[attr-defined]
    get = parameters(resource.get, ("resource_name", "id", "opts"))  # type: ignore[attr-defined]
    required = [
        n for n, p in inspect.signature(args).parameters.items() if p.default is inspect.Parameter.empty
    ]
    source = inspect.getsource(resource._internal_init)  # type: ignore[attr-defined]
    secrets = re.search(r"additional_secret_outputs=\[([^\]]*)\]", source)
    return {
        "init": {to_wire[n] for n in init},
        "get": {python_to_pulumi(state)[n] for n in get},
        "inputs": getter_names(args),
        "state": getter_names(state),
        "outputs": getter_names(resource),
        "required": {to_wire[n] for n in required},
        "types": {to_wire[n]: _wire_type(str(p.annotation)) for n, p in init.items()},
        "secrets": set(re.findall(r'"([^"]+)"', secrets.group(1))) if secrets else set(),
    }


def _wire_type(annotation: str) -> str:
    """`Optional[Input[bool]]` reads `typing.Union[bool, Awaitable[bool], …]` once resolved."""
    if "Sequence" in annotation:
        return "array"
    first = re.match(r"typing\.Union\[(\w+)", annotation)
    names = {"bool": "boolean", "int": "integer", "str": "string"}
    return names.get(first.group(1), annotation) if first else annotation


SDK_ENV = sdk_schema(
    vercel.ProjectEnvironmentVariable,
    vercel.ProjectEnvironmentVariableArgs,
    vercel.project_environment_variable._ProjectEnvironmentVariableState,
)
