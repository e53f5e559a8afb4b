"""Diff rules of backstop:vapi:Squad, as the engine asks them."""

from __future__ import annotations

from typing import Any

from pydantic.alias_generators import to_camel

from backstop.plugin.model import load_document
from backstop.plugin.model.vapi import SquadSpec
from backstop.plugin.provider.config import ProviderConfig
from backstop.plugin.provider.context import ProviderContext
from backstop.plugin.provider.vapi_squad import SquadHandler
from sandbox.vapi.fixtures import _squad
from tests.provider.vapi_support import ORG, diff
from tests.support import ROOT

SQUAD = "backstop:vapi:Squad"
HANDLER = SquadHandler(ProviderContext(ProviderConfig()))
IDS = {
    "receptionist": "6b0b1f3e-0000-4000-8000-000000000001",
    "membership-help": "6b0b1f3e-0000-4000-8000-000000000002",
}


def wire(values: dict[str, Any]) -> dict[str, Any]:
    return {to_camel(k): v for k, v in values.items()}


def declared() -> SquadSpec:
    desired = load_document(ROOT / "snapshots" / "prod.yaml")
    assert desired.vapi is not None
    squad = desired.vapi.squads[0]
    members = squad.members_spec(IDS, desired.vapi.assistant_names())
    fields = {"org_id": ORG, "name": squad.name, "members": members, "variable_values": squad.variable_values}
    return SquadSpec.model_validate(fields)


def live(**extra: Any) -> dict[str, Any]:
    """The squad as Vapi serves it for the derrimut fixture."""
    receptionist = {"id": IDS["receptionist"], "name": "Derrimut Receptionist"}
    membership = {"id": IDS["membership-help"], "name": "Derrimut Membership Help"}
    served = _squad("", receptionist, membership)
    stamps = {"createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z"}
    return {"id": "5c7e0d2a-0000-4000-8000-00000000000a", "orgId": ORG, **served, **stamps, **extra}


INPUTS = wire(declared().model_dump())


def test_the_live_fixture_squad_matches_the_declared_one() -> None:
    assert diff(SQUAD, wire(HANDLER.outputs(live())), INPUTS).changes is False


def test_server_managed_and_unmanaged_overrides_stay_out_of_the_diff() -> None:
    overrides = {"variableValues": {"user_id": "", "full_name": ""}, "voice": {"provider": "11labs"}}
    touched = live(updatedAt="2026-09-09T09:09:09.999Z", membersOverrides=overrides)
    assert diff(SQUAD, wire(HANDLER.outputs(touched)), INPUTS).changes is False
    body = HANDLER.body(declared(), touched)
    assert body["membersOverrides"]["voice"] == {"provider": "11labs"}, "a PATCH keeps the overrides"


def test_members_and_variables_update_in_place() -> None:
    swapped = {**INPUTS, "members": list(reversed(INPUTS["members"]))}
    result = diff(SQUAD, swapped, INPUTS)
    assert result.replaces == [] and list(result.detailed_diff) == ["members"]
    result = diff(SQUAD, {**INPUTS, "variableValues": {"user_id": "u1"}}, INPUTS)
    assert result.replaces == [] and list(result.detailed_diff) == ["variableValues"]


def test_a_member_with_a_new_assistant_id_updates_the_squad() -> None:
    moved = [dict(m) for m in INPUTS["members"]]
    moved[0]["assistant_id"] = "6b0b1f3e-0000-4000-8000-000000000003"
    assert list(diff(SQUAD, {**INPUTS, "members": moved}, INPUTS).detailed_diff) == ["members"]
