"""The approvals used on a stack, kept as tags of the stack in its state backend (`pulumi stack tag`):
every machine that shares the backend (a folder, a bucket, Pulumi Cloud) sees the same tags, so a nonce
used on one is refused on all. Each entry also holds the SHA-256 of a grant token: the Backstop run that
used the approval hands the token to the engine runs it starts, and the program's gate lets exactly that
run through. Entries are forgotten once their approval has expired (an expired approval is refused
anyway), so the tags don't grow without end."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

PREFIX = "backstop:approval:"
GRANT_ENV = "BACKSTOP_APPROVAL_GRANT"
"""`<entry id>:<token>`, set for the engine runs of the Backstop operation that used the approval."""
SKEW = timedelta(minutes=5)
GRANT_LIFETIME = timedelta(hours=12)
"""How long the engine runs of one operation may go on after its approval was used."""

Run = Callable[..., str]
"""Runs `pulumi <args> --non-interactive` and returns its standard output (raises on failure)."""


def path_cli(*args: str) -> str:
    """The `pulumi` on PATH, in the current folder: what the program's gate uses (the engine that runs
    the program put its own on PATH)."""
    done = subprocess.run(["pulumi", *args, "--non-interactive"], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pulumi {' '.join(args[:3])} failed: {done.stderr.strip()[-300:]}")
    return done.stdout


@dataclass(frozen=True)
class Entry:
    id: str
    at: datetime
    operation: str
    until: datetime
    grant: str
    """SHA-256 of the grant token."""


@dataclass(frozen=True)
class Ledger:
    stack: str
    run: Run

    def tags(self) -> dict[str, str]:
        data = json.loads(self.run("stack", "tag", "ls", "--json", "--stack", self.stack) or "{}")
        return {str(k): str(v) for k, v in data.items()}

    def entries(self) -> dict[str, Entry]:
        found = {}
        for key, value in self.tags().items():
            if not key.startswith(PREFIX):
                continue
            try:
                data = json.loads(value)
                entry = Entry(
                    key[len(PREFIX) :],
                    datetime.fromisoformat(data["at"]),
                    str(data["op"]),
                    datetime.fromisoformat(data["until"]),
                    str(data["grant"]),
                )
            except (ValueError, KeyError, TypeError):
                continue  # not ours to read; never a reason to let an approval through
            found[entry.id] = entry
        return found

    def record(self, entry_id: str, operation: str, until: datetime, now: datetime) -> str:
        """Records the entry and returns the grant (`<id>:<token>`) for this run's engine runs. Expired
        entries are dropped first."""
        for old in self.entries().values():
            if old.until + SKEW < now:
                self.run("stack", "tag", "rm", PREFIX + old.id, "--stack", self.stack)
        token = secrets.token_hex(16)
        value = {
            "at": now.isoformat(timespec="seconds"),
            "op": operation,
            "until": max(until, now + GRANT_LIFETIME).isoformat(timespec="seconds"),
            "grant": digest(token),
        }
        self.run(
            "stack",
            "tag",
            "set",
            PREFIX + entry_id,
            json.dumps(value, separators=(",", ":")),
            "--stack",
            self.stack,
        )
        return f"{entry_id}:{token}"

    def granted(self, grant: str | None, now: datetime) -> Entry | None:
        """The entry `grant` (a `BACKSTOP_APPROVAL_GRANT` value) was issued for, if it is live."""
        if not grant or ":" not in grant:
            return None
        entry_id, token = grant.split(":", 1)
        entry = self.entries().get(entry_id)
        if entry is None or not secrets.compare_digest(entry.grant, digest(token)):
            return None
        return entry if now <= entry.until else None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def now() -> datetime:
    return datetime.now(UTC)


def grant_from_env() -> str | None:
    return os.environ.get(GRANT_ENV)
