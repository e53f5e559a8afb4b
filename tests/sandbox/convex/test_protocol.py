"""What the CLI relies on without showing it: error bodies, export states, the HTTP query endpoint, and
the sync protocol's versions, checked over raw HTTP and a raw WebSocket."""

from __future__ import annotations

import base64
import itertools
import json
import time
from typing import Any

from websockets.sync.client import connect

from sandbox.convex import ids
from tests.sandbox.convex.conftest import KEYS, PROD, STAGING, Json, admin, deployment_data, http
from tests.support import SandboxProcess


def u64(value: str) -> int:
    return int.from_bytes(base64.b64decode(value), "little")


def test_errors_are_convex_code_and_message(sandbox: SandboxProcess, derrimut: Json) -> None:
    with http(sandbox) as client:
        missing = client.post("/api/export/request/zip?includeStorage=false")
        assert missing.status_code == 401 and missing.json()["code"] == "BadAdminKey"
        crossed = client.post(
            f"/convex/{PROD}/api/query", headers=admin(STAGING), json={"path": "x", "args": [{}]}
        )
        assert crossed.status_code == 403 and crossed.json()["code"] == "BadDeployKey"
        first = client.post(f"/convex/{STAGING}/api/export/request/zip?includeStorage=false", headers=admin())
        second = client.post("/api/export/request/zip?includeStorage=false", headers=admin())
        assert first.status_code == 200 and first.content == b""
        assert second.status_code == 400 and second.json() == {
            "code": "ExportInProgress",
            "message": "There is already an export requested or in progress.",
        }
        unknown = client.get("/api/export/zip/123", headers=admin())
        assert unknown.status_code == 404 and unknown.json()["code"] == "ExportNotFound"
        bad_id = client.get("/api/export/zip/not-an-id", headers=admin())
        assert bad_id.status_code == 400 and bad_id.json()["code"] == "BadSnapshotId"


def test_an_export_moves_requested_in_progress_completed(sandbox: SandboxProcess, derrimut: Json) -> None:
    with http(sandbox) as client:
        client.post("/api/export/request/zip?includeStorage=false", headers=admin()).raise_for_status()
        seen: list[str] = []
        for _ in range(100):
            (row,) = deployment_data(sandbox)["_exports"].values()
            if not seen or seen[-1] != row["state"]:
                seen.append(row["state"])
            if row["state"] == "completed":
                break
            time.sleep(0.01)
        assert seen[-1] == "completed" and set(seen) <= {"requested", "in_progress", "completed"}
        assert row["start_ts"] < row["complete_ts"] and ids.table_number(row["_id"]) == 31
        download = client.get(f"/api/export/zip/{row['start_ts']}", headers=admin())
        assert download.headers["content-type"] == "application/zip"
        assert (
            download.headers["content-disposition"]
            == f"attachment; filename=snapshot_{STAGING}_{row['start_ts']}.zip"
        )
        assert len(download.content) == row["size"]
        assert client.get(f"/api/export/zip/{row['_id']}", headers=admin()).content == download.content


def test_http_query_answers_convex_json(sandbox: SandboxProcess, derrimut: Json) -> None:
    with http(sandbox) as client:
        client.post("/api/export/request/zip?includeStorage=true", headers=admin()).raise_for_status()
        listed = client.post(
            f"/convex/{STAGING}/api/query",
            headers=admin(),
            json={"path": "_system/cli/queryImport:list", "format": "convex_encoded_json", "args": [{}]},
        )
        assert listed.json() == {"status": "success", "value": [], "logLines": []}
        latest = client.post(
            f"/convex/{STAGING}/api/query",
            headers=admin(),
            json={"path": "_system/cli/exports:getLatest", "args": [{}]},
        ).json()["value"]
        assert latest["format"] == {"format": "zip", "include_storage": True}
        expiry = latest["expiration_ts"]["$integer"]
        assert u64(expiry) > time.time_ns(), "int64 fields travel as {$integer: base64 little-endian}"
        unknown = client.post(
            f"/convex/{STAGING}/api/query", headers=admin(), json={"path": "messages:list", "args": [{}]}
        )
        assert unknown.status_code == 560 and unknown.json()["status"] == "error"
        assert "Could not find public function for 'messages:list'" in unknown.json()["errorMessage"]


