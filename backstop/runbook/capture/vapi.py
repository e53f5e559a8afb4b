"""The stack's Vapi objects as the desired-state document's `vapi` section (`capture`), and the retired Vapi
workflow, archived read-only: its JSON as the API still serves it, plus the function
name of every tool its nodes name (tool ids change when a tool is recreated; names don't).

Vapi retired Workflows on 2026-08-18: Backstop never applies one. The archive is what the runbook's "import
workflow from backup JSON" step needs, and its agent lives on as the squad in `snapshots/<stack>.yaml`.

    BACKSTOP_VAPI_API_KEY=… [BACKSTOP_VAPI_BASE_URL=…] python -m backstop.runbook.capture.vapi \\
        --workflow e13b1b19-3cd5-42ab-ba5d-7c46bf989a6e --out snapshots/vapi-legacy/prod-workflow.json

The key is read from the environment only, so it never shows in a process list or a shell history.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import sys
from pathlib import Path
from typing import Any

from backstop.plugin.clients.connections import Connections, VapiSettings, vapi_api
from backstop.plugin.clients.errors import VendorError
from backstop.plugin.clients.vapi_client import VapiApi
from backstop.plugin.model.outputs import id_path
from backstop.plugin.model.vapi import VapiScope
from backstop.runbook.capture.clerk import Keys
from backstop.runbook.capture.vercel import Captured

Json = dict[str, Any]
NOTE = (
    "Vapi retired Workflows on 2026-08-18. Archived read-only by `python -m backstop.runbook.capture.vapi`; "
    "Backstop never applies it. The voice agent it ran is declared as assistants and a squad."
)


class OutsideOrg(Exception):
    """The API key reaches another org than the stack's scope.vapi.org_id."""


async def capture(api: VapiApi, scope: VapiScope, current: Json) -> Captured:
    """The tools, assistants and squads inside `scope`, in the fields Backstop manages, referencing each
    other by key. `current` is the stack's current `vapi` section: its keys are kept by natural key. The
    captured assistants' and squads' ids are `followable` (variables holding one follow it)."""
    result = Captured({"tools": [], "assistants": [], "squads": []})
    listed = {kind: await api.list_all(kind) for kind in ("tool", "assistant", "squad")}
    for objects in listed.values():
        other = next((o for o in objects if o.get("orgId") != scope.org_id), None)
        if other is not None:
            raise OutsideOrg(
                f"the Vapi API key reaches org {other.get('orgId')}, but scope.vapi.org_id is "
                f"{scope.org_id}: nothing of Vapi was captured (check backstop:vapiApiKey)"
            )

    tool_keys: dict[str, str] = {}
    tools_by_id = {t["id"]: t for t in listed["tool"]}
    keys = Keys(
        [{"name": (t.get("function") or {}).get("name"), **t} for t in _items(current, "tools")], "name"
    )
    for tool in _oldest_first(listed["tool"]):
        name = (tool.get("function") or {}).get("name")
        if not isinstance(name, str) or not scope.owns(name):
            continue
        server = tool.get("server") or {}
        if tool.get("type") != "function" or not server.get("url"):
            result.not_captured.append(
                f"vapi tool {name}: only function tools with a server URL are declared"
            )
            continue
        entry = _tool(tool, keys(name, name[len(scope.prefix) :] or name))
        tool_keys[tool["id"]] = entry["key"]
        result.section["tools"].append(entry)

    assistant_keys: dict[str, str] = {}
    names: dict[str, str] = {}
    keys = Keys(_items(current, "assistants"), "name")
    for assistant in _oldest_first(listed["assistant"]):
        name = assistant.get("name")
        if not isinstance(name, str) or not scope.owns(name):
            continue
        tool_ids = list((assistant.get("model") or {}).get("toolIds") or [])
        unknown = [t for t in tool_ids if t not in tool_keys]
        if unknown or not assistant.get("voice") or not assistant.get("model"):
            named = [str((tools_by_id.get(t, {}).get("function") or {}).get("name") or t) for t in unknown]
            why = (
                f"it uses tools outside this stack's scope ({', '.join(named)}); give it the stack's own "
                "tool and capture again"
                if unknown
                else "it has no model or voice"
            )
            result.not_captured.append(f"vapi assistant {name}: {why}")
            continue
        entry = _assistant(assistant, keys(name, name[len(scope.prefix) :] or name))
        entry["tools"] = [tool_keys[t] for t in tool_ids]
        if not entry["tools"]:
            del entry["tools"]
        assistant_keys[assistant["id"]] = entry["key"]
        names[name] = entry["key"]
        result.section["assistants"].append(entry)
        result.followable[assistant["id"]] = id_path("assistants", entry["key"])

    keys = Keys(_items(current, "squads"), "name")
    for squad in _oldest_first(listed["squad"]):
        name = squad.get("name")
        if not isinstance(name, str) or not scope.owns(name):
            continue
        members, problem = _members(squad, assistant_keys, names)
        if problem:
            result.not_captured.append(f"vapi squad {name}: {problem}")
            continue
        entry = {"key": keys(name, name[len(scope.prefix) :] or name), "name": name, "members": members}
        variables = (squad.get("membersOverrides") or {}).get("variableValues")
        if variables:
            entry["variable_values"] = dict(variables)
        result.section["squads"].append(entry)
        result.followable[squad["id"]] = id_path("squads", entry["key"])
    return result


