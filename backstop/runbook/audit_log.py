"""The audit log, `snapshots/audit-log.jsonl` (BACKSTOP_AUDIT_LOG moves it): one JSON record per changing
Backstop operation, each holding the SHA-256 of the line before it (a hash chain), so an edited, deleted or
reordered record breaks the chain from that record on. Each stack's newest record is also named in the
stack's state backend (a stack tag), so deleting the last records is detected too."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import socket
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from backstop.runbook.approvals.ledger import Run
from backstop.runbook.workspace import PROJECT_DIR

GENESIS = "0" * 64
HEAD_TAG = "backstop:audit-head"


def log_path() -> Path:
    return Path(os.environ.get("BACKSTOP_AUDIT_LOG") or PROJECT_DIR / "snapshots" / "audit-log.jsonl")


def line_hash(line: str) -> str:
    return hashlib.sha256(line.encode()).hexdigest()


def actor() -> dict[str, str]:
    """Who ran it: the git identity of the project's checkout and the OS user on this host."""

    def git(key: str) -> str:
        done = subprocess.run(
            ["git", "config", "--get", key], cwd=PROJECT_DIR, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    name, email = git("user.name"), git("user.email")
    return {
        "git": f"{name} <{email}>" if name or email else "",
        "user": getpass.getuser(),
        "host": socket.gethostname(),
    }


def append(record: dict[str, Any], tags: Run | None = None) -> dict[str, Any]:
    """Adds `record` (time, seq and the previous line's hash filled in) and, with `tags` (the stack's
    `pulumi` runner), names it as the stack's head in its state backend."""
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = path.read_text().splitlines() if path.exists() else []
    full = {
        "seq": len(lines) + 1,
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        **record,
        "previous": line_hash(lines[-1]) if lines else GENESIS,
    }
    line = json.dumps(full, sort_keys=True, separators=(",", ":"), default=str)
    with path.open("a") as handle:
        handle.write(line + "\n")
    if tags is not None:
        head = json.dumps({"seq": full["seq"], "hash": line_hash(line)}, separators=(",", ":"))
        tags("stack", "tag", "set", HEAD_TAG, head, "--stack", str(record["stack"]))
    return full


@dataclass(frozen=True)
class Broken:
    seq: int
    """The line number (1-based) of the first record that doesn't hold."""
    reason: str


def read_chain(path: Path) -> tuple[list[dict[str, Any]], list[str], Broken | None]:
    """The records, their lines, and the first break in the chain (an edit, a deletion, a reordering)."""
    records: list[dict[str, Any]] = []
    lines = path.read_text().splitlines() if path.exists() else []
    previous = GENESIS
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            return records, lines, Broken(number, "not a JSON record")
        if not isinstance(record, dict):
            return records, lines, Broken(number, "not a JSON record")
        if record.get("previous") != previous:
            why = (
                f"its previous-record hash doesn't match record {number - 1}: "
                f"record {number - 1} was edited, or records before it deleted or moved"
                if number > 1
                else "it doesn't start the chain: records before it were deleted"
            )
            return records, lines, Broken(number, why)
        if record.get("seq") != number:
            return records, lines, Broken(number, f"its seq is {record.get('seq')}, not {number}")
        records.append(record)
        previous = line_hash(line)
    return records, lines, None


def head_problem(stack: str, records: list[dict[str, Any]], lines: list[str], head: str | None) -> str | None:
    """None when the stack's head tag names its last record in the log."""
    mine = [(r, line) for r, line in zip(records, lines, strict=False) if r.get("stack") == stack]
    if head is None:
        return f"{stack}: its state backend names no audit head" if mine else None
    try:
        named = json.loads(head)
        seq, digest = int(named["seq"]), str(named["hash"])
    except (ValueError, KeyError, TypeError):
        return f"{stack}: its audit head tag is unreadable"
    if not mine or mine[-1][0]["seq"] != seq or line_hash(mine[-1][1]) != digest:
        return (
            f"{stack}: its state backend names record {seq} ({digest[:12]}…) as the last, "
            "and the log doesn't end there: records were deleted or edited"
        )
    return None
