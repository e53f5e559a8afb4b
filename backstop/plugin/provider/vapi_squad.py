"""`backstop:vapi:Squad`: adopted by name; members are the Vapi ids of the stack's assistants, each with
its hand-offs (to other members, by assistant name) and template variables. The squad-wide variables are
`membersOverrides.variableValues`; the squad's other overrides are kept as they are live."""

from __future__ import annotations

from typing import ClassVar

from backstop.plugin.model.vapi import SquadSpec
from backstop.plugin.provider.resource import Json
from backstop.plugin.provider.vapi_object import VapiHandler, merged

VARIABLES = frozenset({"variableValues"})


class SquadHandler(VapiHandler):
    token = "backstop:vapi:Squad"
    spec = SquadSpec
    kind = "squad"
    label = "squad"
    replace_on_change = frozenset({"org_id"})
    vapi_fields: ClassVar[dict[str, str | None]] = {
        "name": "name",
        "members": "members",
        "variable_values": "membersOverrides",
        "org_id": None,
    }

    def natural_key(self, live: Json) -> str | None:
        name = live.get("name")
        return name if isinstance(name, str) else None

    def wanted_key(self, spec: SquadSpec) -> str:
        return spec.name

    def project(self, live: Json) -> Json:
        members = [
            {
                "assistant_id": member.get("assistantId"),
                "destinations": [
                    {
                        "assistant_name": d.get("assistantName"),
                        "description": d.get("description"),
                        "message": d.get("message"),
                    }
                    for d in member.get("assistantDestinations") or []
                ],
                "variable_values": dict((member.get("assistantOverrides") or {}).get("variableValues") or {}),
            }
            for member in live.get("members") or []
        ]
        overrides = live.get("membersOverrides") or {}
        return {
            "name": live.get("name"),
            "members": members,
            "variable_values": dict(overrides.get("variableValues") or {}),
            "org_id": live.get("orgId"),
        }

    def body(self, spec: SquadSpec, live: Json | None) -> Json:
        members = []
        for member in spec.members:
            entry: Json = {
                "assistantId": member.assistant_id,
                "assistantDestinations": [
                    {
                        "type": "assistant",
                        "assistantName": d.assistant_name,
                        **({"description": d.description} if d.description is not None else {}),
                        **({"message": d.message} if d.message is not None else {}),
                    }
                    for d in member.destinations
                ],
            }
            if member.variable_values:
                entry["assistantOverrides"] = {"variableValues": member.variable_values}
            members.append(entry)
        live_overrides = (live or {}).get("membersOverrides")
        overrides = merged(live_overrides, {"variableValues": spec.variable_values}, VARIABLES)
        keep = spec.variable_values or (isinstance(live_overrides, dict) and len(overrides) > 1)
        return {"name": spec.name, "members": members, "membersOverrides": overrides if keep else None}
