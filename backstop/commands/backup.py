"""`backstop backup`: refresh, export, and write a backup folder with its manifest."""

from __future__ import annotations

import getpass
import json
import shutil
import subprocess
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any

import typer

from backstop.alerts import Alert
from backstop.backups import history
from backstop.backups.manifest import MANIFEST, BackupClass, Manifest, backup_id, sha256
from backstop.commands.common import emit, failures, notify, out
from backstop.model import load_document
from backstop.workspace import PROJECT_DIR, backups_dir, document_path, export_encrypted, select


def take_backup(
    stack_name: str,
    label: str,
    backup_class: BackupClass,
    actor: str | None = None,
    approved_by: str | None = None,
) -> Manifest:
    """Validates the desired state first, so a bad document changes nothing and calls no API."""
    document = document_path(stack_name)
    load_document(document)
    stack = select(stack_name)
    stack.refresh(color="never")
    exported = export_encrypted(stack_name)
    at = datetime.now(UTC).replace(microsecond=0)
    folder = (backups_dir() / stack_name) / backup_id(stack_name, at)
    for n in range(2, 100):
        if not folder.exists():
            break
        folder = (backups_dir() / stack_name) / f"{backup_id(stack_name, at)}-{n}"
    folder.mkdir(parents=True)
    try:
        (folder / "stack.json").write_text(json.dumps(exported, indent=2) + "\n")
        shutil.copyfile(document, folder / "desired.yaml")
        config = PROJECT_DIR / f"Pulumi.{stack_name}.yaml"
        if config.exists():
            shutil.copyfile(config, folder / "stack-config.yaml")
        manifest = Manifest.model_validate(
            {
                "id": folder.name,
                "stack": stack_name,
                "created_at": at,
                "label": label,
                "class": backup_class,
                "created_by": actor or _actor(),
                "git_commit": _git_commit(),
                "tool_version": version("backstop"),
                "engine_version": stack.workspace.pulumi_version,
                "resource_counts": _counts(exported.get("deployment")),
                "checksums": {f.name: sha256(f) for f in sorted(folder.iterdir())},
                "status": "complete",
                "approved_by": approved_by,
            }
        )
        (folder / MANIFEST).write_text(manifest.model_dump_json(by_alias=True, indent=2) + "\n")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return manifest


def _counts(deployment: Mapping[str, Any] | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for resource in (deployment or {}).get("resources") or []:
        kind = resource["type"]
        if kind.startswith("pulumi:"):
            continue
        counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items()))


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip() or None


def command(
    stack: Annotated[str, typer.Option(help="Stack to back up")],
    label: Annotated[str, typer.Option(help='e.g. "Pre-deployment backup - v1.0.5 - 2025-01-09"')],
    backup_class: Annotated[BackupClass, typer.Option("--class", help="Retention class")] = "manual",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Refresh the stack, export it and write a backup with its manifest; prints the backup id."""
    with failures(as_json):
        started = history.now()
        try:
            with out.status(f"backing up {stack} (refresh, then export)…"):
                manifest = take_backup(stack, label, backup_class)
        except Exception as exc:
            history.record(
                backups_dir(), history.event("backup", stack, started, False, error=str(exc)[:500])
            )
            first_line = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
            notify(
                Alert("backup_failed", stack, f"backup failed: {label}", "critical", {"error": first_line})
            )
            raise
        folder_size = sum(f.stat().st_size for f in (backups_dir() / stack / manifest.id).iterdir())
        history.record(
            backups_dir(),
            history.event(
                "backup",
                stack,
                started,
                True,
                id=manifest.id,
                size_bytes=folder_size,
                backup_class=manifest.backup_class,
            ),
        )
        folder: Path = (backups_dir() / stack) / manifest.id
        emit(
            as_json,
            {"ok": True, "backup": manifest.model_dump(mode="json", by_alias=True), "folder": str(folder)},
            lambda: out.print(
                f"{manifest.id}\n[dim]{folder}: "
                f"{sum(manifest.resource_counts.values())} resources, class {manifest.backup_class}[/dim]"
            ),
        )
