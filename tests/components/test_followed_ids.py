"""The program's wiring of a variable that follows a Vapi squad's id, with Pulumi's mocks (no engine): the
Vercel and Convex variables take the squad's id output, which stays a plain output, while a signing secret
stays a secret."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
from pulumi.runtime.settings import reset_options

from backstop.plugin.model import parse_document
from tests.model.test_followed_ids import VALID

created: dict[str, dict[str, Any]] = {}


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        created[args.name] = dict(args.inputs)
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        return {}, []


@pytest.fixture(autouse=True)
def mocks() -> Iterator[None]:
    created.clear()
    loop = asyncio.new_event_loop()  # its own: an earlier asyncio.run in this process leaves none set
    asyncio.set_event_loop(loop)
    pulumi.runtime.set_mocks(Mocks(), project="platform-config", stack="prod", preview=False)
    yield
    reset_options()  # no mocked runtime left behind for other tests in this process
    asyncio.set_event_loop(None)
    loop.close()


@pulumi.runtime.test  # type: ignore[untyped-decorator]
def test_variables_following_a_squad_take_its_id_as_a_plain_output() -> pulumi.Output[Any]:
    from components.convex_env import ConvexEnv
    from components.values import Values
    from components.vapi_agent import VapiAgent
    from components.vercel_env import VercelEnv

    desired = parse_document(VALID, "prod.yaml")
    assert desired.vapi and desired.scope.vapi and desired.vercel and desired.scope.vercel and desired.convex
    agent = VapiAgent("vapi", desired.scope.vapi, desired.vapi)
    ids = agent.ids()
    assert sorted(ids) == ["vapi.assistants.front-desk.id", "vapi.squads.voice-agent.id"]
    secret = pulumi.Output.secret("whsec_1")
    values = Values(pulumi.Config(), {"stripe.webhook_endpoints.app.secret": secret, **ids})
    resolved = values.resolve(var for _, var in desired.vercel.variables())
    vercel = VercelEnv("vercel", desired.vercel, desired.scope.vercel.team, resolved)
    convex = ConvexEnv("convex", desired.convex, "spotted-gerbil-236", values.resolve(desired.convex.env))

    def check(args: list[Any]) -> None:
        squad_id, squad_secret, following_secret, vercel_value, assistant_value, convex_value = args
        assert squad_id == "vapi-squad-voice-agent-id"
        assert not squad_secret and following_secret, "an id is no secret; a signing secret stays one"
        assert vercel_value == convex_value == squad_id
        assert assistant_value == "vapi-assistant-front-desk-id"
        assert created["vercel-env-vapi-squad-id"]["targets"] == ["development", "preview", "production"], (
            "a set, declared sorted"
        )

    squad = ids["vapi.squads.voice-agent.id"]
    return pulumi.Output.all(
        squad,
        squad.is_secret(),
        secret.is_secret(),
        vercel.variables["vapi-squad-id"].value,
        vercel.variables["vapi-assistant-id"].value,
        convex.variables["vapi-squad-id"].value,
    ).apply(check)
