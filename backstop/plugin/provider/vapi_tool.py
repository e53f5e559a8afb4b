"""`backstop:vapi:Tool`: a function tool, adopted by its function's name. Its `type` can't change in Vapi,
so a change of type replaces it (the old one goes first: the new one would share its natural key)."""

from __future__ import annotations

from typing import ClassVar

from backstop.plugin.model.vapi import ToolSpec
from backstop.plugin.provider.resource import Json
from backstop.plugin.provider.vapi_object import VapiHandler, merged

FUNCTION_ORDER = ("name", "description", "parameters", "strict")
FUNCTION_FIELDS = frozenset(FUNCTION_ORDER)
SERVER_FIELDS = frozenset({"url", "timeoutSeconds", "credentialId"})


class ToolHandler(VapiHandler):
    token = "backstop:vapi:Tool"
    spec = ToolSpec
    kind = "tool"
    label = "tool"
    replace_on_change = frozenset({"type", "org_id"})
    delete_before_replace = True
    vapi_fields: ClassVar[dict[str, str | None]] = {
        "type": None,  # immutable: never sent in a PATCH
        "function": "function",
        "server": "server",
        "asynchronous": "async",
        "messages": "messages",
        "org_id": None,
    }

    def natural_key(self, live: Json) -> str | None:
        name = (live.get("function") or {}).get("name")
        return name if live.get("type") == "function" and isinstance(name, str) else None

    def wanted_key(self, spec: ToolSpec) -> str:
        return spec.function.name

    def project(self, live: Json) -> Json:
        function = live.get("function") or {}
        server = live.get("server") or {}
        return {
            "type": live.get("type"),
            "function": {name: function.get(name) for name in FUNCTION_ORDER},
            "server": {
                "url": server.get("url"),
                "timeout_seconds": server.get("timeoutSeconds"),
                "credential_id": server.get("credentialId"),
            },
            "asynchronous": bool(live.get("async")),
            "messages": list(live.get("messages") or []),
            "org_id": live.get("orgId"),
        }

    def body(self, spec: ToolSpec, live: Json | None) -> Json:
        live = live or {}
        function = spec.function
        server = spec.server
        return {
            "type": spec.type,
            "function": merged(
                live.get("function"),
                {
                    "name": function.name,
                    "description": function.description,
                    "parameters": function.parameters,
                    "strict": function.strict,
                },
                FUNCTION_FIELDS,
            ),
            "server": merged(
                live.get("server"),
                {
                    "url": server.url,
                    "timeoutSeconds": server.timeout_seconds,
                    "credentialId": server.credential_id,
                },
                SERVER_FIELDS,
            ),
            "async": spec.asynchronous,
            "messages": spec.messages,
        }