def receive(ws: Any) -> Json:
    message: Json = json.loads(ws.recv(timeout=10))
    while message["type"] == "Ping":
        message = json.loads(ws.recv(timeout=10))
    return message


def test_sync_transitions_chain_versions_and_push_changes(sandbox: SandboxProcess, derrimut: Json) -> None:
    url = sandbox.url.replace("http://", "ws://") + f"/convex/{STAGING}/api/1.48.0/sync"
    with connect(url) as ws:
        ws.send(
            json.dumps(
                {
                    "type": "Connect",
                    "sessionId": "s",
                    "connectionCount": 0,
                    "lastCloseReason": None,
                    "clientTs": 0,
                }
            )
        )
        ws.send(
            json.dumps(
                {"type": "Authenticate", "tokenType": "Admin", "value": KEYS[STAGING], "baseVersion": 0}
            )
        )
        ws.send(
            json.dumps(
                {
                    "type": "ModifyQuerySet",
                    "baseVersion": 0,
                    "newVersion": 1,
                    "modifications": [
                        {
                            "type": "Add",
                            "queryId": 0,
                            "udfPath": "_system/cli/exports:getLatest",
                            "args": [{}],
                        }
                    ],
                }
            )
        )
        transitions = [receive(ws)]
        while transitions[-1]["endVersion"]["querySet"] != 1:
            transitions.append(receive(ws))
        assert transitions[0]["startVersion"] == {
            "querySet": 0,
            "ts": base64.b64encode(bytes(8)).decode(),
            "identity": 0,
        }
        for before, after in itertools.pairwise(transitions):
            assert after["startVersion"] == before["endVersion"]
        assert transitions[-1]["endVersion"]["identity"] == 1
        (update,) = [m for t in transitions for m in t["modifications"]]
        assert update == {
            "type": "QueryUpdated",
            "queryId": 0,
            "value": None,
            "logLines": [],
            "journal": None,
        }

        with http(sandbox) as client:
            client.post("/api/export/request/zip?includeStorage=false", headers=admin()).raise_for_status()
        states = []
        last = transitions[-1]
        while "completed" not in states:
            message = receive(ws)
            assert message["startVersion"] == last["endVersion"]
            assert u64(message["endVersion"]["ts"]) >= u64(last["endVersion"]["ts"])
            last = message
            states += [m["value"]["state"] for m in message["modifications"]]
        assert states[0] == "requested" and states[-1] == "completed"


def test_sync_refuses_another_deployments_key(sandbox: SandboxProcess) -> None:
    url = sandbox.url.replace("http://", "ws://") + f"/convex/{STAGING}/api/1.48.0/sync"
    with connect(url) as ws:
        ws.send(
            json.dumps({"type": "Authenticate", "tokenType": "Admin", "value": KEYS[PROD], "baseVersion": 0})
        )
        message = receive(ws)
        assert message["type"] == "AuthError" and message["baseVersion"] == 0
        assert message["error"] == "The provided admin key was invalid for this instance"


def test_sync_without_admin_fails_the_query(sandbox: SandboxProcess) -> None:
    url = sandbox.url.replace("http://", "ws://") + "/api/1.48.0/sync"
    with connect(url) as ws:
        add = {"type": "Add", "queryId": 7, "udfPath": "_system/cli/queryImport", "args": [{"importId": "x"}]}
        ws.send(
            json.dumps({"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1, "modifications": [add]})
        )
        message = receive(ws)
        (failed,) = message["modifications"]
        assert failed["type"] == "QueryFailed" and "needs an admin key" in failed["errorMessage"]
