"""Capturing Vercel variables that hold a captured Vapi object's id: they follow it (`value_from: {output:
vapi.squads.<key>.id}`), so a recreated squad's id reaches them; any other value is captured as before."""

from __future__ import annotations

import asyncio
from typing import Any

from backstop.operations.capture_read import _rewire
from backstop.runbook.capture.convex import capture as capture_convex
from backstop.runbook.capture.vercel import capture

SQUAD = "0f7e3c3a-1111-4aaa-8bbb-000000000001"
FOLLOWABLE = {SQUAD: "vapi.squads.voice-agent.id"}


class Api:
    def __init__(self, envs: list[dict[str, Any]]) -> None:
        self.envs = envs

    async def env_vars(self, project: str) -> list[dict[str, Any]]:
        return [{k: v for k, v in env.items() if k != "value"} for env in self.envs]

    async def env_var(self, project: str, env_id: str) -> dict[str, Any] | None:
        found = next(e for e in self.envs if e["id"] == env_id)
        return None if found["type"] == "sensitive" else found


def env(env_id: str, key: str, value: str, kind: str = "plain") -> dict[str, Any]:
    return {"id": env_id, "key": key, "type": kind, "target": ["production"], "value": value}


def test_a_variable_holding_a_captured_squads_id_follows_it() -> None:
    api = Api(
        [
            env("env_1", "NEXT_PUBLIC_VAPI_SQUAD_ID", SQUAD),
            env("env_2", "NEXT_PUBLIC_VAPI_WORKFLOW_ID", "e13b1b19-3cd5-42ab-ba5d-7c46bf989a6e"),
            env("env_3", "VAPI_SQUAD_ID", SQUAD, "sensitive"),
        ]
    )
    captured = asyncio.run(capture(api, ["prj_1"], FOLLOWABLE))  # type: ignore[arg-type]
    by_name = {e["name"]: e for e in captured.section["projects"][0]["env"]}
    assert by_name["NEXT_PUBLIC_VAPI_SQUAD_ID"]["value_from"] == {"output": "vapi.squads.voice-agent.id"}
    assert "value" not in by_name["NEXT_PUBLIC_VAPI_SQUAD_ID"]
    assert by_name["NEXT_PUBLIC_VAPI_WORKFLOW_ID"]["value"] == "e13b1b19-3cd5-42ab-ba5d-7c46bf989a6e"
    assert by_name["VAPI_SQUAD_ID"]["value_from"] == {"secret": "vercel-vapi-squad-id-production"}, (
        "a sensitive value can't be read, so it can't be recognised"
    )
    plain = asyncio.run(capture(api, ["prj_1"]))  # type: ignore[arg-type]
    assert plain.section["projects"][0]["env"][0]["value"] == SQUAD, "without captured squads: inline"


class ConvexApi:
    async def variables(self) -> dict[str, str]:
        return {"VAPI_SQUAD_ID": SQUAD, "VAPI_ASSISTANT_ID": "as-1"}


def test_convex_keeps_id_wiring_by_the_objects_name_and_recognises_live_ids() -> None:
    current = {"env": [{"key": "assistant", "name": "VAPI_ASSISTANT_ID", "value_from": {"output": "x"}}]}
    captured = asyncio.run(
        capture_convex(
            ConvexApi(),  # type: ignore[arg-type]
            current,
            {"x": "vapi.assistants.help.id"}.get,
            FOLLOWABLE,
        )
    )
    by_name = {e["name"]: e for e in captured.section["env"]}
    assert by_name["VAPI_SQUAD_ID"]["value_from"] == {"output": "vapi.squads.voice-agent.id"}
    assert by_name["VAPI_ASSISTANT_ID"]["value_from"] == {"output": "vapi.assistants.help.id"}


def test_rewire_matches_squads_by_name_and_endpoints_by_url() -> None:
    old = {
        "vapi": {"squads": [{"key": "agent", "name": "Voice agent"}]},
        "stripe": {"webhook_endpoints": [{"key": "old", "url": "https://a.example/hook"}]},
    }
    new = {
        "vapi": {"squads": [{"key": "voice-agent", "name": "Voice agent"}]},
        "stripe": {"webhook_endpoints": [{"key": "payments", "url": "https://a.example/hook"}]},
    }
    assert _rewire("vapi.squads.agent.id", old, new) == "vapi.squads.voice-agent.id"
    assert (
        _rewire("stripe.webhook_endpoints.old.secret", old, new) == "stripe.webhook_endpoints.payments.secret"
    )
    assert _rewire("vapi.squads.gone.id", old, new) is None
    assert _rewire("stripe.api_key", old, new) is None
