"""The two consoles: results on stdout, progress, warnings and errors on stderr (markup off for data)."""

from __future__ import annotations

from rich.console import Console

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)
