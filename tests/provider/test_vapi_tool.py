"""Diff and replace rules of backstop:vapi:Tool, as the engine asks them."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.provider.experimental.provider import PropertyDiffKind
from pydantic.alias_generators import to_camel

from backstop.plugin.model import load_document
from backstop.plugin.model.vapi import ToolSpec
from backstop.plugin.provider.config import ProviderConfig
from backstop.plugin.provider.context import ProviderContext
from backstop.plugin.provider.vapi_tool import ToolHandler
from sandbox.vapi.fixtures import membership_tool
from tests.provider.vapi_support import ORG, check, diff
from tests.support import ROOT

TOOL = "backstop:vapi:Tool"
HANDLER = ToolHandler(ProviderContext(ProviderConfig()))


def wire(values: dict[str, Any]) -> dict[str, Any]:
    return {to_camel(k): v for k, v in values.items()}


def declared() -> ToolSpec:
    desired = load_document(ROOT / "snapshots" / "prod.yaml")
    assert desired.vapi is not None
    return desired.vapi.tools[0].spec(ORG)


def live(**extra: Any) -> dict[str, Any]:
    """The tool as Vapi serves it for the derrimut fixture."""
    served = {"id": "3f0c6a0e-8f1e-4a51-9d0a-3b8f5d9d2b11", "orgId": ORG, **membership_tool()}
    return {
        **served,
        "createdAt": "2026-01-01T00:00:00.000Z",
        "updatedAt": "2026-01-01T00:00:00.000Z",
        **extra,
    }


INPUTS = wire(declared().model_dump())


def test_the_live_fixture_tool_matches_the_declared_one() -> None:
    assert diff(TOOL, wire(HANDLER.outputs(live())), INPUTS).changes is False


def test_server_managed_and_unmanaged_fields_stay_out_of_the_diff() -> None:
    touched = live(
        updatedAt="2026-09-09T09:09:09.999Z",
        latestVersion="v7",
        rejectionPlan={"conditions": []},
        server={**membership_tool()["server"], "backoffPlan": {"maxRetries": 3}},
    )
    assert diff(TOOL, wire(HANDLER.outputs(touched)), INPUTS).changes is False


@pytest.mark.parametrize(("field", "value"), [("type", "apiRequest"), ("orgId", "0" * 8 + ORG[8:])])
def test_fields_vapi_cannot_change_replace_the_tool(field: str, value: str) -> None:
    result = diff(TOOL, {**INPUTS, field: value}, INPUTS)
    assert result.replaces == [field]
    assert result.detailed_diff[field].kind == PropertyDiffKind.UPDATE_REPLACE
    assert result.delete_before_replace is True, "the new tool would share the old one's function name"


@pytest.mark.parametrize(
    "change",
    [
        {"server": {"url": "https://elsewhere.example.com/tools", "timeout_seconds": 20}},
        {"function": {**INPUTS["function"], "description": "Changed in the dashboard"}},
        {"asynchronous": True},
        {"messages": []},
    ],
)
def test_editable_fields_update_in_place(change: dict[str, Any]) -> None:
    result = diff(TOOL, {**INPUTS, **change}, INPUTS)
    assert result.changes and result.replaces == []
    assert [d.kind for d in result.detailed_diff.values()] == [PropertyDiffKind.UPDATE]


def test_a_patch_keeps_the_live_server_settings_backstop_does_not_manage() -> None:
    current = live(server={"url": "https://old.example.com", "backoffPlan": {"maxRetries": 3}})
    body = HANDLER.body(declared(), current)
    assert body["server"] == {
        "url": "https://www.derrimut247.com.au/api/vapi/tools",
        "timeoutSeconds": 20,
        "backoffPlan": {"maxRetries": 3},
    }
    assert "type" in body and HANDLER.vapi_fields["type"] is None, "type is never sent in a PATCH"


def test_check_names_the_property_of_an_inline_secret() -> None:
    news = {**INPUTS, "server": {"url": "https://x.example.com", "headers": {"Authorization": "Bearer k"}}}
    failures = check(TOOL, news).failures
    assert [f.property for f in failures] == ["server.headers"]
