"""A drill's check of Vercel variables: one that follows a squad's id must hold the squad's current id (the
stack's `vapi_squads` output), as one that follows a signing secret must hold the secret."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from backstop.plugin.model import parse_document
from backstop.runbook.drill.verify import vercel_differences
from tests.model.test_followed_ids import VALID

TEAM, PROJECT = "team_derrimut", "prj_Platform1"


class Session:
    def __init__(self, outputs: dict[str, Any]) -> None:
        self._outputs = outputs

    def config(self) -> dict[str, Any]:
        return {}

    def outputs(self) -> dict[str, Any]:
        return {name: SimpleNamespace(value=value) for name, value in self._outputs.items()}


def state(squad_value: str) -> dict[str, Any]:
    env = [
        {
            "key": "NEXT_PUBLIC_VAPI_SQUAD_ID",
            "target": ["production", "preview", "development"],
            "value": squad_value,
        },
        {"key": "VAPI_ASSISTANT_ID", "target": ["production"], "value": "as-1"},
    ]
    return {"vercel": {TEAM: {"projects": {PROJECT: {"env": env}}}}}


def test_a_follower_of_a_squad_holds_its_current_id() -> None:
    desired = parse_document(VALID, "prod.yaml")
    session = Session({"vapi_squads": {"voice-agent": "sq-new"}, "vapi_assistants": {"front-desk": "as-1"}})
    assert vercel_differences(desired, state("sq-new"), session) == []  # type: ignore[arg-type]
    assert vercel_differences(desired, state("sq-old"), session) == [  # type: ignore[arg-type]
        "vercel NEXT_PUBLIC_VAPI_SQUAD_ID (production, preview, development): value differs"
    ]
