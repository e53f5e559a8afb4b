"""What a backup folder holds and says about itself (`manifest.json`)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

BackupClass = Literal["daily", "manual", "critical", "release"]
Kind = Literal["configuration", "database"]
MANIFEST = "manifest.json"


class TableRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")
    count: int
    sha256: str
    """Of the table's documents as canonical JSON in `_id` order (backstop/runbook/db/snapshot.py)."""


class DatabaseExport(BaseModel):
    """Where a database backup's export is and what it holds. The export itself is never in the folder:
    it is in the backup store, encrypted with age."""

    model_config = ConfigDict(extra="forbid")
    engine: Literal["convex"] = "convex"
    deployment: str
    snapshot_at: datetime
    """The point in time the data is from (the export's snapshot timestamp)."""
    include_file_storage: bool
    file_storage_files: int
    tables: dict[str, TableRecord]
    store: str
    """The store's URL (a folder or s3://bucket/prefix)."""
    object: str
    """The object's key in the store."""
    sha256: str
    """Of the encrypted object, as stored."""
    size_bytes: int
    plaintext_sha256: str
    recipient: str
    """The age recipient (public key) it is encrypted to."""


class StoreCopy(BaseModel):
    """A configuration backup's off-site copy: its folder as a gzipped tar, encrypted with age to the
    stack's `dbBackupKey`, in the backup store. The tar's own manifest.json is this manifest without
    `store_copy` (which names the tar, so can't be inside it)."""

    model_config = ConfigDict(extra="forbid")
    store: str
    """The store's URL (a folder or s3://bucket/prefix)."""
    object: str
    """The object's key in the store."""
    sha256: str
    """Of the encrypted object, as stored."""
    size_bytes: int
    recipient: str
    """The age recipient (public key) it is encrypted to."""


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    stack: str
    created_at: datetime
    label: str = Field(min_length=1, max_length=200)
    backup_class: BackupClass = Field(alias="class")
    created_by: str
    git_commit: str | None
    tool_version: str
    engine_version: str
    resource_counts: dict[str, int]
    checksums: dict[str, str]
    """File name -> sha256 of each file in the folder other than the manifest."""
    status: Literal["complete", "failed"]
    approved_by: str | None = None
    """Who approved the restore this backup was taken for, when one was needed."""
    kind: Kind = "configuration"
    database: DatabaseExport | None = None
    """For kind "database": the export in the backup store."""
    store_copy: StoreCopy | None = None
    """For kind "configuration", when `BACKSTOP_STORE_URL` was set: the folder's copy in the backup store."""

    @field_validator("label")
    @classmethod
    def _one_line(cls, label: str) -> str:
        if "\n" in label or "\r" in label:
            raise ValueError("must be one line")
        return label


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def backup_id(stack: str, at: datetime) -> str:
    return f"{stack}-{at.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"
