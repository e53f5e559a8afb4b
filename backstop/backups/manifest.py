"""What a backup folder holds and says about itself (`manifest.json`)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

BackupClass = Literal["daily", "manual", "critical", "release"]
MANIFEST = "manifest.json"


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
