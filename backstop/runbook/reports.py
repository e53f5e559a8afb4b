"""Reports are written twice: Markdown for people, JSON for machines, side by side."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel


def write_pair(folder: Path, stem: str, report: BaseModel, markdown: str) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    as_json, as_md = folder / f"{stem}.json", folder / f"{stem}.md"
    as_json.write_text(report.model_dump_json(indent=2) + "\n")
    as_md.write_text(markdown)
    return as_json, as_md


def span(seconds: float) -> str:
    """A duration as hours and minutes, with the seconds: `1 h 5 min (3900 s)`."""
    hours, rest = divmod(int(seconds), 3600)
    return f"{hours} h {rest // 60} min ({seconds:.0f} s)"
