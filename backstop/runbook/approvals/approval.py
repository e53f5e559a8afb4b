"""The approval file: what an approver signed (the stack, what may be applied to it, until when, a
single-use nonce, the approver's name) and the SSH signature over its canonical bytes."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from backstop.plugin.model.errors import DesiredStateError, Problem
from backstop.runbook.approvals.matrix import Kind

Operation = Literal["restore", "update"]


class Payload(BaseModel):
    """What is signed. A restore approval names the backup and its manifest's SHA-256; an update
    approval the SHA-256 of the desired-state document it applies."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: Literal[1] = 1
    stack: str
    operation: Operation
    backup: str | None = None
    manifest_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    document_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    kinds: list[Kind] = Field(min_length=1)
    issued_at: datetime
    expires_at: datetime
    nonce: str = Field(pattern=r"^[0-9a-f]{32}$")
    approver: str

    def canonical(self) -> bytes:
        """The signed bytes: sorted keys, no spaces, so re-indenting the file changes nothing."""
        data = self.model_dump(mode="json")
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def subject(self) -> str:
        if self.backup:
            return f"backup {self.backup} (manifest sha256 {self.manifest_sha256})"
        return f"the document with sha256 {self.document_sha256}"


class ApprovalFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    approval: Payload
    signature: str

    def text(self) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=2) + "\n"


def out_name(stack: str, backup: str | None, document_sha256: str | None) -> str:
    """`approve`'s default file name: approval-<stack>-<what>.json."""
    what = backup or f"document-{(document_sha256 or '')[:12]}"
    return f"approval-{stack}-{what}.json"


def load_approval(path: Path) -> ApprovalFile:
    """The file, or an error naming it, the field and the reason."""
    name = str(path)
    try:
        data = json.loads(path.read_text())
    except OSError as exc:
        raise DesiredStateError(
            [Problem(name, "", f"cannot read the approval file: {exc.strerror}")]
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DesiredStateError([Problem(name, "", f"not an approval file (JSON: {exc})")]) from None
    try:
        return ApprovalFile.model_validate(data)
    except ValidationError as exc:
        raise DesiredStateError(
            [Problem(name, ".".join(map(str, e["loc"])) or "", str(e["msg"])) for e in exc.errors()]
        ) from None
