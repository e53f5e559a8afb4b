"""The stored data of one Convex deployment, and what only lives in the sandbox's memory.

A deployment is an account of the `convex` vendor: `data["convex"][<deployment name>]` holds one
collection per user table (document id -> the document as JSON, system fields `_id` and
`_creationTime` included) and the system tables `_tables` (table name -> {name, id: table number}),
`_exports`, `_snapshot_imports` and `_storage` (file metadata plus the bytes, base64). A dump → edit →
load through the control API is an out-of-band change to the data, as with every vendor.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from sandbox.convex import ids
from sandbox.core.accounts import Account
from sandbox.core.context import Sandbox

Json = dict[str, Any]
VENDOR, PREFIX = "convex", "/convex"
TABLES, EXPORTS, IMPORTS, STORAGE = "_tables", "_exports", "_snapshot_imports", "_storage"
FIRST_USER_TABLE = 10001
SYSTEM_TABLE_NUMBERS = {EXPORTS: 31, IMPORTS: 36, STORAGE: 540}
"""Table numbers of the system tables whose ids clients see (UNCERTAIN: Convex's own numbering)."""
TABLE_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]{0,63}$")


def now_ts() -> int:
    """A Convex timestamp: nanoseconds since the Unix epoch."""
    return time.time_ns()


def creation_time() -> float:
    """`_creationTime`: milliseconds since the epoch, as a float."""
    return time.time_ns() / 1_000_000


class Deployment:
    def __init__(self, sandbox: Sandbox, account: Account) -> None:
        self.sandbox, self.account, self.name = sandbox, account, account.name

    def _data(self) -> dict[str, dict[str, Json]]:
        return self.sandbox.store.data.setdefault(VENDOR, {}).setdefault(self.name, {})

    def collection(self, name: str) -> dict[str, Json]:
        return self.sandbox.store.collection(VENDOR, self.name, name)

    def tables(self) -> dict[str, int]:
        """User table name -> table number, in table-number order. A collection loaded through the
        control API without a `_tables` entry becomes a table with the next free number."""
        registry = self.collection(TABLES)
        for name in list(self._data()):
            if not name.startswith("_") and name not in registry:
                self.add_table(name)
        return {name: int(row["id"]) for name, row in sorted(registry.items(), key=lambda kv: kv[1]["id"])}

    def add_table(self, name: str, number: int | None = None) -> int:
        registry = self.collection(TABLES)
        if name in registry:
            if number is not None:
                registry[name]["id"] = number
            return int(registry[name]["id"])
        taken = {int(row["id"]) for row in registry.values()}
        if number is None or number in taken:
            number = max([FIRST_USER_TABLE - 1, *taken]) + 1
        registry[name] = {"name": name, "id": number}
        self.collection(name)
        return number

    def drop_table(self, name: str) -> None:
        self.collection(TABLES).pop(name, None)
        self._data().pop(name, None)

    def documents(self, table: str) -> dict[str, Json]:
        return self.collection(table)

    def new_id(self, number: int) -> str:
        return ids.encode(number, bytes.fromhex(self.sandbox.ids.token(32, "0123456789abcdef")))

    def insert(self, table: str, fields: Json) -> Json:
        """A new document with fresh system fields (fixtures use it)."""
        number = self.add_table(table)
        document = {"_id": self.new_id(number), "_creationTime": creation_time(), **fields}
        self.documents(table)[document["_id"]] = document
        return document

    def system_row(self, table: str, fields: Json) -> Json:
        row = {"_id": self.new_id(SYSTEM_TABLE_NUMBERS[table]), "_creationTime": creation_time(), **fields}
        self.collection(table)[row["_id"]] = row
        return row


@dataclass
class Upload:
    deployment: str
    parts: dict[str, bytes] = field(default_factory=dict)
    """Part token -> bytes."""


@dataclass
class Runtime:
    """What the sandbox keeps in memory only: pending upload parts, the export ZIPs (Convex keeps them
    in its exports storage, not in the database), and the background work of exports and imports."""

    sandbox: Sandbox
    uploads: dict[str, Upload] = field(default_factory=dict)
    blobs: dict[str, bytes] = field(default_factory=dict)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    step_seconds: float = 0.05
    """Pause between the states of an export or import, so subscribers see each one."""

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def step(self) -> None:
        await asyncio.sleep(self.step_seconds)
        self.sandbox.store.persist()
