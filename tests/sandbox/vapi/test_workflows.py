"""Legacy workflows, read-only since Vapi retired them: GET /workflow and GET /workflow/{id} answer in the
shapes of vapi-openapi-2025-08.json (the SDK has no workflows client: raw HTTP); create, update and delete
answer as removed NestJS routes do."""

from __future__ import annotations

import json

import pytest

from sandbox.vapi.fixtures import TOOLS_URL, WORKFLOW_ID
from tests.sandbox.vapi.conftest import Api, Json, document, stored
from tests.support import SandboxProcess


def test_the_runbook_workflow_reads_back(api: Api, derrimut: Json) -> None:
    listed = api.ok("GET", "/workflow")
    assert [w["id"] for w in listed] == [WORKFLOW_ID] == derrimut["workflows"]
    workflow = api.ok("GET", f"/workflow/{WORKFLOW_ID}")
    assert workflow == listed[0] and workflow["name"] == "Derrimut voice agent"
    nodes = {n["name"]: n for n in workflow["nodes"]}
    for node in nodes.values():
        if node["type"] == "conversation":
            assert "{{user_id}}" in node["prompt"] and "{{full_name}}" in node["prompt"]
            assert set(node["variableExtractionPlan"]["schema"]["properties"]) == {"user_id", "full_name"}
    tool_node = next(n for n in workflow["nodes"] if n["type"] == "tool")
    tool = api.ok("GET", f"/tool/{tool_node['toolId']}")
    assert tool["function"]["name"] == "get_membership_status" and tool["server"]["url"] == TOOLS_URL
    assert {(e["from"], e["to"]) for e in workflow["edges"]} <= {(a, b) for a in nodes for b in nodes}


def test_the_current_document_has_no_workflow_paths() -> None:
    """Why /workflow is validated against the 2025-08 document (a DEVIATIONS entry)."""
    with pytest.raises(KeyError):
        document("vapi").operation("GET", "/workflow")
    assert document("vapi-2025-08").operation("GET", "/workflow")[0] == "/workflow"


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/workflow"), ("PATCH", f"/workflow/{WORKFLOW_ID}"), ("DELETE", f"/workflow/{WORKFLOW_ID}")],
)
def test_mutations_answer_as_removed_routes(
    api: Api, sandbox: SandboxProcess, derrimut: Json, method: str, path: str
) -> None:
    before = stored(sandbox, "workflows")
    body = json.dumps({"name": "Derrimut voice agent", "nodes": [], "edges": []})
    response = api(method, path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 404
    assert response.json() == {"message": f"Cannot {method} {path}", "error": "Not Found", "statusCode": 404}
    assert stored(sandbox, "workflows") == before


def test_an_unknown_workflow_is_404(api: Api, derrimut: Json) -> None:
    assert api.error("GET", "/workflow/not-a-workflow", 404) == "Workflow not found"


def test_no_workflows_is_an_empty_list(api: Api) -> None:
    assert api.ok("GET", "/workflow") == []
