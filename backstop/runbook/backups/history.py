"""An append-only log of every backup, restore and drift run per stack, for `backstop status` and alerts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

Kind = Literal["backup", "restore", "drift", "drill", "verify"]
FILE = "history.jsonl"


class Event(BaseModel):
    kind: Kind
    stack: str
    at: datetime
    ok: bool
    duration_seconds: float
    details: dict[str, Any] = {}


def record(backups_dir: Path, event: Event) -> None:
    folder = backups_dir / event.stack
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / FILE).open("a") as fh:
        fh.write(event.model_dump_json() + "\n")


def read(backups_dir: Path, stack: str) -> list[Event]:
    path = backups_dir / stack / FILE
    if not path.exists():
        return []
    return [Event.model_validate_json(line) for line in path.read_text().splitlines() if line.strip()]


def now() -> datetime:
    return datetime.now(UTC)


def event(kind: Kind, stack: str, started: datetime, ok: bool, **details: Any) -> Event:
    return Event(
        kind=kind,
        stack=stack,
        at=started,
        ok=ok,
        duration_seconds=(now() - started).total_seconds(),
        details=json.loads(json.dumps(details, default=str)),
    )
