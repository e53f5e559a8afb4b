"""Snapshot exports: requested → in_progress → completed, as rows of `_exports`, the ZIP kept in memory."""

from __future__ import annotations

from sandbox.convex import snapshots
from sandbox.convex.errors import bad_request, not_found
from sandbox.convex.state import EXPORTS, Deployment, Json, Runtime, now_ts

RETENTION_NS = 14 * 24 * 3600 * 1_000_000_000
"""Convex keeps a snapshot export 14 days (DEFAULT_EXPORT_RETENTION)."""
REQUESTOR = "snapshotExport"


def latest(deployment: Deployment) -> Json | None:
    rows = [r for r in deployment.collection(EXPORTS).values() if r.get("requestor") == REQUESTOR]
    return max(rows, key=lambda r: r["_creationTime"], default=None)


def request(runtime: Runtime, deployment: Deployment, include_storage: bool) -> Json:
    current = latest(deployment)
    if current is not None and current["state"] in ("requested", "in_progress"):
        raise bad_request("ExportInProgress", "There is already an export requested or in progress.")
    row = deployment.system_row(
        EXPORTS,
        {
            "state": "requested",
            "format": {"format": "zip", "include_storage": include_storage},
            "component": None,
            "requestor": REQUESTOR,
            "expiration_ts": now_ts() + RETENTION_NS,
        },
    )
    runtime.spawn(_run(runtime, deployment, row["_id"]))
    return row


async def _run(runtime: Runtime, deployment: Deployment, export_id: str) -> None:
    await runtime.step()
    row = deployment.collection(EXPORTS).get(export_id)
    if row is None or row["state"] != "requested":
        return
    start = now_ts()
    row.update(state="in_progress", start_ts=start, progress_message="Backing up tables")
    # The snapshot is taken at start_ts: later writes are not in it.
    data = snapshots.build(deployment, bool(row["format"]["include_storage"]))
    await runtime.step()
    if deployment.collection(EXPORTS).get(export_id) is not row:
        return
    key = f"{deployment.name}/exports/{export_id}.zip"
    runtime.blobs[key] = data
    row.pop("progress_message", None)
    row.update(state="completed", complete_ts=now_ts(), zip_object_key=key, size=len(data))
    deployment.sandbox.store.persist()


def download(runtime: Runtime, deployment: Deployment, snapshot: str) -> tuple[bytes, str]:
    """By export id or by its start_ts, as `GET /api/export/zip/{id}` takes either."""
    rows = deployment.collection(EXPORTS)
    row = rows.get(snapshot)
    if row is None:
        if not snapshot.isdigit():
            raise bad_request("BadSnapshotId", "Snapshot Id did not parse to an ID.")
        row = next(
            (r for r in rows.values() if r["state"] == "completed" and r.get("start_ts") == int(snapshot)),
            None,
        )
    if row is None:
        raise not_found("ExportNotFound", f"The requested export {snapshot} was not found")
    if row["state"] != "completed":
        raise bad_request("ExportNotComplete", f"The requested export {snapshot} has not completed")
    data = runtime.blobs.get(row["zip_object_key"])
    if data is None:
        raise not_found(
            "ExportNotFound", f"The requested export {row['start_ts']}/{row['zip_object_key']} was not found"
        )
    return data, f"snapshot_{deployment.name}_{row['start_ts']}.zip"
