"""The package schema the engine asks for (`pulumi import` generates code from it), for the resources
the double implements, in pulumiverse-vercel 5.21.1's names and types."""

from __future__ import annotations

import json
from typing import Any

from sandbox.vercel_plugin import VERSION
from sandbox.vercel_plugin import project_environment_variable as single

Json = dict[str, Any]

CONFIG: Json = {
    "apiToken": {
        "type": "string",
        "secret": True,
        "description": "The Vercel API token (or the VERCEL_API_TOKEN environment variable).",
    },
    "team": {
        "type": "string",
        "description": "The default team of resources that set no teamId.",
    },
}

DESCRIPTIONS = {
    "comment": "What the variable is for.",
    "customEnvironmentIds": "Custom environments the variable is present on.",
    "gitBranch": "The Git branch the variable applies to (Preview only).",
    "key": "The variable's name.",
    "projectId": "The ID of the Vercel project.",
    "sensitive": "Whether the value can never be read back once set.",
    "targets": "Environments the variable is present on: production, preview, development.",
    "teamId": "The ID of the Vercel team (default: the provider's team).",
    "value": "The variable's value.",
    "valueWo": "The value, write-only: never kept in the state.",
    "valueWoVersion": "Change it to apply a new valueWo.",
    "visibility": "config or secret; inferred from sensitive when unset.",
}


def _property(name: str, kind: str, secrets: frozenset[str]) -> Json:
    spec: Json = {"type": kind} if kind != "array" else {"type": "array", "items": {"type": "string"}}
    spec["description"] = DESCRIPTIONS[name]
    if name in secrets:
        spec["secret"] = True
    return spec


def _properties(kinds: dict[str, str], secrets: frozenset[str]) -> Json:
    return {name: _property(name, kind, secrets) for name, kind in kinds.items()}


def _env_variable() -> Json:
    props = _properties(single.KINDS, single.SECRETS)
    return {
        "description": "An environment variable of a Vercel project.",
        "properties": props,
        "required": sorted(
            {"comment", "customEnvironmentIds", "key", "projectId", "sensitive", "targets", "teamId"}
            | {"visibility"}
        ),
        "inputProperties": props,
        "requiredInputs": list(single.REQUIRED),
        "stateInputs": {
            "description": "Input properties used for looking up and filtering ProjectEnvironmentVariable "
            "resources.",
            "properties": props,
            "type": "object",
        },
    }


def package_schema() -> str:
    return json.dumps(
        {
            "name": "vercel",
            "displayName": "Vercel",
            "version": VERSION,
            "description": "The sandbox's offline double of pulumiverse-vercel's provider.",
            "license": "Apache-2.0",
            "repository": "https://github.com/pulumiverse/pulumi-vercel",
            "pluginDownloadURL": "github://api.github.com/pulumiverse",
            "publisher": "Pulumiverse",
            "meta": {"moduleFormat": "(.*)(?:/[^/]*)"},
            "language": {
                "python": {
                    "packageName": "pulumiverse_vercel",
                    "compatibility": "tfbridge20",
                    "respectSchemaVersion": True,
                    "pyproject": {"enabled": True},
                },
                "nodejs": {"packageName": "@pulumiverse/vercel", "compatibility": "tfbridge20"},
            },
            "config": {"variables": CONFIG},
            "provider": {
                "description": "The provider type for the vercel package.",
                "properties": CONFIG,
                "inputProperties": CONFIG,
            },
            "resources": {single.TOKEN: _env_variable()},
        }
    )
