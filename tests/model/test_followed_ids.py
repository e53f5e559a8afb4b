"""Variables that follow a Vapi object's id (`value_from: {output: vapi.squads.<key>.id}`): a declared
object of the same stack, named where the variable is written; never through another stack's outputs."""

from __future__ import annotations

import pytest

from backstop.plugin.model import DesiredStateError, parse_document
from backstop.plugin.model.outputs import declared_paths, ids_by_path, is_id

VALID = """\
version: 1
stack: prod
scope:
  vapi:
    org_id: 562cb561-7989-5bc7-8e8c-6eb62c59f7ff
    prefix: ""
  vercel:
    team: team_derrimut
    projects: [prj_Platform1]
  convex: {deployment: spotted-gerbil-236}
vapi:
  assistants:
    - key: front-desk
      name: Front Desk
      model: {provider: openai, model: gpt-4o}
      voice: {provider: 11labs, voiceId: charlotte}
  squads:
    - key: voice-agent
      name: Voice agent
      members:
        - assistant: front-desk
vercel:
  projects:
    - key: platform
      id: prj_Platform1
      env:
        - key: vapi-squad-id
          name: NEXT_PUBLIC_VAPI_SQUAD_ID
          targets: [production, preview, development]
          value_from: {output: vapi.squads.voice-agent.id}
        - key: vapi-assistant-id
          name: VAPI_ASSISTANT_ID
          targets: [production]
          sensitive: true
          value_from: {output: vapi.assistants.front-desk.id}
convex:
  env:
    - key: vapi-squad-id
      name: VAPI_SQUAD_ID
      value_from: {output: vapi.squads.voice-agent.id}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(DesiredStateError) as caught:
        parse_document(text, "snapshots/prod.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_public_variable_can_follow_a_declared_squad_or_assistant_id() -> None:
    desired = parse_document(VALID, "prod.yaml")
    assert desired.vercel is not None and desired.convex is not None
    sources = [var.value_from for _, var in desired.vercel.variables()] + [
        var.value_from for var in desired.convex.env
    ]
    assert all(s is not None and s.follows_id and not s.follows_secret for s in sources)
    assert [s.output for s in sources if s] == [
        "vapi.squads.voice-agent.id",
        "vapi.assistants.front-desk.id",
        "vapi.squads.voice-agent.id",
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "{output: vapi.squads.voice-agent.id}\n        - key: vapi-assistant-id",
            "{output: vapi.squads.voice-agnt.id}\n        - key: vapi-assistant-id",
            "snapshots/prod.yaml:27: vercel.projects[0].env[0]: Vercel variable 'vapi-squad-id': "
            "value_from.output vapi.squads.voice-agnt.id names an object this document does not declare "
            "(vapi.squads has no key 'voice-agnt')",
        ),
        (
            "VAPI_SQUAD_ID\n      value_from: {output: vapi.squads.voice-agent.id}",
            "VAPI_SQUAD_ID\n      value_from: {output: vapi.squads.front-desk.id}",
            "snapshots/prod.yaml:38: convex.env[0]: Convex variable 'vapi-squad-id': value_from.output "
            "vapi.squads.front-desk.id names an object this document does not declare (vapi.squads has "
            "no key 'front-desk')",
        ),
        (
            "{output: vapi.assistants.front-desk.id}",
            "{output: vapi.assistants.front-desk.name}",
            "snapshots/prod.yaml:35: vercel.projects[0].env[1].value_from.output: String should match pattern",
        ),
        (
            "{output: vapi.assistants.front-desk.id}",
            "{stack_output: {stack: staging, output: vapi.assistants.front-desk.id}}",
            "snapshots/prod.yaml:35: vercel.projects[0].env[1].value_from.stack_output.output: "
            "vapi.assistants.front-desk.id: stack_output reads another stack's webhook signing secrets (its "
            "webhook_secrets output) only; an object id is followed in the stack that declares the object",
        ),
    ],
)
def test_a_bad_id_path_is_refused_with_file_line_and_path(old: str, new: str, expected: str) -> None:
    assert VALID.count(old) == 1, old
    found = problems(VALID.replace(old, new))
    assert any(expected in line for line in found), found


def test_a_document_without_the_squad_refuses_its_followers() -> None:
    scope = '  vapi:\n    org_id: 562cb561-7989-5bc7-8e8c-6eb62c59f7ff\n    prefix: ""\n'
    head, rest = VALID.replace(scope, "").split("vapi:\n  assistants:")
    found = problems(head + "vercel:" + rest.split("\nvercel:", 1)[1])
    assert len(found) == 3 and all("names an object this document does not declare" in p for p in found)


def test_paths_and_the_stack_outputs_that_hold_ids() -> None:
    assert is_id("vapi.squads.voice-agent.id") and not is_id("stripe.webhook_endpoints.app.secret")
    assert declared_paths({"vapi": {"squads": [{"key": "a"}], "assistants": "oops"}}) == {"vapi.squads.a.id"}
    exported = {"vapi_squads": {"voice-agent": "sq-1"}, "vapi_assistants": {"help": "as-1", "x": None}}
    assert ids_by_path(exported) == {
        "vapi.squads.voice-agent.id": "sq-1",
        "vapi.assistants.help.id": "as-1",
    }
