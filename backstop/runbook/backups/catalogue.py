"""Listing, reading and checking the backups of a stack."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from backstop.runbook.backups.manifest import MANIFEST, Kind, Manifest, sha256

CONFIGURATION: tuple[Kind] = ("configuration",)
DATABASE: tuple[Kind] = ("database",)
ALL_KINDS: tuple[Kind, Kind] = ("configuration", "database")


@dataclass(frozen=True)
class Backup:
    folder: Path
    manifest: Manifest | None
    problem: str | None = None

    @property
    def id(self) -> str:
        return self.folder.name

    @property
    def size(self) -> int:
        """The folder's files, plus the export in the backup store for a database backup."""
        stored = self.manifest.database.size_bytes if self.manifest and self.manifest.database else 0
        return stored + sum(f.stat().st_size for f in self.folder.iterdir() if f.is_file())

    def verify(self) -> str | None:
        """None when every file the manifest names is there with its checksum, else what is wrong."""
        if self.manifest is None:
            return self.problem or "no manifest"
        for name, digest in self.manifest.checksums.items():
            path = self.folder / name
            if not path.exists():
                return f"{name} is missing"
            if sha256(path) != digest:
                return f"{name} does not match its checksum"
        return None


def list_backups(backups_dir: Path, stack: str, kinds: Collection[Kind] = CONFIGURATION) -> list[Backup]:
    """Oldest first, of the given kinds (configuration backups unless asked; folders whose manifest
    can't be read are always listed)."""
    folder = backups_dir / stack
    if not folder.exists():
        return []
    found = []
    for child in sorted(folder.iterdir()):
        if not child.is_dir():
            continue
        manifest_file = child / MANIFEST
        try:
            found.append(Backup(child, Manifest.model_validate_json(manifest_file.read_text())))
        except FileNotFoundError:
            found.append(Backup(child, None, "no manifest.json"))
        except ValidationError as exc:
            found.append(Backup(child, None, f"unreadable manifest.json: {exc.errors()[0]['msg']}"))
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(
        (b for b in found if b.manifest is None or b.manifest.kind in kinds),
        key=lambda b: (b.manifest.created_at if b.manifest else oldest, b.id),
    )
