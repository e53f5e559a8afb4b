"""Diff and replace rules of backstop:vapi:Assistant, as the engine asks them."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.provider.experimental.provider import PropertyDiffKind
from pydantic.alias_generators import to_camel

from backstop.plugin.model import load_document
from backstop.plugin.model.vapi import AssistantSpec
from backstop.plugin.provider.config import ProviderConfig
from backstop.plugin.provider.context import ProviderContext
from backstop.plugin.provider.vapi_assistant import AssistantHandler
from sandbox.vapi.fixtures import _assistants
from tests.provider.vapi_support import ORG, diff
from tests.support import ROOT

ASSISTANT = "backstop:vapi:Assistant"
HANDLER = AssistantHandler(ProviderContext(ProviderConfig()))
TOOL_ID = "8d4e2c4a-9a43-4c0e-a4f5-7f5b0a0f9e21"


def wire(values: dict[str, Any]) -> dict[str, Any]:
    return {to_camel(k): v for k, v in values.items()}


def declared() -> AssistantSpec:
    """Membership help as the program declares it, with its tool's id wired in."""
    desired = load_document(ROOT / "snapshots" / "prod.yaml")
    assert desired.vapi is not None
    help_ = desired.vapi.assistants[1]
    return AssistantSpec(org_id=ORG, tool_ids=[TOOL_ID], **help_.fields().model_dump())


def live(**extra: Any) -> dict[str, Any]:
    """Membership help as Vapi serves it for the derrimut fixture."""
    served = _assistants("", TOOL_ID, "prod")[1]
    stamps = {"createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z"}
    return {"id": "0d1f4d0e-1c55-4b8e-9a0c-1f9f2f3e4a5b", "orgId": ORG, **served, **stamps, **extra}


INPUTS = wire(declared().model_dump())


def test_the_live_fixture_assistant_matches_the_declared_one() -> None:
    assert diff(ASSISTANT, wire(HANDLER.outputs(live())), INPUTS).changes is False


def test_server_managed_and_unmanaged_fields_stay_out_of_the_diff() -> None:
    served = live()
    touched = live(
        updatedAt="2026-09-09T09:09:09.999Z",
        isServerUrlSecretSet=True,
        analysisPlan={"summaryPlan": {"enabled": False}},
        latestVersion="v2",
        model={**served["model"], "emotionRecognitionEnabled": True},
    )
    assert diff(ASSISTANT, wire(HANDLER.outputs(touched)), INPUTS).changes is False


def test_a_new_tool_id_updates_the_assistant_in_place() -> None:
    result = diff(ASSISTANT, {**INPUTS, "toolIds": ["b2a7b9f6-0000-4000-8000-000000000001"]}, INPUTS)
    assert result.replaces == [] and list(result.detailed_diff) == ["toolIds"]


@pytest.mark.parametrize(
    "change",
    [
        {"name": "Membership Desk"},
        {"firstMessage": None},
        {"voice": {"provider": "11labs", "voiceId": "sarah"}},
        {"maxDurationSeconds": 900},
        {"model": {**INPUTS["model"], "temperature": 0.9}},
    ],
)
def test_editable_fields_update_in_place(change: dict[str, Any]) -> None:
    result = diff(ASSISTANT, {**INPUTS, **change}, INPUTS)
    assert result.changes and result.replaces == [] and list(result.detailed_diff) == list(change)
    assert all(d.kind == PropertyDiffKind.UPDATE for d in result.detailed_diff.values())


def test_another_org_replaces() -> None:
    assert diff(ASSISTANT, {**INPUTS, "orgId": "0" * 8 + ORG[8:]}, INPUTS).replaces == ["orgId"]


def test_a_patch_of_the_model_keeps_its_live_settings_backstop_does_not_manage() -> None:
    current = live(model={"provider": "openai", "model": "gpt-4o-mini", "emotionRecognitionEnabled": True})
    model = HANDLER.body(declared(), current)["model"]
    assert model["model"] == "gpt-4o" and model["toolIds"] == [TOOL_ID]
    assert model["emotionRecognitionEnabled"] is True
