"""Snapshot ZIPs as Convex writes and reads them.

Written: README.md, `_tables/documents.jsonl` ({name, id} per user table), then per table
`<table>/documents.jsonl` (one document per line, keys sorted, system fields included) and
`<table>/generated_schema.jsonl` (the "uniform" marker), and with file storage `_storage/documents.jsonl`
plus one `_storage/<id>[.ext]` per file. Read: the same entries with any folder prefix; a single-table
import reads JSON lines or a JSON array.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import mimetypes
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from sandbox.convex import ids
from sandbox.convex.state import STORAGE, TABLE_NAME, TABLES, Deployment, Json

README = """# Welcome to your Convex snapshot export!

This ZIP file contains a snapshot of the tables in your Convex deployment.

Documents for each table are listed as lines of JSON in
<table_name>/documents.jsonl files.

For details on the format and how to use this snapshot with npx convex import,
check out [the docs](https://docs.convex.dev/database/import-export/export).
"""
DOCUMENTS = re.compile(r"^(.*/)?([^/]+)/documents\.jsonl$")
GENERATED_SCHEMA = re.compile(r"^(.*/)?([^/]+)/generated_schema\.jsonl$")
STORAGE_FILE = re.compile(r"(.*/)?_storage/([^/.]+)(?:\.[^/]+)?$")
COMPONENTS = re.compile(r"(^|/)_components/")
SYSTEM_FIELDS = ("_id", "_creationTime")


class ImportFailure(Exception):
    """An import that fails, with Convex's message."""


def _line(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode() + b"\n"


def build(deployment: Deployment, include_storage: bool) -> bytes:
    tables = deployment.tables()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", README)
        archive.writestr(
            f"{TABLES}/documents.jsonl", b"".join(_line({"name": n, "id": i}) for n, i in tables.items())
        )
        by_size = sorted(tables, key=lambda name: (len(deployment.documents(name)), tables[name]))
        for name in by_size:
            documents = sorted(deployment.documents(name).values(), key=lambda d: d["_id"])
            archive.writestr(f"{name}/documents.jsonl", b"".join(_line(d) for d in documents))
            archive.writestr(f"{name}/generated_schema.jsonl", _line("uniform"))
        if include_storage:
            files = sorted(deployment.collection(STORAGE).values(), key=lambda f: f["_id"])
            metadata = [{k: v for k, v in f.items() if k != "data"} for f in files]
            archive.writestr(f"{STORAGE}/documents.jsonl", b"".join(_line(m) for m in metadata))
            for stored in files:
                extension = mimetypes.guess_extension(stored.get("contentType") or "") or ""
                archive.writestr(f"{STORAGE}/{stored['_id']}{extension}", base64.b64decode(stored["data"]))
    return buffer.getvalue()


@dataclass
class Parsed:
    tables: dict[str, list[Json]] = field(default_factory=dict)
    """Table -> its documents, in file order; a table listed only in `_tables` is empty."""
    numbers: dict[str, int] = field(default_factory=dict)
    """Table numbers the import names (from `_tables`)."""
    storage: list[tuple[Json, bytes]] | None = None


def _rows(data: bytes, where: str) -> list[Json]:
    rows = []
    for n, line in enumerate(data.decode("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportFailure(
                f"Hit an error while importing:\n{where}: Row {n} wasn't valid JSON: {exc}"
            ) from None
        rows.append(_document(value, n, where))
    return rows


def _document(value: Any, n: int, where: str) -> Json:
    if not isinstance(value, dict):
        raise ImportFailure(f"Hit an error while importing:\n{where}: Row {n} wasn't an object")
    for key in value:
        if key.startswith(("_", "$")) and key not in SYSTEM_FIELDS:
            raise ImportFailure(
                f"Hit an error while importing:\n{where}: Row {n} wasn't a valid Convex value: "
                f"field name {key!r} is reserved"
            )
    if "_id" in value:
        try:
            ids.table_number(str(value["_id"]))
        except ids.InvalidId as exc:
            raise ImportFailure(
                f"Hit an error while importing:\n{where}: Row {n} wasn't a valid Convex value: {exc}"
            ) from None
    if "_creationTime" in value and not isinstance(value["_creationTime"], int | float):
        raise ImportFailure(
            f"Hit an error while importing:\n{where}: Row {n} wasn't a valid Convex value: "
            "_creationTime must be a number"
        )
    return value


def _table_name(name: str) -> str:
    if not TABLE_NAME.match(name):
        raise ImportFailure(f"{name!r} isn't a valid table name: Identifiers must start with a letter")
    return name


def parse_zip(data: bytes) -> Parsed:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ImportFailure(f"Hit an error while importing:\nInvalid ZIP file: {exc}") from None
    parsed = Parsed()
    storage_meta: list[Json] | None = None
    storage_files: dict[str, bytes] = {}
    with archive:
        for entry in archive.infolist():
            name = entry.filename
            if entry.is_dir() or GENERATED_SCHEMA.match(name):
                continue
            if COMPONENTS.search(name):
                raise ImportFailure("Importing into components is not emulated by the sandbox")
            documents = DOCUMENTS.match(name)
            if documents:
                table = documents.group(2)
                if table == TABLES:
                    for row in _rows(archive.read(entry), name):
                        numbered = _table_name(str(row.get("name")))
                        parsed.numbers[numbered] = int(row["id"])
                        parsed.tables.setdefault(numbered, [])
                elif table == STORAGE:
                    storage_meta = _rows(archive.read(entry), name)
                else:
                    parsed.tables.setdefault(_table_name(table), []).extend(_rows(archive.read(entry), name))
                continue
            stored = STORAGE_FILE.match(name)
            if stored:
                storage_files[stored.group(2)] = archive.read(entry)
    if storage_meta is not None:
        parsed.storage = []
        for meta in storage_meta:
            content = storage_files.get(str(meta.get("_id")))
            if content is None:
                raise ImportFailure(f"Hit an error while importing:\n_storage/{meta.get('_id')} is missing")
            parsed.storage.append((meta, content))
    return parsed


def parse_single(data: bytes, table: str, fmt: str) -> Parsed:
    where = f"{table} ({fmt})"
    if fmt == "jsonLines":
        rows = _rows(data, where)
    else:
        try:
            value = json.loads(data)
        except json.JSONDecodeError as exc:
            raise ImportFailure(f"Hit an error while importing:\nNot valid JSON: {exc}") from None
        if not isinstance(value, list):
            raise ImportFailure("Hit an error while importing:\nNot a JSON array")
        rows = [_document(v, n, where) for n, v in enumerate(value, start=1)]
    return Parsed(tables={_table_name(table): rows})


def storage_entry(meta: Json, content: bytes) -> Json:
    return {
        "_id": meta["_id"],
        "_creationTime": meta.get("_creationTime"),
        "sha256": meta.get("sha256") or base64.b64encode(hashlib.sha256(content).digest()).decode(),
        "size": len(content),
        "contentType": meta.get("contentType"),
        "data": base64.b64encode(content).decode(),
    }
