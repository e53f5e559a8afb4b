"""Listing, reading and checking the backups of a stack."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from backstop.backups.manifest import MANIFEST, Manifest, sha256


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
        return sum(f.stat().st_size for f in self.folder.iterdir() if f.is_file())

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


def list_backups(backups_dir: Path, stack: str) -> list[Backup]:
    """Oldest first."""
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
    return found
