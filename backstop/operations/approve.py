"""`backstop approve`: the approver signs what may change on a stack (a backup to restore, or a document
to apply) with their SSH key, for a while, once. Nothing is read from a vendor or changed."""

from __future__ import annotations

import re
import secrets
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from backstop.operations.errors import INPUT_ERROR, Failure
from backstop.runbook.approvals.approval import ApprovalFile, Payload, out_name
from backstop.runbook.approvals.authorize import matrix
from backstop.runbook.approvals.keys import BadKey, PublicKey, parse_key, ssh_keygen
from backstop.runbook.approvals.matrix import FILE, Kind
from backstop.runbook.approvals.signatures import SigningError, sign
from backstop.runbook.backups.manifest import MANIFEST, Manifest, sha256
from backstop.runbook.workspace import backups_dir

MAX_EXPIRY = timedelta(days=7)
_DURATION = re.compile(r"^(\d+)([mhd])$")


@dataclass(frozen=True)
class Subject:
    backup: str | None = None
    document: Path | None = None


def parse_expiry(text: str) -> timedelta:
    """`30m`, `2h`, `1d`; at most 7 days."""
    found = _DURATION.match(text.strip())
    if not found:
        raise Failure(INPUT_ERROR, f"--expires: {text!r} is not a duration such as 30m, 2h or 1d")
    amount, unit = int(found.group(1)), found.group(2)
    length = {"m": timedelta(minutes=amount), "h": timedelta(hours=amount), "d": timedelta(days=amount)}[unit]
    if not timedelta(0) < length <= MAX_EXPIRY:
        raise Failure(INPUT_ERROR, f"--expires: {text} is not between 1m and 7d")
    return length


def approve(
    stack: str, subject: Subject, kinds: list[Kind] | None, expires: timedelta, key: Path, out: Path | None
) -> tuple[Path, Payload]:
    """Writes the signed approval file; returns its path and what it approves."""
    rules = matrix()
    person = _approver(key, rules.keys())
    if subject.backup is not None:
        manifest_file = _manifest(subject.backup)
        manifest = Manifest.model_validate_json(manifest_file.read_text())
        kinds = kinds or [manifest.kind]
        fields: dict[str, str | None] = {
            "operation": "restore",
            "backup": subject.backup,
            "manifest_sha256": sha256(manifest_file),
        }
    elif subject.document is not None:
        if not subject.document.is_file():
            raise Failure(INPUT_ERROR, f"--document: {subject.document} is not a file")
        kinds = kinds or ["configuration"]
        fields = {"operation": "update", "document_sha256": sha256(subject.document)}
    else:
        raise Failure(INPUT_ERROR, "give one of --backup and --document")
    for kind in kinds:
        roles = rules.required(stack, kind)
        if roles and not rules.holds(person, roles):
            held = ", ".join(rules.people[person].roles)
            raise Failure(
                INPUT_ERROR,
                f"{person} holds {held}; approving {kind} of {stack} needs {' or '.join(roles)} ({FILE})",
            )
    issued = datetime.now(UTC).replace(microsecond=0)
    payload = Payload.model_validate(
        {
            "stack": stack,
            **fields,
            "kinds": kinds,
            "issued_at": issued,
            "expires_at": issued + expires,
            "nonce": secrets.token_hex(16),
            "approver": person,
        }
    )
    try:
        signature = sign(payload.canonical(), key)
    except (SigningError, BadKey) as exc:
        raise Failure(INPUT_ERROR, str(exc)) from None
    target = out or Path.cwd() / out_name(stack, payload.backup, payload.document_sha256)
    target.write_text(ApprovalFile(approval=payload, signature=signature).text())
    return target, payload


def _approver(key: Path, keys: dict[str, tuple[str, PublicKey]]) -> str:
    """The person in approvals.yaml whose key `key` is (its public half: `key` itself when it is a
    public key, else KEY.pub beside it, else derived by ssh-keygen)."""
    if not key.exists():
        raise Failure(INPUT_ERROR, f"--key: {key} does not exist")
    public = key if key.suffix == ".pub" else key.with_name(key.name + ".pub")
    try:
        if public.exists():
            text = public.read_text()
        else:
            done = subprocess.run([ssh_keygen(), "-y", "-f", str(key)], capture_output=True, text=True)
            if done.returncode != 0:
                raise Failure(INPUT_ERROR, f"--key: {key} is not an SSH key ssh-keygen can read")
            text = done.stdout
        fingerprint = parse_key(text).fingerprint
    except BadKey as exc:
        raise Failure(INPUT_ERROR, f"--key: {key}: {exc}") from None
    holder = keys.get(fingerprint)
    if holder is None:
        raise Failure(INPUT_ERROR, f"--key: {key} ({fingerprint}) is nobody's key in {FILE}")
    return holder[0]


def _manifest(backup: str) -> Path:
    found = sorted(backups_dir().glob(f"*/{backup}/{MANIFEST}")) if "/" not in backup else []
    if len(found) != 1:
        raise Failure(
            INPUT_ERROR, f"--backup: no backup {backup!r} in {backups_dir()}; see `backstop backups`"
        )
    return found[0]
