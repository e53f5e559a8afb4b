"""The retired Vapi workflow, archived read-only: its JSON as the API still serves it, plus the function
name of every tool its nodes name (tool ids change when a tool is recreated; names don't).

Vapi retired Workflows on 2026-08-18: Backstop never applies one. The archive is what the runbook's "import
workflow from backup JSON" step needs, and its agent lives on as the squad in `snapshots/<stack>.yaml`.

    BACKSTOP_VAPI_API_KEY=… [BACKSTOP_VAPI_BASE_URL=…] python -m backstop.capture.vapi \\
        --workflow e13b1b19-3cd5-42ab-ba5d-7c46bf989a6e --out snapshots/vapi-legacy/prod-workflow.json

The key is read from the environment only, so it never shows in a process list or a shell history.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import sys
from pathlib import Path
from typing import Any

from backstop.clients.errors import VendorError
from backstop.clients.vapi_client import VapiApi

Json = dict[str, Any]
NOTE = (
    "Vapi retired Workflows on 2026-08-18. Archived read-only by `python -m backstop.capture.vapi`; "
    "Backstop never applies it. The voice agent it ran is declared as assistants and a squad."
)


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


async def _archive(workflow_id: str, out: Path, key: str, base_url: str | None) -> None:
    api = VapiApi(key, base_url)
    try:
        write_archive(await workflow_archive(api, workflow_id), out)
    finally:
        await api.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m backstop.capture.vapi", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--workflow", required=True, help="the workflow's Vapi id")
    parser.add_argument("--out", required=True, type=Path, help="the archive to write (JSON)")
    args = parser.parse_args(argv)
    key = os.environ.get("BACKSTOP_VAPI_API_KEY")
    if not key:
        print("set BACKSTOP_VAPI_API_KEY to the org's private API key", file=sys.stderr)
        return 2
    try:
        asyncio.run(_archive(args.workflow, args.out, key, os.environ.get("BACKSTOP_VAPI_BASE_URL")))
    except (LookupError, VendorError) as exc:
        print(exc, file=sys.stderr)
        return 3
    print(f"archived workflow {args.workflow} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
