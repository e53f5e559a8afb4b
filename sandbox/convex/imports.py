"""Snapshot imports: upload in parts, then uploaded → waiting_for_confirmation → (perform) in_progress →
completed or failed, as rows of `_snapshot_imports`.

Modes, as Convex applies them: `requireEmpty` fails when an imported table has documents, `append` adds,
`replace` empties each imported table first (tables not in the import are left alone), `replaceAll`
also empties every table the import does not name. Documents keep their `_id` and `_creationTime`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from sandbox.convex import ids, snapshots
from sandbox.convex.errors import bad_request, not_found
from sandbox.convex.models import MODE_NAMES, FinishUpload
from sandbox.convex.snapshots import ImportFailure, Parsed
from sandbox.convex.state import IMPORTS, STORAGE, Deployment, Json, Runtime, Upload, creation_time, now_ts

SINGLE_FORMATS = {"jsonLines": "jsonl", "jsonArray": "json_array", "csv": "csv"}


def start_upload(runtime: Runtime, deployment: Deployment) -> str:
    token = secrets.token_urlsafe(24)
    runtime.uploads[token] = Upload(deployment.name)
    return token


def _upload(runtime: Runtime, deployment: Deployment, token: str) -> Upload:
    upload = runtime.uploads.get(token)
    if upload is None or upload.deployment != deployment.name:
        raise bad_request("InvalidUploadToken", "The upload token is not valid for this deployment")
    return upload


def upload_part(runtime: Runtime, deployment: Deployment, token: str, part_number: int, data: bytes) -> str:
    if not 1 <= part_number <= 10_000:
        raise bad_request("InvalidPartNumber", f"Part number {part_number} is out of range 1..10000")
    upload = _upload(runtime, deployment, token)
    part_token = f"{part_number}:{secrets.token_urlsafe(12)}"
    upload.parts[part_token] = data
    return part_token


def finish_upload(runtime: Runtime, deployment: Deployment, body: FinishUpload) -> Json:
    args = body.import_
    if args.componentPath:
        raise bad_request("ComponentsNotEmulated", "Importing into components is not emulated by the sandbox")
    if args.format == "zip":
        if args.tableName is not None:
            raise bad_request("InvalidName", "ZIP import cannot have table name")
        stored_format: Json = {"format": "zip"}
    else:
        if args.tableName is None:
            raise bad_request("InvalidName", f"{args.format} import requires table name")
        stored_format = {"format": SINGLE_FORMATS[args.format], "table": args.tableName}
    upload = _upload(runtime, deployment, body.uploadToken)
    missing = [t for t in body.partTokens if t not in upload.parts]
    if missing:
        raise bad_request("InvalidPartToken", f"Unknown part token {missing[0]!r}")
    data = b"".join(upload.parts[t] for t in body.partTokens)
    del runtime.uploads[body.uploadToken]
    key = f"{deployment.name}/imports/{secrets.token_hex(8)}"
    runtime.blobs[key] = data
    row = deployment.system_row(
        IMPORTS,
        {
            "state": {"state": "uploaded"},
            "format": stored_format,
            "mode": MODE_NAMES[args.mode],
            "component_path": None,
            "object_key": key,
            "member_id": None,
            "checkpoints": None,
            "requestor": {"type": "snapshotImport"},
        },
    )
    runtime.spawn(_prepare(runtime, deployment, row["_id"]))
    return row


def _parse(runtime: Runtime, row: Json) -> Parsed:
    data = runtime.blobs.get(row["object_key"], b"")
    if data[:3] == b"\xef\xbb\xbf":
        raise ImportFailure("UTF-8 BOM is not supported. Please save your file without BOM.")
    fmt = row["format"]
    if fmt["format"] == "zip":
        return snapshots.parse_zip(data)
    if fmt["format"] == "csv":
        raise ImportFailure("CSV imports are not emulated by the sandbox")
    return snapshots.parse_single(
        data, fmt["table"], "jsonLines" if fmt["format"] == "jsonl" else "jsonArray"
    )


def _separate(n: int) -> str:
    return f"{n:,}"


def _summary(changes: list[tuple[str, int, str]]) -> list[str]:
    """Convex's change table: `table | create | delete |` with columns padded to their widest cell."""
    rows = [("table", "create", "delete"), *changes]
    widths = [max(len(str(r[i])) for r in rows) for i in range(3)]
    lines = []
    for i, (table, create, delete) in enumerate(rows):
        lines.append(f"{table:<{widths[0]}} | {create!s:<{widths[1]}} | {delete:<{widths[2]}} |")
        if i == 0:
            lines.append("-" * (widths[0] + 3 + widths[1] + 3 + widths[2] + 2))
    return lines


def _targets(deployment: Deployment, parsed: Parsed, mode: str) -> Iterable[str]:
    names = list(parsed.tables)
    if mode == "ReplaceAll":
        names += [t for t in deployment.tables() if t not in parsed.tables]
    return sorted(set(names))


