"""Whether an approval file lets one change through: its signature by a key in approvals.yaml, the
signer's role for this stack and kind, what it approves (the backup and its manifest's SHA-256, or the
document's), its time window (±5 min of clock skew) and its nonce, unused in the stack's ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from backstop.runbook.approvals.approval import ApprovalFile, Operation, Payload, load_approval, out_name
from backstop.runbook.approvals.ledger import SKEW, Entry
from backstop.runbook.approvals.matrix import Kind, Matrix
from backstop.runbook.approvals.signatures import SignatureRefused, signer, verify

APPROVAL_ENV = "BACKSTOP_APPROVAL"


class Refused(Exception):
    """An approval that doesn't hold; `reason` is one word a script can test (unknown-key, wrong-role,
    other-stack, other-backup, other-document, wrong-kind, expired, replayed, tampered, missing, …).
    `signer` (once the signature verified) and `nonce` (once the file parsed) name the approval for the
    audit log; nothing else of the file is kept."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.signer: str | None = None
        self.nonce: str | None = None


@dataclass(frozen=True)
class Expected:
    """What is about to change."""

    stack: str
    kind: Kind
    operation: Operation
    backup: str | None = None
    manifest_sha256: str | None = None
    document_sha256: str | None = None
    document_path: str | None = None
    """The document's path, for the `backstop approve` command a refusal shows."""


@dataclass(frozen=True)
class Verified:
    payload: Payload
    signer: str
    fingerprint: str


def check(path: Path, matrix: Matrix, expected: Expected, now: datetime, used: dict[str, Entry]) -> Verified:
    """The approval in `path`, verified for `expected`, or `Refused` naming why (a malformed file
    raises DesiredStateError naming the field)."""
    found = load_approval(path)
    verified: Verified | None = None
    try:
        verified = authentic(found, matrix, path)
        _holds(verified, matrix, expected, now, used, f"{path}: ")
    except Refused as exc:
        exc.signer = verified.signer if verified is not None else None
        exc.nonce = found.approval.nonce
        raise
    return verified


def _holds(
    verified: Verified, matrix: Matrix, expected: Expected, now: datetime, used: dict[str, Entry], where: str
) -> None:
    """The authentic approval's stack, kind, signer's role, subject, time window and nonce."""
    payload = verified.payload
    roles = matrix.required(expected.stack, expected.kind) or []
    if payload.stack != expected.stack:
        raise Refused("other-stack", f"{where}approves stack {payload.stack}, not {expected.stack}")
    if expected.kind not in payload.kinds:
        raise Refused(
            "wrong-kind",
            f"{where}approves {', '.join(payload.kinds)} of {payload.stack}, not {expected.kind}",
        )
    if roles and not matrix.holds(verified.signer, roles):
        held = ", ".join(matrix.people[verified.signer].roles)
        raise Refused(
            "wrong-role",
            f"{where}signed by {verified.signer}, who holds {held}; "
            f"{expected.kind} of {expected.stack} needs {' or '.join(roles)}",
        )
    _same_subject(payload, expected, where)
    if now > payload.expires_at + SKEW:
        raise Refused(
            "expired",
            f"{where}expired at {payload.expires_at.isoformat()} (now {now.isoformat(timespec='seconds')})",
        )
    if payload.issued_at > now + SKEW:
        raise Refused("not-yet-valid", f"{where}issued at {payload.issued_at.isoformat()}, in the future")
    if payload.nonce in used:
        entry = used[payload.nonce]
        raise Refused(
            "replayed",
            f"{where}already used at {entry.at.isoformat()} ({entry.operation}): "
            "an approval is good for one run",
        )


def authentic(found: ApprovalFile, matrix: Matrix, path: Path) -> Verified:
    """The signature is by a key in approvals.yaml, over exactly this payload, and names its signer."""
    data = found.approval.canonical()
    try:
        made_by = signer(data, found.signature)
    except SignatureRefused as exc:
        raise Refused(exc.reason, f"{path}: {exc}") from None
    holder = matrix.keys().get(made_by.fingerprint)
    if holder is None:
        raise Refused(
            "unknown-key",
            f"{path}: signed by {made_by.key_type} key {made_by.fingerprint}, "
            "which approvals.yaml doesn't list",
        )
    person, key = holder
    try:
        verify(data, found.signature, key)
    except SignatureRefused as exc:
        raise Refused(exc.reason, f"{path}: {exc}") from None
    if found.approval.approver != person:
        raise Refused(
            "tampered", f"{path}: names {found.approval.approver} as approver but is signed by {person}'s key"
        )
    return Verified(found.approval, person, made_by.fingerprint)


def _same_subject(payload: Payload, expected: Expected, where: str) -> None:
    if payload.operation != expected.operation:
        raise Refused("other-operation", f"{where}approves a {payload.operation}, not a {expected.operation}")
    if expected.backup is not None and (payload.backup, payload.manifest_sha256) != (
        expected.backup,
        expected.manifest_sha256,
    ):
        raise Refused(
            "other-backup",
            f"{where}approves {payload.subject()}, not backup {expected.backup} "
            f"(manifest sha256 {expected.manifest_sha256})",
        )
    if expected.document_sha256 is not None and payload.document_sha256 != expected.document_sha256:
        raise Refused(
            "other-document",
            f"{where}approves {payload.subject()}, not the document being applied "
            f"(sha256 {expected.document_sha256})",
        )


def how_to_approve(expected: Expected, env_only: bool = False) -> str:
    """The exact command the approver runs."""
    if expected.backup is not None:
        what = f"--backup {expected.backup}"
    else:
        what = f"--document {expected.document_path or f'snapshots/{expected.stack}.yaml'}"
    name = out_name(expected.stack, expected.backup, expected.document_sha256)
    return (
        f"The approver runs: backstop approve --stack {expected.stack} {what} --kinds {expected.kind} "
        f"--key ~/.ssh/id_ed25519 (their own key); then "
        + (f"set {APPROVAL_ENV}={name}" if env_only else f"pass --approval {name} (or set {APPROVAL_ENV})")
    )
