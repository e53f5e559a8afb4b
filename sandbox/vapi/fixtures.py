"""The derrimut platform's Vapi org, shared by prod and staging (stacks scope it by name prefix): the voice
agent as a squad of a receptionist and a membership-help assistant, a staging copy of both ("staging-"),
the function tool the app serves, and the legacy workflow the runbook records."""

from __future__ import annotations

from typing import Any

from sandbox.core.accounts import by_name
from sandbox.core.context import Sandbox
from sandbox.vapi.models import WORKFLOW, Json
from sandbox.vapi.state import VapiOrg

ORG = "org_derrimut"
TOOLS_URL = "https://www.derrimut247.com.au/api/vapi/tools"
WORKFLOW_ID = "e13b1b19-3cd5-42ab-ba5d-7c46bf989a6e"
WORKFLOW_NAME = "Derrimut voice agent"
VARIABLES = ("user_id", "full_name")
"""What the app passes into every call (variableValues), as the runbook records them."""
WORKFLOW_CREATED = "2025-06-12T03:14:07.412Z"
WORKFLOW_UPDATED = "2025-08-04T22:41:55.108Z"

MODEL: Json = {"provider": "openai", "model": "gpt-4o", "temperature": 0.4}
VOICE: Json = {"provider": "11labs", "voiceId": "charlotte", "model": "eleven_turbo_v2_5"}
TRANSCRIBER: Json = {"provider": "deepgram", "model": "nova-2", "language": "en-AU"}
RECEPTIONIST = "Derrimut Receptionist"
MEMBERSHIP_HELP = "Derrimut Membership Help"


def membership_tool() -> Json:
    return {
        "type": "function",
        "async": False,
        "function": {
            "name": "get_membership_status",
            "description": "Looks up the caller's Derrimut 24:7 Gym membership: tier, status and next debit.",
            "parameters": {
                "type": "object",
                "properties": {
                    "user_id": {"type": "string", "description": "The member's user id, from {{user_id}}."},
                    "full_name": {"type": "string", "description": "The member's name, from {{full_name}}."},
                },
                "required": ["user_id"],
            },
        },
        "server": {"url": TOOLS_URL, "timeoutSeconds": 20},
        "messages": [{"type": "request-start", "content": "Let me check your membership."}],
    }


def _assistant(name: str, prompt: str, first_message: str, tool_ids: list[str], stack: str) -> Json:
    return {
        "name": name,
        "firstMessage": first_message,
        "firstMessageMode": "assistant-speaks-first",
        "model": {**MODEL, "messages": [{"role": "system", "content": prompt}], "toolIds": tool_ids},
        "voice": VOICE,
        "transcriber": TRANSCRIBER,
        "maxDurationSeconds": 600,
        "endCallPhrases": ["goodbye", "see you at the gym"],
        "metadata": {"stack": stack, "app": "derrimut-platform"},
    }


def _assistants(prefix: str, tool_id: str, stack: str) -> tuple[Json, Json]:
    receptionist = _assistant(
        f"{prefix}{RECEPTIONIST}",
        "You answer calls for Derrimut 24:7 Gym. The caller is {{full_name}} (user id {{user_id}}). "
        "Answer questions about opening hours, classes and facilities; hand membership questions over.",
        "Hi {{full_name}}, thanks for calling Derrimut 24:7 Gym. How can I help?",
        [],
        stack,
    )
    membership = _assistant(
        f"{prefix}{MEMBERSHIP_HELP}",
        "You help {{full_name}} (user id {{user_id}}) with their membership. Call get_membership_status "
        "with their user_id before answering questions about their plan, payments or freezes.",
        "I can help with your membership. One moment while I bring it up.",
        [tool_id],
        stack,
    )
    return receptionist, membership


def _squad(prefix: str, receptionist: Json, membership: Json) -> Json:
    def member(assistant: Json, other: Json, why: str) -> Json:
        return {
            "assistantId": assistant["id"],
            "assistantDestinations": [
                {"type": "assistant", "assistantName": other["name"], "description": why},
            ],
        }

    return {
        "name": f"{prefix}{WORKFLOW_NAME}",
        "members": [
            member(receptionist, membership, "The caller asks about their membership, payments or a freeze."),
            member(membership, receptionist, "The caller's membership question is answered."),
        ],
        "membersOverrides": {"variableValues": {name: "" for name in VARIABLES}},
    }


def _workflow(org: VapiOrg, tool_id: str) -> Json:
    """The retired Workflow the runbook backs up (shape of vapi-openapi-2025-08.json's Workflow)."""
    extract = {
        "schema": {
            "type": "object",
            "properties": {name: {"type": "string"} for name in VARIABLES},
            "required": list(VARIABLES),
        }
    }
    return {
        "id": WORKFLOW_ID,
        "orgId": org.org_id,
        "name": WORKFLOW_NAME,
        "nodes": [
            {
                "type": "conversation",
                "name": "greeting",
                "isStart": True,
                "prompt": "Greet {{full_name}} by name and ask how you can help. "
                "Their user id is {{user_id}}.",
                "variableExtractionPlan": extract,
            },
            {"type": "tool", "name": "membership_status", "toolId": tool_id},
            {
                "type": "conversation",
                "name": "membership_help",
                "prompt": "Explain the membership status of {{full_name}} (user id {{user_id}}) "
                "and answer their questions.",
                "variableExtractionPlan": extract,
            },
        ],
        "edges": [
            {
                "from": "greeting",
                "to": "membership_status",
                "condition": {"type": "ai", "prompt": "The caller asks about their membership."},
            },
            {"from": "membership_status", "to": "membership_help"},
        ],
        "globalPrompt": "You are the Derrimut 24:7 Gym voice agent. Be brief and friendly.",
        "model": {"provider": "openai", "model": "gpt-4o"},
        "voice": VOICE,
        "transcriber": TRANSCRIBER,
        "server": {"url": TOOLS_URL},
        "createdAt": WORKFLOW_CREATED,
        "updatedAt": WORKFLOW_UPDATED,
    }


def derrimut(sandbox: Sandbox) -> dict[str, Any]:
    account = by_name("vapi", ORG)
    assert account is not None
    org = VapiOrg(sandbox, account)
    tool = org.create_tool(membership_tool())
    created: dict[str, Any] = {"tools": [tool["id"]], "assistants": [], "squads": []}
    for prefix, stack in (("", "prod"), ("staging-", "staging")):
        receptionist, membership = (
            org.create_assistant(body) for body in _assistants(prefix, tool["id"], stack)
        )
        squad = org.create_squad(_squad(prefix, receptionist, membership))
        created["assistants"] += [receptionist["id"], membership["id"]]
        created["squads"].append(squad["id"])
    org.objects(WORKFLOW)[WORKFLOW_ID] = _workflow(org, tool["id"])
    created["workflows"] = [WORKFLOW_ID]
    return {ORG: created}
