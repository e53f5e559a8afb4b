"""`backstop:vapi:Assistant`: adopted by name; its tools are the Vapi ids of the stack's tools, sent as the
model's `toolIds`. The model is managed in the fields Backstop knows; its other live fields are kept."""

from __future__ import annotations

from typing import ClassVar

from backstop.plugin.model.vapi import AssistantSpec
from backstop.plugin.provider.resource import Json
from backstop.plugin.provider.vapi_object import VapiHandler, merged

MODEL_FIELDS = frozenset({"provider", "model", "temperature", "maxTokens", "messages", "toolIds"})
TOP_LEVEL = {
    "name": "name",
    "first_message": "firstMessage",
    "first_message_mode": "firstMessageMode",
    "voice": "voice",
    "transcriber": "transcriber",
    "max_duration_seconds": "maxDurationSeconds",
    "end_call_phrases": "endCallPhrases",
    "end_call_message": "endCallMessage",
    "voicemail_message": "voicemailMessage",
    "metadata": "metadata",
}


class AssistantHandler(VapiHandler):
    token = "backstop:vapi:Assistant"
    spec = AssistantSpec
    kind = "assistant"
    label = "assistant"
    replace_on_change = frozenset({"org_id"})
    vapi_fields: ClassVar[dict[str, str | None]] = {
        **TOP_LEVEL,
        "model": "model",
        "tool_ids": "model",
        "org_id": None,
    }

    def natural_key(self, live: Json) -> str | None:
        name = live.get("name")
        return name if isinstance(name, str) else None

    def wanted_key(self, spec: AssistantSpec) -> str:
        return spec.name

    def project(self, live: Json) -> Json:
        model = live.get("model") or {}
        projected: Json = {field: live.get(vapi) for field, vapi in TOP_LEVEL.items()}
        projected.update(
            end_call_phrases=list(live.get("endCallPhrases") or []),
            metadata=dict(live.get("metadata") or {}),
            model={
                "provider": model.get("provider"),
                "model": model.get("model"),
                "temperature": model.get("temperature"),
                "max_tokens": model.get("maxTokens"),
                "messages": [
                    {"role": m.get("role"), "content": m.get("content")} for m in model.get("messages") or []
                ],
            },
            tool_ids=list(model.get("toolIds") or []),
            org_id=live.get("orgId"),
        )
        return projected

    def body(self, spec: AssistantSpec, live: Json | None) -> Json:
        model = spec.model
        body: Json = {vapi: getattr(spec, field) for field, vapi in TOP_LEVEL.items()}
        body["model"] = merged(
            (live or {}).get("model"),
            {
                "provider": model.provider,
                "model": model.model,
                "temperature": model.temperature,
                "maxTokens": model.max_tokens,
                "messages": [m.model_dump() for m in model.messages],
                "toolIds": spec.tool_ids,
            },
            MODEL_FIELDS,
        )
        return body
