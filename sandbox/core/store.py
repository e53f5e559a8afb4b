"""In-memory state per vendor and account, persisted atomically to one JSON file."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

Json = dict[str, Any]


class Store:
    """`data[vendor][account][collection][object id] -> object` plus per-vendor side tables.

    Collections keep insertion order, which the vendors' list endpoints rely on.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.data: dict[str, dict[str, dict[str, dict[str, Json]]]] = {}
        self.lock = asyncio.Lock()
        if path is not None and path.exists():
            self.data = json.loads(path.read_text())

    def collection(self, vendor: str, account: str, name: str) -> dict[str, Json]:
        return self.data.setdefault(vendor, {}).setdefault(account, {}).setdefault(name, {})

    def reset(self) -> None:
        self.data = {}
        self.persist()

    def load(self, data: dict[str, Any]) -> None:
        self.data = json.loads(json.dumps(data))
        self.persist()

    def dump(self) -> dict[str, Any]:
        copied: dict[str, Any] = json.loads(json.dumps(self.data))
        return copied

    def persist(self) -> None:
        """Write to a temporary file in the same folder, fsync, then rename over the old file."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w") as fh:
                json.dump(self.data, fh, separators=(",", ":"))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
