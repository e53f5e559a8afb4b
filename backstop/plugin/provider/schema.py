"""The package schema the engine asks for (used by `pulumi import` to generate code)."""

from __future__ import annotations

import json
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from backstop.plugin.provider import VERSION
from backstop.plugin.provider.resource import ResourceHandler

_CONFIG = {
    "stripeApiKey": {"type": "string", "secret": True, "description": "Stripe secret API key."},
    "stripeBaseUrl": {"type": "string", "description": "Stripe API base URL (default: the real Stripe)."},
    "clerkSecretKey": {"type": "string", "secret": True, "description": "Clerk secret key of the instance."},
    "clerkBaseUrl": {"type": "string", "description": "Clerk Backend API base URL, ending in /v1."},
    "svixBaseUrl": {"type": "string", "description": "Svix API base URL (default: from the portal token)."},
    "vapiApiKey": {"type": "string", "secret": True, "description": "Vapi private API key of the org."},
    "vapiBaseUrl": {"type": "string", "description": "Vapi API base URL (default: https://api.vapi.ai)."},
    "convexAdminKey": {
        "type": "string",
        "secret": True,
        "description": "Convex deployment admin or deploy key.",
    },
    "convexBaseUrl": {
        "type": "string",
        "description": "Convex base URL: a deployment is <base>/<name> (default: https://<name>.convex.cloud).",
    },
    "batchedReads": {"type": "boolean", "description": "List whole collections once per process."},
}


def _type_of(annotation: Any) -> dict[str, Any]:
    text = str(annotation)
    models = [
        a
        for a in (annotation, *typing.get_args(annotation))
        if isinstance(a, type) and issubclass(a, BaseModel)
    ]
    if models:
        return {"type": "object", "additionalProperties": {"$ref": "pulumi.json#/Any"}}
    if "dict[" in text:
        return {"type": "object", "additionalProperties": {"type": "string"}}
    if "list[" in text:
        return {"type": "array", "items": {"type": "string"}}
    if annotation is bool or "bool" in text:
        return {"type": "boolean"}
    if annotation is int:
        return {"type": "integer"}
    return {"type": "string"}


def package_schema(handlers: list[type[ResourceHandler]]) -> str:
    resources: dict[str, Any] = {}
    for handler in handlers:
        inputs = {
            to_camel(name): {**_type_of(field.annotation), "description": field.description or name}
            for name, field in handler.spec.model_fields.items()
        }
        outputs = dict(inputs)
        for name, kind in handler.output_types.items():
            outputs[to_camel(name)] = {
                "type": kind,
                **({"secret": True} if name in handler.secret_outputs else {}),
            }
        resources[handler.token] = {
            "description": (handler.__doc__ or handler.token).strip(),
            "inputProperties": inputs,
            "requiredInputs": [to_camel(n) for n, f in handler.spec.model_fields.items() if f.is_required()],
            "properties": outputs,
        }
    return json.dumps(
        {
            "name": "backstop",
            "version": VERSION.lstrip("v"),
            "config": {"variables": _CONFIG},
            "provider": {"inputProperties": _CONFIG},
            "resources": resources,
        }
    )
