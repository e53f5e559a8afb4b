"""`npx convex export` and `npx convex import` (convex 1.48.0, unmodified) against the sandbox."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from sandbox.convex import ids
from tests.sandbox.convex.conftest import KEYS, PROD, STAGING, ConvexCli, Json, deployment_data
from tests.support import SandboxProcess


def lines(archive: zipfile.ZipFile, name: str) -> list[Json]:
    return [json.loads(line) for line in archive.read(name).decode().splitlines() if line.strip()]


def test_export_writes_convex_snapshot_zip(
    convex: ConvexCli, sandbox: SandboxProcess, derrimut: Json, tmp_path: Path
) -> None:
    target = tmp_path / "snapshot.zip"
    done = convex(sandbox, "export", "--path", str(target))
    assert "Created snapshot export at timestamp" in done.output
    stored = deployment_data(sandbox)
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        assert "README.md" in names and "_tables/documents.jsonl" in names
        numbered = {row["name"]: row["id"] for row in lines(archive, "_tables/documents.jsonl")}
        assert len(numbered) == 26 and set(numbered) == set(derrimut[STAGING]["tables"])
        for table, number in numbered.items():
            assert f"{table}/generated_schema.jsonl" in names
            documents = lines(archive, f"{table}/documents.jsonl")
            assert {d["_id"]: d for d in documents} == stored[table]
            assert all(ids.table_number(d["_id"]) == number for d in documents)
            assert all(isinstance(d["_creationTime"], float) for d in documents)
    export = max(stored["_exports"].values(), key=lambda r: r["_creationTime"])
    assert export["state"] == "completed" and export["requestor"] == "snapshotExport"
    assert export["size"] == target.stat().st_size


def test_export_to_a_folder_uses_the_attachment_name(
    convex: ConvexCli, sandbox: SandboxProcess, derrimut: Json, tmp_path: Path
) -> None:
    convex(sandbox, "export", "--path", str(tmp_path), deployment=PROD)
    (written,) = tmp_path.glob("snapshot_spotted-gerbil-236_*.zip")
    with zipfile.ZipFile(written) as archive:
        assert len(lines(archive, "users/documents.jsonl")) == derrimut[PROD]["tables"]["users"]


def test_import_replace_restores_deleted_and_corrupted_documents(
    convex: ConvexCli, sandbox: SandboxProcess, derrimut: Json, tmp_path: Path
) -> None:
    snapshot = tmp_path / "snapshot.zip"
    convex(sandbox, "export", "--path", str(snapshot))
    before = sandbox.dump()
    state = json.loads(json.dumps(before))
    data = state["convex"][STAGING]
    data["users"] = {}
    for membership in data["memberships"].values():
        membership["status"] = "CORRUPTED"
    data["newTable"] = {}
    sandbox.load(state)

    done = convex(sandbox, "import", "--replace", "--yes", str(snapshot))
    total = sum(derrimut[STAGING]["tables"].values())
    assert f"Added {total} documents." in done.output
    assert "users               | 5      | 0 of 0 documents |" in done.output
    after = deployment_data(sandbox)
    for table in derrimut[STAGING]["tables"]:
        assert after[table] == before["convex"][STAGING][table], table
    assert "newTable" in after, "replace leaves tables the import does not hold"


def test_import_into_a_non_empty_table_needs_a_mode(
    convex: ConvexCli, sandbox: SandboxProcess, derrimut: Json, tmp_path: Path
) -> None:
    snapshot = tmp_path / "snapshot.zip"
    convex(sandbox, "export", "--path", str(snapshot))
    done = convex(sandbox, "import", "--yes", str(snapshot), ok=(1,))
    assert "already exists. Please choose a new table name or use replace/append modes." in done.output
    imports = deployment_data(sandbox)["_snapshot_imports"].values()
    assert [row["state"]["state"] for row in imports] == ["failed"]


def test_a_one_table_zip_replaces_only_that_table(
    convex: ConvexCli, sandbox: SandboxProcess, derrimut: Json, tmp_path: Path
) -> None:
    before = deployment_data(sandbox)
    users = sorted(before["users"].values(), key=lambda d: d["_id"])
    one = tmp_path / "users.zip"
    with zipfile.ZipFile(one, "w") as archive:
        archive.writestr("users/documents.jsonl", "".join(json.dumps(u) + "\n" for u in users[:2]))
    state = sandbox.dump()
    state["convex"][STAGING]["orders"] = {}
    sandbox.load(state)
    convex(sandbox, "import", "--replace", "--yes", str(one))
    after = deployment_data(sandbox)
    assert sorted(after["users"]) == [u["_id"] for u in users[:2]]
    assert after["orders"] == {}, "the other tables are left as they are"


def test_an_id_of_another_table_fails_the_import(
    convex: ConvexCli, sandbox: SandboxProcess, derrimut: Json, tmp_path: Path
) -> None:
    order = next(iter(deployment_data(sandbox)["orders"].values()))
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("users/documents.jsonl", json.dumps(order) + "\n")
    done = convex(sandbox, "import", "--replace", "--yes", str(bad), ok=(1,))
    assert "belongs to table number" in done.output
    assert len(deployment_data(sandbox)["users"]) == derrimut[STAGING]["tables"]["users"]


def test_file_storage_is_exported_on_request_and_imported_back(
    convex: ConvexCli, sandbox: SandboxProcess, derrimut: Json, tmp_path: Path
) -> None:
    state = sandbox.dump()
    file_id = ids.encode(540)
    state["convex"][STAGING]["_storage"] = {
        file_id: {
            "_id": file_id,
            "_creationTime": 1767225600000.5,
            "sha256": "",
            "size": 4,
            "contentType": "image/png",
            "data": "iVBORw==",
        }
    }
    sandbox.load(state)
    snapshot = tmp_path / "with-files.zip"
    convex(sandbox, "export", "--include-file-storage", "--path", str(snapshot))
    with zipfile.ZipFile(snapshot) as archive:
        assert archive.read(f"_storage/{file_id}.png") == b"\x89PNG"
        assert lines(archive, "_storage/documents.jsonl")[0]["contentType"] == "image/png"
    state["convex"][STAGING]["_storage"] = {}
    sandbox.load(state)
    convex(sandbox, "import", "--replace", "--yes", str(snapshot))
    assert deployment_data(sandbox)["_storage"][file_id]["data"] == "iVBORw=="


def test_keys_are_checked_as_convex_checks_them(
    convex: ConvexCli, sandbox: SandboxProcess, derrimut: Json, tmp_path: Path
) -> None:
    wrong = convex(sandbox, "export", "--path", str(tmp_path / "x.zip"), key="not-a-key", ok=(1,))
    assert "The provided admin key was invalid for this instance" in wrong.output
    assert not (tmp_path / "x.zip").exists()
    snapshot = tmp_path / "staging.zip"
    convex(sandbox, "export", "--path", str(snapshot))
    prod_before = deployment_data(sandbox, PROD)
    other = convex(
        sandbox, "import", "--replace", "--yes", str(snapshot), deployment=PROD, key=KEYS[STAGING], ok=(1,)
    )
    assert "invalid for deployment 'spotted-gerbil-236'" in other.output
    assert deployment_data(sandbox, PROD) == prod_before