async def _prepare(runtime: Runtime, deployment: Deployment, import_id: str) -> None:
    await runtime.step()
    row = deployment.collection(IMPORTS).get(import_id)
    if row is None or row["state"]["state"] != "uploaded":
        return
    try:
        parsed = _parse(runtime, row)
        mode = row["mode"]
        changes: list[tuple[str, int, str]] = []
        checkpoints = []
        confirm = False
        for table in _targets(deployment, parsed, mode):
            existing = len(deployment.documents(table)) if table in deployment.tables() else 0
            if mode == "RequireEmpty" and existing:
                raise ImportFailure(
                    f"Table {table} already exists. Please choose a new table name or use "
                    "replace/append modes."
                )
            deleting = existing if mode in ("Replace", "ReplaceAll") else 0
            confirm = confirm or deleting > 0
            added = len(parsed.tables.get(table, []))
            changes.append((table, added, f"{_separate(deleting)} of {_separate(existing)} documents"))
            checkpoints.append(
                {
                    "component_path": None,
                    "display_table_name": table,
                    "tablet_id": None,
                    "num_rows_written": 0,
                    "total_num_rows_to_write": added,
                    "existing_rows_to_delete": deleting,
                    "existing_rows_in_table": existing,
                    "is_missing_id_field": any("_id" not in d for d in parsed.tables.get(table, [])),
                }
            )
        if parsed.storage is not None:
            existing = len(deployment.collection(STORAGE))
            deleting = existing if mode in ("Replace", "ReplaceAll") else 0
            confirm = confirm or deleting > 0
            changes.append(
                (STORAGE, len(parsed.storage), f"{_separate(deleting)} of {_separate(existing)} files")
            )
        message = ["Import change summary:", *_summary(sorted(changes))] if changes else []
        message.append(
            "Once the import has started, it will run in the background.\n"
            "Interrupting `npx convex import` will not cancel it."
        )
        row["state"] = {
            "state": "waiting_for_confirmation",
            "message_to_confirm": "\n".join(message),
            "require_manual_confirmation": confirm,
        }
        row["checkpoints"] = checkpoints
    except (ImportFailure, UnicodeDecodeError) as exc:
        row["state"] = {"state": "failed", "error_message": str(exc)}
    deployment.sandbox.store.persist()


def perform(runtime: Runtime, deployment: Deployment, import_id: str) -> None:
    try:
        ids.table_number(import_id)
    except ids.InvalidId:
        raise bad_request("InvalidImport", f"invalid import id {import_id}") from None
    row = deployment.collection(IMPORTS).get(import_id)
    if row is None:
        raise not_found("ImportNotFound", f"Import {import_id} not found")
    if row["state"]["state"] != "waiting_for_confirmation":
        raise bad_request("ImportNotWaitingForConfirmation", "This import is not waiting for confirmation")
    row["state"] = {"state": "in_progress", "progress_message": "Importing", "checkpoint_messages": []}
    runtime.spawn(_apply(runtime, deployment, import_id))


async def _apply(runtime: Runtime, deployment: Deployment, import_id: str) -> None:
    await runtime.step()
    row = deployment.collection(IMPORTS).get(import_id)
    if row is None or row["state"]["state"] != "in_progress":
        return
    try:
        written = write(deployment, _parse(runtime, row), row["mode"])
        row["state"] = {"state": "completed", "timestamp": now_ts(), "num_rows_written": written}
        runtime.blobs.pop(row["object_key"], None)
    except ImportFailure as exc:
        row["state"] = {"state": "failed", "error_message": str(exc)}
    deployment.sandbox.store.persist()


def write(deployment: Deployment, parsed: Parsed, mode: str) -> int:
    """Applies the import in one step (Convex commits it as one transaction at the end)."""
    prepared: dict[str, tuple[int, list[Json]]] = {}
    for table, documents in parsed.tables.items():
        number = parsed.numbers.get(table) or deployment.tables().get(table)
        rows = []
        for n, document in enumerate(documents, start=1):
            if "_id" in document:
                id_number = ids.table_number(document["_id"])
                if number is None:
                    number = id_number
                if id_number != number:
                    raise ImportFailure(
                        f"Hit an error while importing:\n{table}: Row {n}: _id {document['_id']} belongs to "
                        f"table number {id_number}, not {table} ({number})"
                    )
            rows.append(document)
        prepared[table] = (number or 0, rows)
    if mode == "Append":
        for table, (_, rows) in prepared.items():
            existing = deployment.documents(table) if table in deployment.tables() else {}
            clash = next((d["_id"] for d in rows if d.get("_id") in existing), None)
            if clash is not None:
                raise ImportFailure(f"Hit an error while importing:\n{table}: _id {clash} already exists")
    written = 0
    for table in _targets(deployment, parsed, mode):
        if table not in prepared:
            deployment.drop_table(table)
            continue
        number, rows = prepared[table]
        number = deployment.add_table(table, number or None)
        target = deployment.documents(table)
        if mode in ("Replace", "ReplaceAll"):
            target.clear()
        for document in rows:
            stored = dict(document)
            stored.setdefault("_id", deployment.new_id(number))
            stored.setdefault("_creationTime", creation_time())
            target[stored["_id"]] = stored
            written += 1
    if parsed.storage is not None:
        files = deployment.collection(STORAGE)
        if mode in ("Replace", "ReplaceAll"):
            files.clear()
        for meta, content in parsed.storage:
            entry = snapshots.storage_entry(meta, content)
            files[entry["_id"]] = entry
            written += 1
    return written
