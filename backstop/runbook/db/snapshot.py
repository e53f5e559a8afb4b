"""Reading a Convex snapshot ZIP (`<table>/documents.jsonl`, `_tables/documents.jsonl`, `_storage/…`)
and writing the one-table ZIP a single-table restore imports (ZIP imports take no `--table`)."""

from __future__ import annotations

import hashlib
import json
import random
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DOCUMENTS = re.compile(r"^(?:.*/)?([^/]+)/documents\.jsonl$")
TABLES, STORAGE = "_tables", "_storage"
Document = dict[str, Any]


class SnapshotError(Exception):
    pass


@dataclass(frozen=True)
class TableSummary:
    count: int
    sha256: str
    """Of the table's documents, each as canonical JSON (keys sorted), in `_id` order."""


def canonical(document: Document) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def summarize(documents: Iterable[Document]) -> TableSummary:
    lines = sorted((str(d.get("_id")), canonical(d)) for d in documents)
    digest = hashlib.sha256()
    for _, line in lines:
        digest.update(line.encode() + b"\n")
    return TableSummary(len(lines), digest.hexdigest())


class Snapshot:
    """A snapshot ZIP on disk; tables are read entry by entry when asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise SnapshotError(f"{path.name} is not a readable ZIP: {exc}") from None
        self.entries: dict[str, str] = {}
        for name in names:
            match = DOCUMENTS.match(name)
            if match and match.group(1) not in (TABLES, STORAGE):
                self.entries[match.group(1)] = name
        self.numbered: list[Document] = []
        """`_tables` rows: {name, id} per table."""
        self.storage_files = 0
        for name in names:
            match = DOCUMENTS.match(name)
            if match and match.group(1) == TABLES:
                self.numbered = list(self._rows(name))
            elif match and match.group(1) == STORAGE:
                self.storage_files = sum(1 for _ in self._rows(name))

    @property
    def tables(self) -> list[str]:
        """Every user table: listed in `_tables` (empty ones included) or holding documents."""
        return sorted({*(str(row.get("name")) for row in self.numbered), *self.entries})

    def _rows(self, entry: str) -> Iterator[Document]:
        with zipfile.ZipFile(self.path) as archive, archive.open(entry) as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise SnapshotError(f"{entry}: line {n} is not JSON: {exc}") from None
                if not isinstance(row, dict):
                    raise SnapshotError(f"{entry}: line {n} is not a document")
                yield row

    def documents(self, table: str) -> Iterator[Document]:
        entry = self.entries.get(table)
        if entry is not None:
            yield from self._rows(entry)

    def summary(self, table: str) -> TableSummary:
        return summarize(self.documents(table))

    def summaries(self) -> dict[str, TableSummary]:
        return {table: self.summary(table) for table in self.tables}

    def by_id(self, table: str) -> dict[str, Document]:
        return {str(d.get("_id")): d for d in self.documents(table)}

    def sample(self, tables: list[str], size: int, rng: random.Random) -> list[tuple[str, Document]]:
        """Up to `size` documents drawn at random from the given tables, at least one per non-empty table
        while the budget lasts."""
        pool = [(t, d) for t in tables for d in self.documents(t)]
        if len(pool) <= size:
            return pool
        picked = {t: rng.choice([d for tt, d in pool if tt == t]) for t in rng.sample(tables, len(tables))}
        chosen = [(t, d) for t, d in picked.items()][:size]
        taken = {(t, str(d.get("_id"))) for t, d in chosen}
        rest = [(t, d) for t, d in pool if (t, str(d.get("_id"))) not in taken]
        chosen += rng.sample(rest, max(0, size - len(chosen)))
        return chosen


def one_table(source: Snapshot, table: str, target: Path) -> None:
    """A ZIP holding only `table` (its `_tables` entry and documents), so a `--replace` import of it
    replaces that table and leaves every other one alone."""
    if table not in source.tables:
        raise SnapshotError(f"table {table!r} is not in the snapshot")
    numbers = [row for row in source.numbered if row.get("name") == table]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        if numbers:
            out.writestr(f"{TABLES}/documents.jsonl", "".join(canonical(r) + "\n" for r in numbers))
        out.writestr(
            f"{table}/documents.jsonl", "".join(canonical(d) + "\n" for d in source.documents(table))
        )