def _items(section: Json, name: str) -> list[Json]:
    items = section.get(name)
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _oldest_first(objects: list[Json]) -> list[Json]:
    return sorted(objects, key=lambda o: str(o.get("createdAt")))


def _set(entry: Json, name: str, value: Any) -> None:
    if value not in (None, "", [], {}):
        entry[name] = value


def _tool(tool: Json, key: str) -> Json:
    function = tool.get("function") or {}
    server = tool.get("server") or {}
    definition: Json = {"name": function["name"]}
    for name in ("description", "parameters", "strict"):
        if function.get(name) is not None:
            definition[name] = function[name]
    entry: Json = {"key": key, "function": definition, "server": {"url": server["url"]}}
    _set(entry["server"], "timeout_seconds", server.get("timeoutSeconds"))
    _set(entry["server"], "credential_id", server.get("credentialId"))
    if tool.get("async"):
        entry["asynchronous"] = True
    _set(entry, "messages", list(tool.get("messages") or []))
    return entry


ASSISTANT_FIELDS = {
    "firstMessage": "first_message",
    "firstMessageMode": "first_message_mode",
    "voice": "voice",
    "transcriber": "transcriber",
    "maxDurationSeconds": "max_duration_seconds",
    "endCallPhrases": "end_call_phrases",
    "endCallMessage": "end_call_message",
    "voicemailMessage": "voicemail_message",
    "metadata": "metadata",
}


def _assistant(assistant: Json, key: str) -> Json:
    live = assistant["model"]
    model: Json = {"provider": live.get("provider"), "model": live.get("model")}
    _set(model, "temperature", live.get("temperature"))
    _set(model, "max_tokens", live.get("maxTokens"))
    _set(
        model,
        "messages",
        [{"role": m.get("role"), "content": m.get("content")} for m in live.get("messages") or []],
    )
    entry: Json = {"key": key, "name": assistant["name"], "model": model}
    for vapi, field in ASSISTANT_FIELDS.items():
        _set(entry, field, assistant.get(vapi))
    return entry


def _members(squad: Json, assistant_keys: dict[str, str], names: dict[str, str]) -> tuple[list[Json], str]:
    members: list[Json] = []
    for member in squad.get("members") or []:
        if member.get("assistantId") not in assistant_keys:
            return [], "a member is not an assistant of this stack (inline or outside its scope)"
        destinations = []
        for destination in member.get("assistantDestinations") or []:
            target = destination.get("assistantName")
            if destination.get("type", "assistant") != "assistant" or target not in names:
                return [], f"a hand-off to {target!r}, which is not an assistant of this stack"
            declared: Json = {"assistant": names[target]}
            _set(declared, "description", destination.get("description"))
            _set(declared, "message", destination.get("message"))
            destinations.append(declared)
        entry: Json = {"assistant": assistant_keys[member["assistantId"]]}
        _set(entry, "destinations", destinations)
        _set(
            entry,
            "variable_values",
            dict((member.get("assistantOverrides") or {}).get("variableValues") or {}),
        )
        members.append(entry)
    return members, "" if members else "it has no members"


async def workflow_archive(api: VapiApi, workflow_id: str) -> Json:
    workflow = await api.get("workflow", workflow_id)
    if workflow is None:
        raise LookupError(f"Vapi serves no workflow {workflow_id}")
    tools = {tool["id"]: tool for tool in await api.list_all("tool")}
    tool_names: dict[str, str | None] = {}
    for tool_id in _tool_ids(workflow):
        tool = tools.get(tool_id)
        tool_names[tool_id] = (tool.get("function") or {}).get("name") if tool else None
    return {
        "note": NOTE,
        "source": f"GET /workflow/{workflow_id}",
        "tool_names": tool_names,
        "workflow": workflow,
    }


def portable(archive: Json) -> Json:
    """The archived workflow with each tool id replaced by the tool's function name, so archives taken in
    two orgs (or before and after a tool was recreated) compare equal when the workflows are the same."""
    names: dict[str, str | None] = archive["tool_names"]
    workflow: Json = copy.deepcopy(archive["workflow"])
    for node in workflow.get("nodes") or []:
        if isinstance(node, dict) and node.get("toolId") in names:
            node["toolId"] = f"<tool {names[node['toolId']]}>"
    return workflow


def _tool_ids(workflow: Json) -> list[str]:
    nodes = workflow.get("nodes") or []
    return [n["toolId"] for n in nodes if isinstance(n, dict) and isinstance(n.get("toolId"), str)]


def write_archive(archive: Json, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(archive, indent=2) + "\n")


async def _archive(workflow_id: str, out: Path, settings: VapiSettings) -> None:
    api = vapi_api(settings)
    try:
        write_archive(await workflow_archive(api, workflow_id), out)
    finally:
        await api.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m backstop.runbook.capture.vapi", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--workflow", required=True, help="the workflow's Vapi id")
    parser.add_argument("--out", required=True, type=Path, help="the archive to write (JSON)")
    args = parser.parse_args(argv)
    settings = Connections.resolve({}).vapi  # no stack here: the environment only
    if not settings.api_key:
        print("set BACKSTOP_VAPI_API_KEY to the org's private API key", file=sys.stderr)
        return 2
    try:
        asyncio.run(_archive(args.workflow, args.out, settings))
    except (LookupError, VendorError) as exc:
        print(exc, file=sys.stderr)
        return 3
    print(f"archived workflow {args.workflow} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
