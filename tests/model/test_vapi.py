"""The Vapi section: references, scope and the retired workflows are checked before anything runs, with
errors naming the file, the YAML path, the line and the reason."""

from __future__ import annotations

import pytest

from backstop.plugin.model import DesiredStateError, parse_document
from tests.support import ROOT

VALID = """\
version: 1
stack: prod
scope:
  vapi:
    org_id: 562cb561-7989-5bc7-8e8c-6eb62c59f7ff
    prefix: ""
    excluded_prefixes: ["staging-"]
vapi:
  tools:
    - key: lookup
      function:
        name: get_membership_status
        parameters: {type: object, properties: {user_id: {type: string}}}
      server:
        url: https://app.example.com/api/vapi/tools
  assistants:
    - key: front-desk
      name: Front Desk
      model: {provider: openai, model: gpt-4o}
      voice: {provider: 11labs, voiceId: charlotte}
      tools: [lookup]
    - key: help
      name: Help
      model: {provider: openai, model: gpt-4o}
      voice: {provider: 11labs, voiceId: charlotte}
  squads:
    - key: agent
      name: Agent
      members:
        - assistant: front-desk
          destinations:
            - assistant: help
        - assistant: help
"""


def problems(text: str) -> list[str]:
    with pytest.raises(DesiredStateError) as caught:
        parse_document(text, "snapshots/prod.yaml")
    return [str(p) for p in caught.value.problems]


def edited(*edits: tuple[str, str]) -> str:
    text = VALID
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def test_a_valid_section_parses_and_wires_by_key() -> None:
    desired = parse_document(VALID, "x.yaml")
    assert desired.vapi is not None and desired.scope.vapi is not None
    squad = desired.vapi.squads[0]
    members = squad.members_spec({"front-desk": "id-1", "help": "id-2"}, desired.vapi.assistant_names())
    assert [m["assistant_id"] for m in members] == ["id-1", "id-2"]
    assert members[0]["destinations"] == [{"assistant_name": "Help", "description": None, "message": None}]


def test_the_committed_documents_scope_each_stack_apart() -> None:
    from backstop.plugin.model import load_document

    prod = load_document(ROOT / "snapshots" / "prod.yaml")
    staging = load_document(ROOT / "snapshots" / "staging.yaml")
    assert prod.scope.vapi and staging.scope.vapi and prod.vapi and staging.vapi
    assert prod.scope.vapi.org_id == staging.scope.vapi.org_id, "one org, shared"
    for mine, theirs in ((prod, staging), (staging, prod)):
        assert mine.vapi and theirs.vapi and mine.scope.vapi
        names = [a.name for a in theirs.vapi.assistants] + [s.name for s in theirs.vapi.squads]
        names += [t.function.name for t in theirs.vapi.tools]
        assert not any(mine.scope.vapi.owns(name) for name in names), "no stack can claim the other's"


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        (
            [("      tools: [lookup]", "      tools: [lookup, transfer]")],
            "snapshots/prod.yaml:21: vapi.assistants[0].tools[1]: names tool 'transfer', "
            "which vapi.tools does not declare",
        ),
        (
            [("\n        - assistant: help\n", "\n        - assistant: helpdesk\n")],
            "snapshots/prod.yaml:33: vapi.squads[0].members[1].assistant: names assistant 'helpdesk', "
            "which vapi.assistants does not declare",
        ),
        (
            [("            - assistant: help", "            - assistant: nobody")],
            "snapshots/prod.yaml:32: vapi.squads[0].members[0].destinations[0].assistant: names assistant "
            "'nobody', which vapi.assistants does not declare",
        ),
        (
            [("      name: Help", "      name: staging-Help")],
            "snapshots/prod.yaml:23: vapi.assistants[1].name: 'staging-Help' is outside this stack's Vapi "
            "scope (names not starting with 'staging-')",
        ),
        (
            [("        name: get_membership_status", "        name: staging-get_membership_status")],
            "snapshots/prod.yaml:12: vapi.tools[0].function.name: 'staging-get_membership_status' is outside",
        ),
        (
            [('    prefix: ""\n    excluded_prefixes: ["staging-"]', '    prefix: "prod-"')],
            "snapshots/prod.yaml:27: vapi.squads[0].name: 'Agent' is outside this stack's Vapi scope "
            "(names starting with 'prod-')",
        ),
        (
            [("      name: Front Desk", "      name: Front Desk\n      colour: red")],
            "snapshots/prod.yaml:19: vapi.assistants[0].colour: unknown field",
        ),
        (
            [
                (
                    "        url: https://app.example.com/api/vapi/tools",
                    "        url: https://app.example.com/x\n        headers: {Authorization: Bearer abc}",
                )
            ],
            "snapshots/prod.yaml:16: vapi.tools[0].server.headers: unknown field",
        ),
        (
            [("    - key: help\n", "    - key: front-desk\n")],
            "snapshots/prod.yaml:16: vapi.assistants: two entries have the same key 'front-desk'",
        ),
        (
            [("      name: Help", "      name: Front Desk")],
            "snapshots/prod.yaml:16: vapi.assistants: two entries have the same name 'Front Desk'",
        ),
        (
            [('excluded_prefixes: ["staging-"]', 'excluded_prefixes: ["staging-", "staging-"]')],
            "snapshots/prod.yaml:7: scope.vapi.excluded_prefixes: lists a prefix twice",
        ),
        (
            [('    prefix: ""', '    prefix: "staging-"'), ('["staging-"]', '["prod-"]')],
            "snapshots/prod.yaml:7: scope.vapi.excluded_prefixes: 'prod-' must be a longer prefix",
        ),
    ],
)
def test_bad_vapi_sections_fail_with_the_yaml_path(edits: list[tuple[str, str]], expected: str) -> None:
    found = problems(edited(*edits))
    assert any(p.startswith(expected) for p in found), found


def test_a_workflows_section_is_refused_and_points_at_the_archive() -> None:
    text = VALID + "  workflows:\n    - key: legacy\n      name: Derrimut voice agent\n"
    (problem,) = problems(text)
    assert problem.startswith("snapshots/prod.yaml:34: vapi.workflows: Vapi retired Workflows on 2026-08-18")
    assert "snapshots/vapi-legacy/" in problem


def test_objects_without_a_vapi_scope_are_refused() -> None:
    text = edited(
        (
            '  vapi:\n    org_id: 562cb561-7989-5bc7-8e8c-6eb62c59f7ff\n    prefix: ""\n'
            '    excluded_prefixes: ["staging-"]\n',
            "  stripe:\n    mode: test\n",
        )
    )
    assert any("declares Vapi objects but scope.vapi is missing" in p for p in problems(text))
