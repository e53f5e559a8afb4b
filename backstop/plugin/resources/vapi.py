"""Vapi resources as the Pulumi program declares them: validated fields, plus inputs wired from other
resources' outputs (tool ids into assistants, assistant ids into squads)."""

from __future__ import annotations

from typing import Any

import pulumi
from pydantic import BaseModel

from backstop.plugin.model.vapi import AssistantFields, ToolSpec
from backstop.plugin.model.wire_names import wire_name

OUTPUTS = ("created_at",)


class VapiResource(pulumi.CustomResource):
    def __init__(
        self,
        token: str,
        name: str,
        fields: BaseModel | None,
        wired: dict[str, Any],
        opts: pulumi.ResourceOptions | None,
    ) -> None:
        props: dict[str, Any] = {wire_name(k): v for k, v in (fields.model_dump() if fields else {}).items()}
        props.update({wire_name(k): v for k, v in wired.items()})
        props.update({wire_name(o): None for o in OUTPUTS})
        super().__init__(token, name, props, opts)


class Tool(VapiResource):
    """A Vapi function tool, adopted by its function's name. Import id: the tool's Vapi id (a UUID)."""

    def __init__(self, name: str, spec: ToolSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("backstop:vapi:Tool", name, spec, {}, opts)


class Assistant(VapiResource):
    """A Vapi assistant, adopted by name. Import id: the assistant's Vapi id (a UUID)."""

    def __init__(
        self,
        name: str,
        fields: AssistantFields,
        org_id: str,
        tool_ids: pulumi.Input[list[pulumi.Input[str]]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        wired = {"org_id": org_id, "tool_ids": tool_ids}
        super().__init__("backstop:vapi:Assistant", name, fields, wired, opts)


class Squad(VapiResource):
    """A Vapi squad, adopted by name. Import id: the squad's Vapi id (a UUID)."""

    def __init__(
        self,
        name: str,
        org_id: str,
        squad_name: str,
        members: list[dict[str, Any]],
        variable_values: dict[str, str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        wired = {"org_id": org_id, "name": squad_name, "members": members, "variable_values": variable_values}
        super().__init__("backstop:vapi:Squad", name, None, wired, opts)
