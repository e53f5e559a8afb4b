"""The document a restore applies: the backup's, mapped for a cross-stack restore, merged with the current
one (restore/merge.py), validated once; and the plan a dry run shows for it."""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from backstop.operations.drift import managed_drift, unmanaged_objects
from backstop.plugin.model import DesiredState, parse_document
from backstop.runbook.backups.catalogue import Backup
from backstop.runbook.restore.mapping import Mapping
from backstop.runbook.restore.mapping import apply as apply_mapping
from backstop.runbook.restore.merge import merge
from backstop.runbook.session import StackSession


@dataclass(frozen=True)
class Merged:
    text: str
    """What is written to the stack's document (comments and quoting kept)."""
    document: DesiredState
    newer: list[str]
    """Objects declared now but absent from the backup, kept."""


def merged_document(chosen: Backup, target: Path, mapping: Mapping | None, exact: bool) -> Merged:
    current = _yaml().load(target.read_text()) if target.exists() else {}
    saved = _yaml().load((chosen.folder / "desired.yaml").read_text())
    if mapping is not None:
        saved = apply_mapping(mapping, saved)
    merged = merge(saved, current or {}, exact=exact)
    text = _dump(merged.document)
    document = parse_document(text, f"{chosen.folder / 'desired.yaml'} (merged with {target})")
    return Merged(text, document, merged.newer)


def plan(session: StackSession, merged: Merged, prune_unmanaged: bool) -> list[str]:
    """What a restore to `merged` would change (a refresh preview of it), changing nothing."""
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as planned:
        planned.write(merged.text)
    try:
        with session.reading(Path(planned.name), merged.document):
            changes = managed_drift(session)
            extras = unmanaged_objects(session) if prune_unmanaged else []
    finally:
        Path(planned.name).unlink()
    return [f"{c.op} {c.name}" for c in changes] + [f"prune {e}" for e in extras]


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _dump(document: Any) -> str:
    buffer = io.StringIO()
    _yaml().dump(document, buffer)
    return buffer.getvalue()
